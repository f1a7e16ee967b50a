// Every refusal of device traffic is logged with its reason and counted.
import type { AuthenticateError, Client } from 'aedes';
import type { Logger } from '../log.js';

/** Why connections and messages were refused, counted since start. */
export interface RefusalCounts {
  connect: number;
  publish: number;
  subscribe: number;
  oversized: number;
  /** Connections closed for bytes that are not MQTT (or not in order). */
  protocol: number;
  /** Messages acknowledged but not acted on: more often than a device has reason to send them. */
  throttled: number;
  /** Parts of an accepted message refused (an unknown cause with an outcome): the rest is kept. */
  partial: number;
  /** Dashboard or WebSocket connections closed for too many from one address. */
  crowded: number;
}

export type Callback = (error?: Error | null) => void;

export class Refusals {
  readonly counts: RefusalCounts = { connect: 0, publish: 0, subscribe: 0, oversized: 0, protocol: 0, throttled: 0, partial: 0, crowded: 0 };

  constructor(private readonly log: Logger) {}

  connect(clientId: string, username: string | undefined, reason: string, returnCode: AuthenticateError['returnCode'], done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    this.counts.connect++;
    this.log.warn({ clientId, username, reason }, 'connection refused');
    done(Object.assign(new Error(reason), { returnCode }), false);
  }

  /**
   * MQTT 3.1.1 has no negative PUBACK: a refused publish closes the
   * connection, so nothing is acknowledged and nothing is stored.
   */
  publish(client: Client, reason: string, done: Callback): void {
    this.counts.publish++;
    this.log.warn({ device: client.id, reason }, 'publish refused');
    done(new Error(reason));
  }

  subscribe(client: Client, topic: string, reason: string): void {
    this.counts.subscribe++;
    this.log.warn({ device: client.id, topic, reason }, 'subscription refused');
  }

  /** Acknowledged (closing the connection would only bring it back) and dropped. */
  throttled(client: Client, reason: string, done: Callback): void {
    this.counts.throttled++;
    this.log.warn({ device: client.id, reason }, 'message dropped');
    done(null);
  }

  /** Part of a message refused, the rest accepted (logged with the reason, counted). */
  note(deviceId: string, reason: string): void {
    this.counts.partial++;
    this.log.warn({ device: deviceId, reason }, 'part of a message refused');
  }

  /** A WebSocket upgrade from a page on another origin (logged where it was refused, broker/listeners.ts). */
  foreignOrigin(): void {
    this.counts.connect++;
  }

  /** Logged where the connection was refused (broker/connection-guard.ts). */
  crowded(): void {
    this.counts.crowded++;
  }

  oversized(): void {
    this.counts.oversized++;
  }

  protocol(error: Error): void {
    this.counts.protocol++;
    this.log.info({ error: error.message }, 'connection closed: not a valid MQTT connection');
  }
}
