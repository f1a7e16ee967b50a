// Group commit. Writes submitted while the event loop is busy with one round
// of socket reads are committed together in one transaction (one fsync) at the
// end of that round; each writer is called back once its write is on disk.
import type { Db } from './database.js';

type Done = (error: Error | null) => void;

export class Journal {
  private pending: { write: () => void; done: Done | undefined }[] = [];
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly db: Db) {}

  /** Queues `write` (synchronous statements) for the next commit; `done` runs after that commit, or with its error. */
  submit(write: () => void, done?: Done): void {
    this.pending.push({ write, done });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.commit());
    }
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
        for (const job of batch) job.write();
      })();
    } catch (error) {
      failure = error as Error;
    }
    for (const job of batch) job.done?.(failure);
    if (!this.scheduled) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
