import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../hub/store/database.js';
import { Journal } from '../../hub/store/journal.js';
import { StorageFaults } from '../../hub/store/storage-faults.js';

describe('database', () => {
  it('uses WAL with synchronous=FULL, so an acknowledged commit survives power loss', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  it('commits a round of writes in one transaction on its worker, and calls each writer back after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const journal = new Journal({ dataDir: dir, fsync: true });
    const row = (seq: number) => ({ deviceId: 'btn-1', seq, kind: 'red' as const, pressedAt: seq, receivedAt: seq, ageMs: 0, incidentId: null });
    let commits = 0;
    journal.onCommit(() => commits++);
    const done = Array.from({ length: 50 }, (_, i) => new Promise<Error | null>((resolve) => journal.submit({ op: 'press', row: row(i + 1) }, resolve)));
    expect(await Promise.all(done)).toEqual(Array(50).fill(null));
    expect(commits).toBe(1);
    await journal.close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT COUNT(*) FROM presses').pluck().get()).toBe(50);
    db.close();
  });

  it('fails every writer of a batch that could not commit, and keeps none of its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const faults = new StorageFaults({ failing: true });
    const journal = new Journal({ dataDir: dir, fsync: true, faults });
    const row = { deviceId: 'btn-1', seq: 1, kind: 'red' as const, pressedAt: 1, receivedAt: 1, ageMs: 0, incidentId: null };
    const [a, b] = await Promise.all([
      new Promise<Error | null>((resolve) => journal.submit({ op: 'press', row }, resolve)),
      new Promise<Error | null>((resolve) => journal.submit({ op: 'barrier' }, resolve)),
    ]);
    expect(a?.message).toMatch(/SQLITE_FULL/);
    expect(b?.message).toBe(a?.message);
    faults.failing = false;
    await new Promise<Error | null>((resolve) => journal.submit({ op: 'press', row }, resolve));
    await journal.close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT COUNT(*) FROM presses').pluck().get()).toBe(1);
    db.close();
  });
});
