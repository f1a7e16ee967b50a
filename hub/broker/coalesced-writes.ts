// One system call per connection per phase of the event loop, however many
// packets were written to it. The write hook that feeds it is installed by
// coalesceWrites (aedes-patches.ts), with the other patches of library internals.
import type { Duplex } from 'node:stream';

/** Marks a connection written to since the last flush. */
const IS_CORKED = Symbol('corked');
type Coalescing = Duplex & { [IS_CORKED]?: boolean };
/**
 * Connections written to since the last flush. An array emptied in place and
 * a mark on the stream, not a Set: Set.clear() allocates a fresh table every
 * flush, and those tables were the largest share of what outlived a
 * scavenge in the hub (promoted, then left for a major GC to collect).
 */
const corked: Coalescing[] = [];
/** Callbacks for buffers whose leaving for the kernel someone wants to know of (see whenSent). */
const watched = new WeakMap<object, () => void>();
/** Watched buffers not yet written (approximately: one whose connection closed first stays counted), so writes skip the lookup when there are none. */
let watchedCount = 0;
/** Callbacks of watched buffers written since the last flush: they run right after the next. */
let sentInTurn: (() => void)[] = [];

/** Sends what every coalescing connection has gathered. */
export function flushCorked(): void {
  // Indexed: a stream written to while another uncorks is appended and flushed in this same loop.
  for (let i = 0; i < corked.length; i++) {
    corked[i][IS_CORKED] = false;
    corked[i].uncork();
  }
  corked.length = 0;
  if (sentInTurn.length === 0) return;
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
  watchedCount++;
}

/**
 * Called before every write to a coalescing connection (see coalesceWrites in
 * aedes-patches.ts): the first write of a phase corks the stream and queues
 * the flush; a watched payload's callback is queued for after it.
 */
export function beforeWrite(stream: Duplex, chunk: unknown): void {
  const coalescing = stream as Coalescing;
  if (!coalescing[IS_CORKED] && !coalescing.destroyed) {
    if (corked.length === 0) setImmediate(flushCorked);
    corked.push(coalescing);
    coalescing[IS_CORKED] = true;
    coalescing.cork();
  }
  const callback = watchedCount > 0 && typeof chunk === 'object' && chunk !== null ? watched.get(chunk) : undefined;
  if (callback) {
    watchedCount--;
    watched.delete(chunk as object);
    sentInTurn.push(callback);
  }
}

let sentinel = 0;
let sentinelRequested = false;

/**
 * Flushes right after the setImmediate callbacks that the current callback
 * and its promise jobs queue, in the same check phase, instead of one loop
 * iteration later. The hub calls it when it hands aedes a packet: aedes
 * queues its write with setImmediate from a promise job, so an alert leaves
 * as soon as it is written, and the alerts of a whole check phase still go
 * out as one write per pager. Of the flushes requested in one phase only the
 * last one runs.
 */
export function flushAfterQueuedImmediates(): void {
  if (sentinelRequested) return;
  sentinelRequested = true;
  // Two promise-job hops: past the jobs already queued (aedes' own), which queue its setImmediate.
  queueMicrotask(() =>
    queueMicrotask(() => {
      sentinelRequested = false;
      const mine = ++sentinel;
      setImmediate(() => {
        if (mine === sentinel) flushCorked();
      });
    }),
  );
}
