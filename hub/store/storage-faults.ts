// Simulated disk trouble for tests, shared with the journal's worker thread
// through shared memory: a commit that takes longer, or one that fails.
export class StorageFaults {
  /** [commit delay in ms, failing (0/1)] */
  readonly shared = new Int32Array(new SharedArrayBuffer(8));

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
}

/** Inside a commit: waits the configured delay, then throws while the disk is "failing". */
export function injectFaults(shared: Int32Array | undefined): void {
  if (!shared) return;
  const delay = Atomics.load(shared, 0);
  if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  if (Atomics.load(shared, 1) === 1) throw new Error('SQLITE_FULL: database or disk is full (simulated)');
}
