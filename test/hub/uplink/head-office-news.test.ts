// What the head office hears besides the log's rows (#19): the shop's alarms
// once per change, and the day's figures at closing, read from a real log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { phrase } from '../../../hub/domain/phrase.js';
import { Storage } from '../../../hub/store/storage.js';
import type { WriteOp } from '../../../hub/store/write-ops.js';
import { HeadOfficeNews } from '../../../hub/uplink/head-office-news.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('head-office news', () => {
  it('forwards the alarms once per change, and at closing the day that closed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-hq-news-'));
    dirs.push(dir);
    const storage = Storage.open(dir);
    const zone = 'Europe/Berlin';
    const evening = Date.parse('2026-12-07T20:00:00+01:00');
    const press = (seq: number, kind: 'red' | 'green', at: number) => storage.log.insertPress({ deviceId: 'btn-1', seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial: false });
    press(1, 'red', evening - 3_600_000);
    press(2, 'green', evening - 1_800_000);
    press(3, 'green', Date.parse('2026-12-06T12:00:00+01:00')); // the day before: not in this day's figures
    const ops: WriteOp[] = [];
    let alarms = [] as ReturnType<typeof phrase>[];
    const news = new HeadOfficeNews({ submit: (op) => ops.push(op), reports: storage.reports, timeZone: () => zone, alarms: () => alarms });

    news.tick(evening, false);
    news.tick(evening + 1000, false);
    expect(ops).toEqual([{ op: 'alarms', active: [], at: evening }]); // what holds at start, then nothing new
    alarms = [phrase('The disk is full: {{detail}}', { detail: 'ENOSPC' })];
    news.tick(evening + 2000, false);
    news.tick(evening + 3000, false);
    expect(ops.slice(1)).toEqual([{ op: 'alarms', active: alarms, at: evening + 2000 }]);

    news.tick(evening + 4000, true);
    expect(ops.slice(2)).toEqual([{ op: 'summary', at: evening + 4000, summary: { day: '2026-12-07', red: 1, green: 1, customers: { red: 1, green: 1 }, complaints: 0, open: 0 } }]);
    storage.close();
  });
});
