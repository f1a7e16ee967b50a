// Issue #14.9: the log holds password hashes, secret hashes and every press:
// only the hub's own user may read it, whatever the umask.
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../../hub/store/database.js';

const mode = (path: string) => statSync(path).mode & 0o777;
let umask: number;
beforeEach(() => {
  umask = process.umask(0o022); // a common default: files 0644, folders 0755
});
afterEach(() => {
  process.umask(umask);
});

describe('data directory permissions', () => {
  it('creates the data directory 0700 and the database, WAL and SHM 0600', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lb-perm-')), 'data');
    const db = openDatabase(dir);
    db.prepare('INSERT INTO credentials (device_id, secret_hash, created_at) VALUES (?, ?, ?)').run('btn-1', 'x', 1);
    expect(mode(dir)).toBe(0o700);
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]) expect(mode(join(dir, file)), file).toBe(0o600);
    db.close();
  });

  it('tightens an existing directory and database left readable by everyone', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lb-perm-')), 'data');
    mkdirSync(dir);
    openDatabase(dir).close();
    chmodSync(dir, 0o755);
    chmodSync(join(dir, DATABASE_FILE), 0o644);
    writeFileSync(join(dir, 'notes.txt'), 'left by hand');
    openDatabase(dir).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, DATABASE_FILE))).toBe(0o600);
  });
});
