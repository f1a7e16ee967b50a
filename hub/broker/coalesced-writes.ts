// One system call per connection per event-loop callback, however many
// packets that callback wrote to it.
import type { Duplex } from 'node:stream';

/** Connections written to by the current callback, flushed together when it (and its promise jobs) are done. */
const corked = new Set<Duplex>();
/** Callbacks for buffers whose leaving for the kernel someone wants to know of (see whenSent). */
const watched = new WeakMap<object, () => void>();
/** Callbacks of watched buffers written since the last flush: they run right after the next. */
let sentInTurn: (() => void)[] = [];

/** Sends what every coalescing connection has gathered. */
export function flushCorked(): void {
  for (const stream of corked) stream.uncork();
  corked.clear();
  const sent = sentInTurn;
  sentInTurn = [];
  for (const callback of sent) callback();
}

/**
 * Runs `callback` when `payload` (the very Buffer, as mqtt-packet writes a
 * Buffer payload as a chunk of its own) has been handed to the socket of a
 * coalescing connection: how the hub times "alert written to the pager's
 * socket" without waiting for aedes' write callback one turn later.
 */
export function whenSent(payload: Buffer, callback: () => void): void {
  watched.set(payload, callback);
}

/**
 * Gathers everything written to a connection by one callback of the event
 * loop (with the promise jobs it starts) into one system call. mqtt-packet
 * corks each packet and uncorks it on the next tick, so every packet was a
 * writev of its own: a third of the hub's CPU at 20 000 presses/s, mostly
 * PUBACKs. A commit's PUBACKs are written by one callback, so a button with
 * several presses in the batch gets them in one write. The flush is a
 * microtask, so nothing waits for a later phase of the loop: an alert that
 * aedes writes from its own setImmediate leaves at once (flushing at
 * setImmediate instead would hold it for a whole loop iteration). A
 * connection aedes closes after a write (a refused CONNACK) closes from a
 * later setImmediate, after the flush. Past the stream's high-water mark,
 * write() still returns false and aedes waits for 'drain' as before.
 */
export function coalesceWrites(stream: Duplex): void {
  const write = stream.write;
  stream.write = function (this: Duplex, ...args: unknown[]) {
    if (!corked.has(stream) && !stream.destroyed) {
      if (corked.size === 0) queueMicrotask(flushCorked);
      corked.add(stream);
      stream.cork();
    }
    const callback = typeof args[0] === 'object' && args[0] !== null ? watched.get(args[0]) : undefined;
    if (callback) {
      watched.delete(args[0] as object);
      sentInTurn.push(callback);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Duplex['write'];
}
