// Opens the hub's SQLite file with settings that make a commit survive power
// loss, and brings its schema up to date.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const DATABASE_FILE = 'loyalty-hub.db';

/** Schema steps; the database's user_version says how many have run. Append, never edit. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE credentials (
    device_id   TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE presses (
    id          INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('red', 'green')),
    pressed_at  INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    age_ms      INTEGER NOT NULL,
    incident_id INTEGER,
    UNIQUE (device_id, seq)
  );
  CREATE INDEX presses_by_time ON presses (pressed_at);
  CREATE INDEX presses_by_incident ON presses (incident_id);
  CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    source          TEXT NOT NULL,
    label           TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    last_press_at   INTEGER NOT NULL,
    count           INTEGER NOT NULL,
    level           INTEGER NOT NULL,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    holder          TEXT,
    resolved_at     INTEGER,
    resolved_by     TEXT,
    outcome         TEXT,
    retriggers      INTEGER NOT NULL
  );
  CREATE INDEX incidents_by_time ON incidents (opened_at);
  CREATE INDEX incidents_open ON incidents (id) WHERE resolved_at IS NULL;
  CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    type        TEXT NOT NULL,
    pager       TEXT,
    detail      TEXT
  );
  CREATE INDEX incident_events_by_incident ON incident_events (incident_id);
  CREATE TABLE device_state (
    device_id    TEXT PRIMARY KEY,
    on_shift     INTEGER NOT NULL DEFAULT 1,
    online       INTEGER NOT NULL DEFAULT 0,
    last_seen_at INTEGER,
    battery_mv   INTEGER,
    rssi         INTEGER,
    free_memory  INTEGER,
    outbox_depth INTEGER,
    firmware     TEXT
  );
  `,
  // Presses a button dropped because its outbox was full (reported in its heartbeat).
  `ALTER TABLE device_state ADD COLUMN dropped_presses INTEGER;`,
  // Dashboard accounts and their sessions (only hashes of passwords and session tokens).
  `
  CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'manager')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // Incident ids handed to pagers are reserved on disk ahead of use: after a crash none is handed out twice.
  `
  CREATE TABLE id_reservations (
    name TEXT PRIMARY KEY,
    reserved_through INTEGER NOT NULL
  );
  `,
  // The level a pager was paged at (and an escalation reached) is a column, no longer the text "level N" in detail.
  `
  ALTER TABLE incident_events ADD COLUMN level INTEGER;
  UPDATE incident_events SET level = CAST(substr(detail, 7) AS INTEGER), detail = NULL
    WHERE type IN ('paged', 'escalated') AND detail GLOB 'level [0-9]*';
  `,
  // Browsers that logged in before (SHA-256 of a long-lived cookie): a stranger's guessing does not lock them out.
  `
  CREATE TABLE trusted_clients (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  );
  `,
  // A secret the flasher is about to put on a device: accepted beside the old one until the device first uses it.
  `ALTER TABLE credentials ADD COLUMN pending_hash TEXT;`,
  // Updates over the air: asked for by the CLI or the dashboard, carried out by the running hub.
  `
  CREATE TABLE device_updates (
    id           INTEGER PRIMARY KEY,
    device_id    TEXT NOT NULL,
    what         TEXT NOT NULL,
    payload      BLOB NOT NULL,
    version      TEXT,
    requested_at INTEGER NOT NULL,
    state        TEXT NOT NULL,
    chunks_total INTEGER NOT NULL,
    chunks_sent  INTEGER NOT NULL DEFAULT 0,
    detail       TEXT,
    updated_at   INTEGER NOT NULL
  );
  CREATE INDEX device_updates_unfinished ON device_updates (id) WHERE state IN ('queued', 'waiting', 'sending', 'switching');
  `,
  // Staff as people: who wore the pager at each action, kept by name (history does not change with a label);
  // what went wrong (cause); when a pager's shift last changed and who wears it today (a swap).
  `
  ALTER TABLE incidents ADD COLUMN acknowledged_person TEXT;
  ALTER TABLE incidents ADD COLUMN resolved_person TEXT;
  ALTER TABLE incidents ADD COLUMN cause TEXT;
  ALTER TABLE incident_events ADD COLUMN person TEXT;
  ALTER TABLE device_state ADD COLUMN shift_changed_at INTEGER;
  ALTER TABLE device_state ADD COLUMN worn_by TEXT;
  ALTER TABLE device_state ADD COLUMN swapped INTEGER NOT NULL DEFAULT 0;
  `,
  // Staff reaching the customer: when (the true reaction time), and the press that began their chord (not a customer's).
  `
  ALTER TABLE incidents ADD COLUMN reached_at INTEGER;
  ALTER TABLE presses ADD COLUMN by_staff INTEGER NOT NULL DEFAULT 0;
  `,
  // Hands on incidents from the dashboard (a note with the outcome or the reason for closing),
  // and a read-only "viewer" role (a wall display): SQLite cannot change a CHECK, so the table is rebuilt.
  `
  ALTER TABLE incidents ADD COLUMN note TEXT;
  CREATE TABLE users_new (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER
  );
  INSERT INTO users_new (username, role, password_hash, created_at, failed_logins, locked_until)
    SELECT username, role, password_hash, created_at, failed_logins, locked_until FROM users;
  DROP TABLE users;
  ALTER TABLE users_new RENAME TO users;
  `,
  // Trial data: what the simulated shop made, kept apart from the shop's real history until "go live" removes it.
  `
  ALTER TABLE presses ADD COLUMN trial INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE incidents ADD COLUMN trial INTEGER NOT NULL DEFAULT 0;
  `,
  // Web Push: the hub's VAPID key pair (kept with the subscriptions made for it, so a restored backup still reaches the same phones)
  // and each owner's or manager's phone, with what they want to hear and when not.
  `
  CREATE TABLE push_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE push_subscriptions (
    endpoint     TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    topics       TEXT NOT NULL,
    quiet_from   TEXT,
    quiet_to     TEXT,
    lang         TEXT NOT NULL DEFAULT 'en',
    created_at   INTEGER NOT NULL,
    last_sent_at INTEGER,
    last_error   TEXT
  );
  CREATE INDEX push_subscriptions_username ON push_subscriptions (username);
  `,
  // The uplink to a head office (#19): what was committed, in commit order, written in the same transaction as the log,
  // and how far the head office has confirmed storing it (the forwarder's durable cursor).
  `
  CREATE TABLE uplink_feed (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    at   INTEGER NOT NULL
  );
  CREATE TABLE uplink_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    confirmed    INTEGER NOT NULL,
    confirmed_at INTEGER
  );
  INSERT INTO uplink_state (id, confirmed) VALUES (1, 0);
  `,
];

const WAL_CHECKPOINT_PAGES = 128;
const WAL_SIZE_LIMIT = 1024 * 1024;
/**
 * Each connection's page cache, at most (KiB). better-sqlite3 builds SQLite
 * with 16 000 KiB (deps/defines.gypi); a connection fills it as the file
 * grows and keeps it, so the hub's memory rose ~1.5 MiB a minute for ten
 * minutes and more at 200 presses/s (the soak, docs/benchmarks-findings.md
 * §16). The file's pages stay in the OS's cache anyway: with 2 MiB the
 * owner's views of a year-sized database answer as fast (same bench).
 */
