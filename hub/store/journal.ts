// Group commit on a worker thread. Writes submitted while a commit is under
// way are gathered and committed together in the next transaction (one fsync);
// each writer is called back once its write is on disk, or with the error.
// The commit runs on its own thread and connection, so a slow fsync delays
// acknowledgements, never the pages: the event loop stays free.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { repoRoot } from '../paths.js';
import type { StorageFaults } from './storage-faults.js';
import type { ReadOp, ReadResults } from './read-ops.js';
import { withoutSupersededSaves, type WriteOp } from './write-ops.js';

type Done = (error: Error | null) => void;
type Reply = { batch: number; error: string | null } | { read: number; result: unknown; error: string | null } | 'ready';

/** Writes per batch from which the journal posts without waiting a turn for the pages to leave first. */
const LARGE_BATCH = 64;

export interface JournalOptions {
  dataDir: string;
  fsync: boolean;
  faults?: StorageFaults;
  /** Also write the uplink feed (a head office is configured). */
  feed?: boolean;
}

/** The compiled worker (tests run TypeScript sources, but a worker thread needs JavaScript: npm test builds first). */
function workerFile(): string {
  const file = join(repoRoot(), 'dist', 'hub', 'store', 'journal-worker.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return file;
}

export class Journal {
  private pending: { op: WriteOp; done: Done | undefined }[] = [];
  private inFlight: { op: WriteOp; done: Done | undefined }[] | null = null;
  private batch = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private commitListeners: ((ops: number) => void)[] = [];
  private failureListeners: ((error: Error) => void)[] = [];
  private lostListeners: ((error: Error) => void)[] = [];
  private readonly worker: Worker;
  private exited = false;
  private closing = false;
  private workerError: Error | undefined;
  private readonly opened: Promise<void>;
  private lastRead = 0;
  private readonly reads = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  constructor(options: JournalOptions) {
    this.worker = new Worker(workerFile(), { workerData: { dataDir: options.dataDir, fsync: options.fsync, faults: options.faults?.shared, feed: options.feed === true } });
    this.opened = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: Reply) => {
        if (reply === 'ready') resolve();
        else if ('read' in reply) this.answered(reply.read, reply.result, reply.error);
        else this.committed(reply.error);
      });
      this.worker.once('exit', () => reject(new Error(`the journal could not open the database${this.workerReason()}`)));
    });
    this.opened.catch(() => undefined); // the hub awaits it; a worker that dies later is reported by onLost
    this.worker.on('error', (error) => {
      this.workerError = error;
      this.failAll(error);
    });
    // An uncaught error in the worker ends it too: 'exit' follows 'error'.
    this.worker.on('exit', (code) => {
      this.exited = true;
      const error = new Error(`the journal worker stopped (exit code ${code}${this.workerReason()})`);
      this.failAll(error);
      if (!this.closing) for (const listener of this.lostListeners) listener(error);
    });
  }

  /** Queues `op` for the next commit; `done` runs after that commit, or with its error. */
  submit(op: WriteOp, done?: Done): void {
    if (this.exited) {
      done?.(new Error('the journal is closed'));
      return;
    }
    this.pending.push({ op, done });
    if (this.inFlight || this.scheduled) return;
    // Gather what this turn of the event loop submits into one batch. A small
    // batch is handed over one turn later, so the pages this turn caused
    // (aedes writes them from a setImmediate of its own) leave ahead of the
    // cost of posting it to the worker; the commit waits for the disk anyway.
    // A large one (the hub is busy) goes at once: waiting would only keep
    // more presses in memory.
    this.scheduled = true;
    const post = () => {
      this.scheduled = false;
      this.send();
    };
    setImmediate(() => (this.pending.length >= LARGE_BATCH ? post() : setImmediate(post)));
  }

  /**
   * Runs `op` on the worker's connection, between two commits: the event loop
   * only waits for the answer. It sees what is committed when it runs; writes
   * still gathering for the next batch are not in it (the live view, the one
   * user, is sent again after every commit).
   */
  read<K extends ReadOp['read']>(op: ReadOp & { read: K }): Promise<ReadResults[K]> {
    if (this.exited) return Promise.reject(new Error('the journal is closed'));
    const id = ++this.lastRead;
    return new Promise<ReadResults[K]>((resolve, reject) => {
      this.reads.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.worker.postMessage({ read: id, op });
    });
  }

  /** `listener` runs after every successful commit, with the writes it held (live views refresh from it; the bench counts group commits). */
  onCommit(listener: (ops: number) => void): void {
    this.commitListeners.push(listener);
  }

  /** `listener` runs after every failed commit. */
  onCommitFailed(listener: (error: Error) => void): void {
    this.failureListeners.push(listener);
  }

  /** Resolves once the worker has its own connection open; rejects if it could not open one. */
  ready(): Promise<void> {
    return this.opened;
  }

  /**
   * `listener` runs if the worker stops without being asked to (close()):
   * from then on nothing can be stored, and every write fails.
   */
  onLost(listener: (error: Error) => void): void {
    this.lostListeners.push(listener);
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  idle(): Promise<void> {
    if (!this.inFlight && !this.scheduled && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.idle();
    if (this.exited) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
  }

  /** ": why", from the worker's uncaught error (a cloned SQLite error may arrive as a plain object without a message), or nothing. */
  private workerReason(): string {
    const error = this.workerError;
    return error ? `: ${String(error.message ?? JSON.stringify(error))}` : '';
  }

  private send(): void {
    if (this.inFlight || this.pending.length === 0) return;
    this.inFlight = this.pending;
    this.pending = [];
    this.worker.postMessage({ batch: ++this.batch, ops: withoutSupersededSaves(this.inFlight.map((entry) => entry.op)) });
  }

  private committed(error: string | null): void {
    const batch = this.inFlight ?? [];
    this.inFlight = null;
    const failure = error ? new Error(error) : null;
    for (const entry of batch) entry.done?.(failure);
    if (!failure) for (const listener of this.commitListeners) listener(batch.length);
    else for (const listener of this.failureListeners) listener(failure);
    if (this.pending.length > 0) this.send();
    else this.settle();
  }

  private answered(id: number, result: unknown, error: string | null): void {
    const read = this.reads.get(id);
    this.reads.delete(id);
    if (error === null) read?.resolve(result);
    else read?.reject(new Error(error));
  }

  private failAll(error: Error): void {
    const reads = [...this.reads.values()];
    this.reads.clear();
    for (const read of reads) read.reject(error);
    const entries = [...(this.inFlight ?? []), ...this.pending];
    this.inFlight = null;
    this.pending = [];
    for (const entry of entries) entry.done?.(error);
    this.settle();
  }

  private settle(): void {
    if (this.inFlight || this.scheduled || this.pending.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
