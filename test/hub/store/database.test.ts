import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, PAGE_CACHE_KIB } from '../../../hub/store/database.js';
import { Journal } from '../../../hub/store/journal.js';
import { LogStore } from '../../../hub/store/log-store.js';
import { StorageFaults } from '../../../hub/store/storage-faults.js';
import { withoutSupersededSaves, type WriteOp } from '../../../hub/store/write-ops.js';
import { TodayReader } from '../../../hub/store/today-reader.js';
import type { IncidentRecord } from '../../../hub/domain/incident-desk.js';

const incident = (id: number, count: number): IncidentRecord => ({
  id, kind: 'red', source: 'btn-1', label: 'Counter 1', openedAt: 1, lastPressAt: count, count, level: 1,
  acknowledgedAt: null, acknowledgedBy: null, acknowledgedPerson: null, holder: null, resolvedAt: null, resolvedBy: null, resolvedPerson: null,
  outcome: null, cause: null, reachedAt: null, note: null, retriggers: 0, trial: false,
});

describe('database', () => {
  it('uses WAL with synchronous=FULL, so an acknowledged commit survives power loss', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('user_version', { simple: true })).toBe(14);
    db.close();
  });

  it("keeps each connection's page cache to 2 MiB, not better-sqlite3's 16 MB that the hub filled as its file grew (#20: the soak's growth)", () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    // Negative: KiB. better-sqlite3's build says -16000; the hub's memory rose with it for more than ten minutes.
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB);
    expect(PAGE_CACHE_KIB).toBeLessThanOrEqual(2048);
    db.close();
  });

  it('moves the paged level of a version-4 log from the text "level N" into its column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    const old = openDatabase(dir);
    old.exec(`ALTER TABLE incident_events DROP COLUMN level; DROP TABLE trusted_clients; ALTER TABLE credentials DROP COLUMN pending_hash; DROP TABLE device_updates; ALTER TABLE incidents DROP COLUMN acknowledged_person; ALTER TABLE incidents DROP COLUMN resolved_person; ALTER TABLE incidents DROP COLUMN cause; ALTER TABLE incident_events DROP COLUMN person; ALTER TABLE device_state DROP COLUMN shift_changed_at; ALTER TABLE device_state DROP COLUMN worn_by; ALTER TABLE device_state DROP COLUMN swapped; ALTER TABLE incidents DROP COLUMN reached_at; ALTER TABLE presses DROP COLUMN by_staff; ALTER TABLE incidents DROP COLUMN note; ALTER TABLE presses DROP COLUMN trial; ALTER TABLE incidents DROP COLUMN trial; DROP TABLE push_subscriptions; DROP TABLE push_keys; DROP TABLE uplink_feed; DROP TABLE uplink_state; PRAGMA user_version = 4;`); // as a version-4 hub left it
    old.prepare('INSERT INTO incidents (id, kind, source, label, opened_at, last_press_at, count, level, retriggers) VALUES (1, ?, ?, ?, 1, 1, 1, 2, 0)').run('red', 'btn-1', 'Counter 1');
    const event = old.prepare('INSERT INTO incident_events (incident_id, at, type, pager, detail) VALUES (1, 1, ?, ?, ?)');
    event.run('paged', 'pgr-1', 'level 1');
    event.run('escalated', null, 'level 2');
    event.run('resolved', 'pgr-1', 'level 3 is a note, not a level');
    old.close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT type, level, detail FROM incident_events ORDER BY id').all()).toEqual([
      { type: 'paged', level: 1, detail: null },
      { type: 'escalated', level: 2, detail: null },
      { type: 'resolved', level: null, detail: 'level 3 is a note, not a level' },
    ]);
    db.close();
  });

  it("keeps an incident's open time at its earliest press when an earlier press arrives later, and who acted by name", () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-db-')));
    const log = new LogStore(db);
    log.saveIncident({ ...incident(3, 1), openedAt: 10_000, lastPressAt: 10_000 });
    // A press made at 4 000 but delivered after the one made at 10 000 (an outbox drained after a reconnect).
    log.saveIncident({ ...incident(3, 2), openedAt: 4_000, lastPressAt: 10_000, acknowledgedAt: 12_000, acknowledgedBy: 'pgr-1', acknowledgedPerson: 'Anna', resolvedAt: 13_000, resolvedBy: 'pgr-1', resolvedPerson: 'Anna', outcome: 'apologised', cause: 'Waiting' });
    expect(db.prepare('SELECT opened_at, count, acknowledged_person, resolved_person, cause FROM incidents WHERE id = 3').get()).toEqual({
      opened_at: 4_000, count: 2, acknowledged_person: 'Anna', resolved_person: 'Anna', cause: 'Waiting',
    });
    db.close();
  });

  it('rebuilds the accounts table for the viewer role without losing anyone signed in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    const old = openDatabase(dir);
    // As a version-10 hub left it: owner and manager only.
    old.exec(`ALTER TABLE incidents DROP COLUMN note; ALTER TABLE presses DROP COLUMN trial; ALTER TABLE incidents DROP COLUMN trial; DROP TABLE push_subscriptions; DROP TABLE push_keys; DROP TABLE uplink_feed; DROP TABLE uplink_state; DROP TABLE users; PRAGMA foreign_keys = OFF;
      CREATE TABLE users (username TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('owner', 'manager')), password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER);
      PRAGMA user_version = 10;`);
    old.prepare("INSERT INTO users (username, role, password_hash, created_at, failed_logins) VALUES ('olga', 'owner', 'h', 1, 2)").run();
    old.prepare("INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ('t', 'olga', 1, 9)").run();
    old.close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT username, role, failed_logins FROM users').all()).toEqual([{ username: 'olga', role: 'owner', failed_logins: 2 }]);
    expect(db.prepare('SELECT token_hash, username FROM sessions').all()).toEqual([{ token_hash: 't', username: 'olga' }]);
    db.prepare("INSERT INTO users (username, role, password_hash, created_at) VALUES ('wall', 'viewer', 'h', 1)").run();
    expect(() => db.prepare("INSERT INTO users (username, role, password_hash, created_at) VALUES ('x', 'admin', 'h', 1)").run()).toThrow(/CHECK/);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.prepare("DELETE FROM users WHERE username = 'olga'").run(); // the sessions still follow their user
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });

  it('commits a round of writes in one transaction on its worker, and calls each writer back after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const journal = new Journal({ dataDir: dir, fsync: true });
    const row = (seq: number) => ({ deviceId: 'btn-1', seq, kind: 'red' as const, pressedAt: seq, receivedAt: seq, ageMs: 0, incidentId: null, trial: false });
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

  it('saves each incident once per batch, its latest snapshot, and calls every writer back', async () => {
    const press = (seq: number): WriteOp => ({ op: 'press', row: { deviceId: 'btn-1', seq, kind: 'red', pressedAt: seq, receivedAt: seq, ageMs: 0, incidentId: 7, trial: false } });
    const ops: WriteOp[] = [{ op: 'incident', record: incident(7, 1) }, press(1), { op: 'incident', record: incident(8, 1) }, { op: 'incident', record: incident(7, 2) }, press(2)];
    expect(withoutSupersededSaves(ops)).toEqual([press(1), ops[2], ops[3], press(2)]);

    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const journal = new Journal({ dataDir: dir, fsync: true });
    const done = Array.from({ length: 5 }, (_, i) => new Promise<Error | null>((resolve) => journal.submit({ op: 'incident', record: incident(7, i + 1) }, resolve)));
    expect(await Promise.all(done)).toEqual(Array(5).fill(null));
    await journal.close();
    const db = openDatabase(dir);
    expect(db.prepare('SELECT count FROM incidents WHERE id = 7').pluck().all()).toEqual([5]);
    db.close();
  });

  it('fails every writer of a batch that could not commit, and keeps none of its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const faults = new StorageFaults({ failing: true });
    const journal = new Journal({ dataDir: dir, fsync: true, faults });
    const row = { deviceId: 'btn-1', seq: 1, kind: 'red' as const, pressedAt: 1, receivedAt: 1, ageMs: 0, incidentId: null, trial: false };
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

  it("answers reads on its worker with what is committed, and fails them when the worker dies (#20: the live view's queries left the event loop)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-db-'));
    openDatabase(dir).close();
    const faults = new StorageFaults();
    const journal = new Journal({ dataDir: dir, fsync: true, faults });
    journal.onLost(() => undefined);
    await journal.ready();
    const reader = new TodayReader(journal);
    const today = { read: 'today' as const, from: 0, to: 1000, customerGapMs: 30_000, showTrial: false, names: new Map<string, string>() };
    const press = (seq: number, kind: 'red' | 'green') => ({ op: 'press' as const, row: { deviceId: 'btn-1', seq, kind, pressedAt: seq * 100, receivedAt: seq * 100, ageMs: 0, incidentId: null, trial: false } });
    const before = await reader.facts(today);
    expect([before.red, before.green, before.open]).toEqual([0, 0, []]);
    await Promise.all([press(1, 'red'), press(2, 'red'), press(3, 'green')].map((op) => new Promise((resolve) => journal.submit(op, resolve))));
    const after = await reader.facts(today);
    expect([after.red, after.green, after.customers]).toEqual([2, 1, { red: 1, green: 1 }]);
    // A counted press that turns out to be staff's is no longer counted (the worker's running tally hears of it).
    await new Promise((resolve) => journal.submit({ op: 'staffPress', deviceId: 'btn-1', seq: 2 }, resolve));
    expect((await reader.facts(today)).red).toBe(1);

    // The worker dies in its next commit (which takes 200 ms); a read queued behind it is refused, not left waiting.
    faults.commitDelayMs = 200;
    faults.killWorker();
    journal.submit(press(4, 'red'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = reader.facts(today);
    await expect(refused).rejects.toThrow(/journal worker stopped/);
    await expect(reader.facts(today)).rejects.toThrow(/closed/);
  });
});