export const PAGE_CACHE_KIB = 2048;

/** Copies the WAL into the database and truncates it to nothing: after a failed commit, to give the disk back what the WAL held. */
export function shrinkWal(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** A database the hub cannot use as it is: the message says what, and what to do. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

export interface OpenOptions {
  /** false only for measuring what durability costs (config "durability": "none"). */
  fsync?: boolean;
  /** Run SQLite's quick_check before anything is written (the hub at start; see docs/reliability.md for its time). */
  integrityCheck?: boolean;
}

/** What an SQLite failure to open means, in one line, with what to do. */
function explain(error: unknown, file: string): Error {
  if (error instanceof DatabaseError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  if (code === 'SQLITE_NOTADB') return new DatabaseError(`${file} is not an SQLite database: move it away (the hub then starts an empty log) or restore a backup`);
  if (code.startsWith('SQLITE_CORRUPT')) return new DatabaseError(`the database ${file} is damaged (${message}): restore a backup, or move it away to start an empty log`);
  if (code === 'SQLITE_FULL') return new DatabaseError(`the disk holding ${file} is full: free some space and start again`);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_IOERR')) {
    return new DatabaseError(`cannot use the database ${file} (${code}: ${message}): check the disk and the file's permissions`);
  }
  return error as Error;
}

/**
 * The log holds password and secret hashes and every press: the data
 * directory is 0700 and the database 0600, whatever the umask (chmod, since
 * a mode given at creation is masked by it). A new database file is created
 * 0600 before SQLite opens it, so its WAL and SHM inherit that mode.
 */
function ownerOnly(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/**
 * Opens the hub's database, checking before it writes anything: a file that
 * is not SQLite, a schema newer than this hub, or (with `integrityCheck`) a
 * damaged one is refused with a DatabaseError and left exactly as it was.
 */
export function openDatabase(dataDir: string, options: OpenOptions = {}): Db {
  const file = join(dataDir, DATABASE_FILE);
  ownerOnly(dataDir, file);
  let db: Db | undefined;
  try {
    db = new Database(file);
    const version = db.pragma('user_version', { simple: true }) as number; // reads the header: a foreign file fails here
    if (version > MIGRATIONS.length) {
      throw new DatabaseError(`the database ${file} has schema version ${version}, newer than this hub (version ${MIGRATIONS.length}): upgrade the hub`);
    }
    if (options.integrityCheck) {
      const result = db.pragma('quick_check', { simple: true }) as string;
      if (result !== 'ok') throw new DatabaseError(`the database ${file} is damaged (quick_check: ${result.split('\n')[0]}): restore a backup, or move it away to start an empty log`);
    }
    db.pragma('journal_mode = WAL');
    // SQLite gives the WAL and SHM files the database file's mode; these may predate that.
    for (const companion of [`${file}-wal`, `${file}-shm`]) if (existsSync(companion)) chmodSync(companion, 0o600);
    // FULL, not NORMAL: in WAL mode NORMAL skips the fsync at commit, so the
    // last commits could vanish in a power cut. A press is acknowledged to the
    // button only after its commit, so that commit must reach the disk.
    db.pragma(options.fsync === false ? 'synchronous = OFF' : 'synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // A small WAL: checkpointed every WAL_CHECKPOINT_PAGES and cut back to
    // WAL_SIZE_LIMIT when it restarts. With SQLite's defaults (1 000 pages,
    // no limit) the WAL grew to 4 MB and stayed that size: on a nearly full
    // disk the hub refilled every byte the operator freed with its own WAL.
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw explain(error, file);
  }
}

/**
 * Runs the steps not yet run, each in its own transaction. Foreign keys are
 * off meanwhile (SQLite's procedure for rebuilding a table: dropping `users`
 * must not cascade to the sessions that refer to it) and checked after.
 */
function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= MIGRATIONS.length) return;
  db.pragma('foreign_keys = OFF');
  try {
    for (let step = version; step < MIGRATIONS.length; step++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[step]);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new DatabaseError(`schema step ${step + 1} would leave ${broken.length} rows pointing at nothing`);
        db.pragma(`user_version = ${step + 1}`);
      })();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
