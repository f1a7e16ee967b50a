// Group commit. Writes submitted during one turn of the event loop (one round
// of socket reads) are committed together in one transaction, one fsync; each
// writer is called back once its write is on disk, or with the error.
import type { Db } from './database.js';

type Done = (error: Error | null) => void;

/** Hooks for fault-injection tests: a slow or failing disk. */
export interface JournalFaults {
  /** Runs inside the transaction before the writes; throwing fails the whole commit. */
  beforeCommit?: () => void;
}

export class Journal {
  private pending: { write: () => void; done: Done | undefined }[] = [];
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private commitListeners: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly faults: JournalFaults = {},
  ) {}

  /** Queues `write` (synchronous statements) for the next commit; `done` runs after that commit, or with its error. */
  submit(write: () => void, done?: Done): void {
    this.pending.push({ write, done });
    if (this.scheduled) return;
    this.scheduled = true;
    // Commit on the turn after next, not the next: aedes writes QoS 1
    // deliveries (the pager's alert) from a setImmediate of its own, and the
    // commit blocks the loop for an fsync, so it must run after those writes.
    setImmediate(() => setImmediate(() => this.commit()));
  }

  /** `listener` runs after every successful commit (live views refresh from it). */
  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  idle(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    let failure: Error | null = null;
    try {
      this.db.transaction(() => {
        this.faults.beforeCommit?.();
        for (const job of batch) job.write();
      })();
    } catch (error) {
      failure = error as Error;
    }
    for (const job of batch) job.done?.(failure);
    if (!failure) for (const listener of this.commitListeners) listener();
    if (!this.scheduled) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
