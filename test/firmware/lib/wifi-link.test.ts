// The Wi-Fi link against a fake of the ESP32 Wifi module as 2v29 behaves:
// connect's callback only on success, failures as "disconnected" events.
import { describe, expect, it } from 'vitest';
import type { WifiApi } from '../../../firmware/hal/espruino-api.js';
import { WifiLink } from '../../../firmware/lib/wifi-link.js';

function fakeWifi() {
  const listeners: ((details: unknown) => void)[] = [];
  const attempts: ((error: string | null) => void)[] = [];
  const wifi = {
    connect: (_ssid: string, _options: unknown, callback: (error: string | null) => void) => void attempts.push(callback),
    on: (_event: string, listener: (details: unknown) => void) => void listeners.push(listener),
  } as unknown as WifiApi;
  return { wifi, attempts, disconnected: () => listeners.forEach((l) => l({})) };
}

describe('WifiLink', () => {
  it('retries after each "disconnected" with growing delays, once per event burst, and starts over after success', () => {
    const { wifi, attempts, disconnected } = fakeWifi();
    const timers: { ms: number; run: () => void }[] = [];
    const changes: boolean[] = [];
    const link = new WifiLink(wifi, { ssid: 's', password: 'p' }, { setTimeout: (run, ms) => timers.push({ ms, run }), random: () => 0.5, log: () => undefined }, (up) => changes.push(up));
    link.start();
    expect(attempts).toHaveLength(1);
    disconnected(); // the first attempt failed
    disconnected(); // a second event before the retry: still one retry
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers.shift()!.run();
    disconnected();
    expect(timers.map((t) => t.ms)).toEqual([2000]);
    timers.shift()!.run();
    attempts[2](null); // connected
    expect(changes).toEqual([false, false, false, true]);
    disconnected();
    expect(timers.map((t) => t.ms)).toEqual([1000]);
  });
});
