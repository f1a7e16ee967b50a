// The analytics view made on the journal's worker (store/read-ops.ts): what
// lives on the event loop (labels, places, opening hours, the language)
// crosses as data, and the answer is the one made on the event loop before.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyticsView } from '../../../hub/report/analytics.js';
import { translator } from '../../../hub/i18n/translate.js';
import { Reads } from '../../../hub/store/read-ops.js';
import { Storage } from '../../../hub/store/storage.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 15, 0);

describe('the analytics read on the worker', () => {
  it('answers as the view made on the event loop, in its scope even when a read of the other scope runs while its code loads', async () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-analytics-read-')));
    let seq = 0;
    const press = (deviceId: string, kind: 'red' | 'green', at: number, trial = false) =>
      storage.log.insertPress({ deviceId, seq: ++seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial });
    for (let i = 0; i < 6; i++) press('btn-1', i < 2 ? 'red' : 'green', NOW - 2 * DAY + i * 60_000);
    for (let i = 0; i < 4; i++) press('btn-2', 'red', NOW - DAY + i * 60_000);
    // The simulated shop's presses: counted only when the trial is shown.
    for (let i = 0; i < 20; i++) press('btn-2', 'red', NOW - DAY + i * 60_000, true);
    let id = 1;
    const incident = (at: number, by: string | null, trial = false) =>
      storage.log.saveIncident({ id: id++, kind: 'red', source: 'btn-2', label: 'Terrace', openedAt: at, lastPressAt: at, count: 1, level: 1, acknowledgedAt: by ? at + 40_000 : null, acknowledgedBy: by, acknowledgedPerson: null, holder: by, resolvedAt: at + 90_000, resolvedBy: by, resolvedPerson: null, outcome: 'apologised', cause: 'Waiting', reachedAt: null, note: null, retriggers: 0, trial });
    incident(NOW - DAY, 'pgr-anna');
    incident(NOW - DAY + 3_600_000, 'pgr-boris');
    incident(NOW - DAY + 7_200_000, 'pgr-anna', true);

    const names = new Map([['pgr-anna', 'Anna'], ['pgr-boris', 'Boris'], ['btn-1', 'Counter'], ['btn-2', 'Terrace']]);
    const places = new Map([['btn-1', 'Counter'], ['btn-2', 'Terrace']]);
    const openHours = Array.from({ length: 24 }, (_, hour) => hour >= 8 && hour < 18);
    const reads = new Reads(storage);
    const asked = reads.run({ read: 'analytics', now: NOW, days: 7, timeZone: 'Europe/Berlin', targetS: 60, names, places, apologyRecovers: true, openHours, language: 'de', showTrial: false });
    // While its code loads, the live view asks with the trial shown (the storage's scope is the worker's, shared).
    reads.run({ read: 'today', from: NOW - DAY, to: NOW, customerGapMs: 30_000, showTrial: true, names: new Map(), openSince: 0 });
    const view = await asked;

    storage.reports.showTrial = false;
    const onTheEventLoop = analyticsView(storage.reports, NOW, 7, 'Europe/Berlin', 60, (x) => names.get(x) ?? x, (x) => places.get(x) ?? x, true, (hour) => openHours[hour], translator('de'));
    expect(view).toEqual(onTheEventLoop);
    // What it was made of, checked on its own: no trial presses, the wearers' names, the opening hours, German.
    expect(view.change.now).toMatchObject({ red: 6, green: 4 });
    expect(view.byStaff.map((s) => [s.key, s.incidents])).toEqual([['Anna', 1], ['Boris', 1]]);
    expect(view.openHours).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(view.summary).toMatch(/Unzufriedene|unzufrieden/i);
    storage.close();
  });
});
