// Simulated disk trouble for tests, shared with the journal's worker thread
// through shared memory: a commit that takes longer, one that fails, or a
// worker that dies in the middle of one.
export class StorageFaults {
  /** [commit delay in ms, failing (0/1), the worker dies at its next commit (0/1)] */
  readonly shared = new Int32Array(new SharedArrayBuffer(12));

  constructor(options: { commitDelayMs?: number; failing?: boolean } = {}) {
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.failing = options.failing ?? false;
  }

  get commitDelayMs(): number {
    return Atomics.load(this.shared, 0);
  }
  set commitDelayMs(ms: number) {
    Atomics.store(this.shared, 0, ms);
  }
  get failing(): boolean {
    return Atomics.load(this.shared, 1) === 1;
  }
  set failing(value: boolean) {
    Atomics.store(this.shared, 1, value ? 1 : 0);
  }
  /** The journal's worker thread ends at its next commit, inside the transaction (as a native crash in SQLite would end it). */
  killWorker(): void {
    Atomics.store(this.shared, 2, 1);
  }
}

/** Inside a commit: waits the configured delay, then throws while the disk is "failing". */
export function injectFaults(shared: Int32Array | undefined): void {
  if (!shared) return;
  const delay = Atomics.load(shared, 0);
  if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  if (Atomics.load(shared, 1) === 1) throw new Error('SQLITE_FULL: database or disk is full (simulated)');
  if (Atomics.load(shared, 2) === 1) process.exit(70); // in a worker thread: ends the thread, not the process
}
