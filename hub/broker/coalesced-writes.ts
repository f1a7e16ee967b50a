// One system call per connection per turn of the event loop, however many
// packets were written to it in that turn.
import type { Duplex } from 'node:stream';

/** Connections written to in this turn of the event loop, flushed together in its check phase. */
const corked = new Set<Duplex>();

/** Sends what every coalescing connection has gathered, now (a load generator after a batch of sends). */
export function flushCorked(): void {
  for (const stream of corked) stream.uncork();
  corked.clear();
}

/**
 * Gathers everything written to a connection in one turn of the event loop
 * into one system call. mqtt-packet corks each packet and uncorks it on the
 * next tick, so every packet (a PUBACK, an alert) was a writev of its own:
 * the largest single cost of the hub under load (a third of its CPU at
 * 20 000 presses/s). The flush runs at setImmediate, after the turn's socket
 * reads, so a packet waits for the rest of that turn and no longer; aedes
 * schedules its own after-write work with setImmediate too, later in the
 * same queue, so a connection it closes after a write (a refused CONNACK) has
 * its bytes sent first. Past the stream's high-water mark, write() still
 * returns false and aedes waits for 'drain' as before.
 */
export function coalesceWrites(stream: Duplex): void {
  const write = stream.write;
  stream.write = function (this: Duplex, ...args: unknown[]) {
    if (!corked.has(stream) && !stream.destroyed) {
      if (corked.size === 0) setImmediate(flushCorked);
      corked.add(stream);
      stream.cork();
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Duplex['write'];
}
