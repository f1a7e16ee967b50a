// The journal's worker thread: owns a connection of its own and commits each
// batch in one transaction, so the fsync blocks this thread and never the
// hub's event loop (where presses arrive and pages leave). It also runs the
// reads that would take the event loop too long (read-ops.ts), in turn with
// the commits.
import { parentPort, workerData } from 'node:worker_threads';
import { shrinkWal } from './database.js';
import { Storage } from './storage.js';
import { injectFaults } from './storage-faults.js';
import { Reads, type ReadOp } from './read-ops.js';
import { applyOp, type WriteOp } from './write-ops.js';

const { dataDir, fsync, faults, feed } = workerData as { dataDir: string; fsync: boolean; faults?: Int32Array; feed: boolean };
const storage = Storage.open(dataDir, { fsync });
const db = storage.db;
const reads = new Reads(storage);
parentPort!.postMessage('ready');

parentPort!.on('message', (message: { batch: number; ops: WriteOp[] } | { read: number; op: ReadOp } | 'close') => {
  if (message === 'close') {
    db.close();
    process.exit(0);
  }
  if ('read' in message) {
    const { read, op } = message;
    const fail = (e: unknown) => parentPort!.postMessage({ read, result: null, error: (e as Error).message });
    try {
      // A read answers at once, or (the first analytics read, loading its code) when its promise settles.
      void Promise.resolve(reads.run(op)).then((result) => parentPort!.postMessage({ read, result, error: null }), fail);
    } catch (e) {
      fail(e);
    }
    return;
  }
  let error: string | null = null;
  try {
    db.transaction(() => {
      injectFaults(faults);
      for (const op of message.ops) {
        applyOp(storage, op, feed);
        reads.written(op);
      }
    })();
  } catch (e) {
    error = (e as Error).message;
    // A full disk: what the WAL holds goes into the database and the WAL file shrinks to nothing, so the
    // space the operator frees is there for the next commit (a checkpoint that cannot run now runs after the next one).
    try {
      shrinkWal(db);
    } catch {
      // the next commit tries again
    }
  }
  parentPort!.postMessage({ batch: message.batch, error });
});
