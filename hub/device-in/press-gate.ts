// Exactly once, at the door: the one place that decides whether a press
// packet is new. A press being committed collects the callbacks of its
// retransmissions (each gets the PUBACK when the commit lands); a stored one
// is acknowledged again and nothing else; a new one passes the per-button
// rate limit. Behind the gate, SQL's UNIQUE (device, seq) is the last line.
import type { RateLimiter } from './rate-limiter.js';
import type { Callback } from './refusals.js';
import type { StoredPresses } from './stored-presses.js';

export type Arrival = 'new' | 'retransmission' | 'over-rate';

export class PressGate {
  /** Presses being committed, by "device:seq", with the callbacks of their retransmissions. */
  private readonly inFlight = new Map<string, Callback[]>();

  constructor(
    private readonly stored: StoredPresses,
    private readonly limiter: RateLimiter,
  ) {}

  /** What a press packet is. For a retransmission `done` is taken care of: now, or when its commit lands. */
  arrive(deviceId: string, seq: number, now: number, done: Callback): Arrival {
    const waiting = this.inFlight.get(`${deviceId}:${seq}`);
    if (waiting) {
      waiting.push(done);
      return 'retransmission';
    }
    if (this.stored.has(deviceId, seq)) {
      done(null);
      return 'retransmission';
    }
    return this.limiter.take(deviceId, now) ? 'new' : 'over-rate';
  }

  /** A new press goes to the journal: the callback to run at its commit, which answers it and its retransmissions. */
  committing(deviceId: string, seq: number, done: Callback): (error: Error | null) => void {
    const key = `${deviceId}:${seq}`;
    const callbacks = [done];
    this.inFlight.set(key, callbacks);
    this.stored.submitted(deviceId, seq);
    return (error) => {
      this.inFlight.delete(key);
      for (const callback of callbacks) callback(error);
    };
  }

  /** A new press acknowledged before its write (durability "none", for measuring only). */
  submittedUnconfirmed(deviceId: string, seq: number): void {
    this.stored.submitted(deviceId, seq);
  }
}
