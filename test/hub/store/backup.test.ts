// Backups (#17): online while the hub runs, restore only when it is stopped
// (keeping what it replaces), a damaged file refused with nothing changed,
// and the daily backup with its retention.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../hub/log.js';
import { BackupError, backup, restore } from '../../../hub/store/backup.js';
import { DailyBackup } from '../../../hub/store/daily-backup.js';
import { encodePress } from '../../../shared/payloads.js';
import { UPLINK } from '../../../shared/topics.js';
import { TestShop, eventually } from '../../support/shop.js';

let shop: TestShop | undefined;

afterEach(async () => {
  await shop?.close();
  shop = undefined;
});

const count = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM presses').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('backup and restore', () => {
  it('backs up while the hub runs, and restores only once it is stopped, keeping the log it replaces', async () => {
    shop = await TestShop.open();
    const button = await shop.connect('btn-1');
    for (let seq = 1; seq <= 3; seq++) await button.publish(UPLINK.press, encodePress({ kind: 'green', seq, ageMs: 0 }));
    const out = join(mkdtempSync(join(tmpdir(), 'lb-backup-')), 'copy.db');
    const shares: number[] = [];
    await backup(shop.dir, out, (share) => shares.push(share));
    expect(count(out)).toBe(3);
    expect(shares.at(-1)).toBe(1);
    await expect(backup(shop.dir, out)).rejects.toThrow(/exists already: choose another name/);

    await button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 4, ageMs: 0 }));
    await eventually(() => shop!.query('SELECT 1 FROM presses').length === 4, 5000, 'fourth press');
    expect(() => restore(shop!.dir, out, Date.now())).toThrow(new RegExp(`a hub is running on .* \\(pid ${process.pid}\\): stop it first`));

    await shop.stop();
    const damaged = join(mkdtempSync(join(tmpdir(), 'lb-backup-')), 'damaged.db');
    writeFileSync(damaged, 'SQLite format 3\0 but then nothing sensible at all'.padEnd(4096, 'x'));
    expect(() => restore(shop!.dir, damaged, Date.now())).toThrow(BackupError);
    expect(shop.query('SELECT 1 FROM presses')).toHaveLength(4); // nothing changed

    const restored = restore(shop.dir, out, Date.UTC(2026, 11, 2, 3, 0, 0));
    expect(restored).toEqual({ presses: 3, incidents: 0, keptAs: 'loyalty-hub.db.before-restore-2026-12-02T03-00-00-000Z' });
    expect(shop.query('SELECT 1 FROM presses')).toHaveLength(3);
    expect(count(join(shop.dir, restored.keptAs!))).toBe(4); // the replaced log is kept whole, WAL included
    await shop.startHub(); // and the hub runs on the restored log
    expect(shop.hub.site).toBe('test-cafe');
  });

  it('makes the daily backup once a day at its time, and keeps the newest few', async () => {
    shop = await TestShop.open();
    const dir = mkdtempSync(join(tmpdir(), 'lb-daily-'));
    for (const date of ['2026-11-28', '2026-11-29', '2026-11-30']) writeFileSync(join(dir, `loyalty-hub-${date}.db`), 'old');
    writeFileSync(join(dir, 'notes.txt'), 'not a backup: left alone');
    const daily = new DailyBackup(shop.dir, () => ({ dir, at: '03:30', keep: 2, timeZone: 'Europe/Berlin' }), createLogger('silent'));
    expect(daily.tick(Date.UTC(2026, 11, 2, 2, 0))).toBeNull(); // 03:00 in Berlin: not yet
    await daily.tick(Date.UTC(2026, 11, 2, 2, 45)); // 03:45
    expect(daily.tick(Date.UTC(2026, 11, 2, 5, 0))).toBeNull(); // once a day
    expect(readdirSync(dir).sort()).toEqual(['loyalty-hub-2026-11-30.db', 'loyalty-hub-2026-12-02.db', 'notes.txt']);
    expect(existsSync(join(dir, 'loyalty-hub-2026-12-02.db'))).toBe(true);
    expect(count(join(dir, 'loyalty-hub-2026-12-02.db'))).toBe(0);
  });
});
