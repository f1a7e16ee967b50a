import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../hub/store/database.js';
import { Journal } from '../../hub/store/journal.js';

describe('database', () => {
  it('uses WAL with synchronous=FULL, so an acknowledged commit survives power loss', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    db.close();
  });

  it('commits a round of writes in one transaction and calls each writer back after it', async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    db.exec('CREATE TABLE t (v INTEGER)');
    let commits = 0;
    const journal = new Journal(db, { beforeCommit: () => commits++ });
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const done = Array.from({ length: 50 }, (_, i) => new Promise<Error | null>((resolve) => journal.submit(() => insert.run(i), resolve)));
    expect(await Promise.all(done)).toEqual(Array(50).fill(null));
    expect(commits).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(50);
    db.close();
  });

  it('fails every writer of a batch that could not commit, and keeps none of its rows', async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
    const journal = new Journal(db);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const first = new Promise<Error | null>((resolve) => journal.submit(() => insert.run(1), resolve));
    const bad = new Promise<Error | null>((resolve) => journal.submit(() => insert.run(null), resolve));
    const [a, b] = await Promise.all([first, bad]);
    expect(a?.message).toMatch(/NOT NULL/);
    expect(b).toBe(a);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
    db.close();
  });
});
