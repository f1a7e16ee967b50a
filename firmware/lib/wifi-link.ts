// Keeps the station connected. Espruino 2v29 on ESP32 does not reconnect by
// itself, calls connect's callback only once connected, and reports a failed
// attempt or a lost link only as the "disconnected" event
// (libs/network/esp32/jswrap_esp32_network.c): every "disconnected" schedules
// the next attempt, with growing, jittered delays.

import type { WifiApi } from '../hal/espruino-api.js';
import { backoffDelay } from './backoff.js';

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30000;

export interface WifiLinkDeps {
  setTimeout(callback: () => void, ms: number): unknown;
  random(): number;
  log(message: string): void;
}

export class WifiLink {
  private attempt = 0;
  private retryTimer: unknown = null;

  constructor(
    private readonly wifi: WifiApi,
    private readonly network: { ssid: string; password: string },
    private readonly deps: WifiLinkDeps,
    /** Told when the link comes up (true) or goes down (false). */
    private readonly onChange: (up: boolean) => void,
  ) {}

  start(): void {
    this.wifi.on('disconnected', () => {
      this.deps.log('wifi down');
      this.onChange(false);
      this.scheduleRetry();
    });
    this.connect();
  }

  private connect(): void {
    this.retryTimer = null;
    this.wifi.connect(this.network.ssid, { password: this.network.password }, () => {
      this.attempt = 0;
      this.deps.log('wifi up');
      this.onChange(true);
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = this.deps.setTimeout(() => this.connect(), backoffDelay(this.attempt++, RETRY_BASE_MS, RETRY_MAX_MS, this.deps.random()));
  }
}
