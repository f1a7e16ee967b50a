// Backups of the log: SQLite's online backup (safe while the hub runs and
// writes), a restore that refuses while a hub runs on the data directory and
// keeps the database it replaces, and the daily backups' names and pruning.
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, DatabaseError, openDatabase } from './database.js';
import { runningHub } from './hub-lock.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * Copies the database in `dataDir` to `file` with SQLite's online backup: a
 * consistent copy even while the hub writes. `progress` gets the share done.
 * Refuses to overwrite a file.
 */
export async function backup(dataDir: string, file: string, progress: (share: number) => void = () => undefined): Promise<{ bytes: number }> {
  if (existsSync(file)) throw new BackupError(`${file} exists already: choose another name (a backup never overwrites one)`);
  if (!existsSync(join(dataDir, DATABASE_FILE))) throw new BackupError(`there is no database in ${dataDir} to back up`);
  const db = openDatabase(dataDir);
  try {
    await db.backup(file, {
      progress: ({ totalPages, remainingPages }) => {
        progress(totalPages === 0 ? 1 : (totalPages - remainingPages) / totalPages);
        return 256; // pages per step: the hub's own writes go on in between
      },
    });
  } finally {
    db.close();
  }
  progress(1);
  return { bytes: statSync(file).size };
}

/** What a file to restore holds, checked before anything is touched: an intact database of this hub's kind. */
function check(file: string): { presses: number; incidents: number } {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened as a database: ${(error as Error).message}`);
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`${file} is damaged (${String(integrity)}): not restored`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    if (!tables.has('presses') || !tables.has('incidents')) throw new BackupError(`${file} is not a loyalty-hub log (no presses or incidents table)`);
    return db.prepare('SELECT (SELECT COUNT(*) FROM presses) AS presses, (SELECT COUNT(*) FROM incidents) AS incidents').get() as { presses: number; incidents: number };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} cannot be read as a loyalty-hub log: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/**
 * Puts `file` in place of the database in `dataDir`. Refused while a hub
 * runs on it. The database it replaces is kept beside it
 * (`loyalty-hub.db.before-restore-<time>`), so nothing is lost by a wrong restore.
 */
export function restore(dataDir: string, file: string, now: number): { presses: number; incidents: number; keptAs: string | null } {
  const hub = runningHub(dataDir);
  if (hub) throw new BackupError(`a hub is running on ${dataDir} (pid ${hub}): stop it first`);
  const counts = check(file);
  const target = join(dataDir, DATABASE_FILE);
  let keptAs: string | null = null;
  if (existsSync(target)) {
    // Folds the WAL into the file first, so the kept copy is whole.
    openDatabase(dataDir).close();
    keptAs = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, keptAs);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
  copyFileSync(file, target);
  try {
    openDatabase(dataDir).close(); // brings an older backup's schema up to date, and proves it opens
  } catch (error) {
    rmSync(target, { force: true });
    if (keptAs) renameSync(keptAs, target);
    throw new BackupError(`${file} could not be opened by this hub, nothing changed: ${error instanceof DatabaseError ? error.message : (error as Error).message}`);
  }
  return { ...counts, keptAs: keptAs && basename(keptAs) };
}

/** The daily backup's file for a local date ("2026-12-02"). */
export function dailyBackupName(date: string): string {
  return `loyalty-hub-${date}.db`;
}

/** Removes daily backups in `dir` older than the newest `keep`; returns the files removed. */
export function pruneDailyBackups(dir: string, keep: number): string[] {
  const daily = readdirSync(dir)
    .filter((name) => /^loyalty-hub-\d{4}-\d{2}-\d{2}\.db$/.test(name))
    .sort();
  const old = daily.slice(0, Math.max(0, daily.length - keep));
  for (const name of old) rmSync(join(dir, name), { force: true });
  return old;
}
