// Analytics that show change (#18): the unhappy share against the days
// before, per place, the causes ranked, and the change in one sentence.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyticsView, summarize } from '../../../hub/report/analytics.js';
import { Storage } from '../../../hub/store/storage.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 15, 0);

describe('analytics that show change', () => {
  it('compares the unhappy share with the days before, per place, and ranks the causes', () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-change-')));
    let seq = 0;
    const press = (deviceId: string, kind: 'red' | 'green', at: number) =>
      storage.log.insertPress({ deviceId, seq: ++seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial: false });
    // The week before: 2 red of 10 at the terrace. This week: 1 red of 10 at the counter, 2 red of 5 at the terrace.
    for (let i = 0; i < 10; i++) press('btn-2', i < 2 ? 'red' : 'green', NOW - 10 * DAY + i * 1000);
    for (let i = 0; i < 10; i++) press('btn-1', i < 1 ? 'red' : 'green', NOW - 2 * DAY + i * 1000);
    for (let i = 0; i < 5; i++) press('btn-2', i < 2 ? 'red' : 'green', NOW - DAY + i * 1000);
    let id = 1;
    const incident = (cause: string | null, at: number) =>
      storage.log.saveIncident({ id: id++, kind: 'red', source: 'btn-2', label: 'Terrace', openedAt: at, lastPressAt: at, count: 1, level: 1, acknowledgedAt: null, acknowledgedBy: null, acknowledgedPerson: null, holder: null, resolvedAt: at + 1, resolvedBy: null, resolvedPerson: null, outcome: 'apologised', cause, reachedAt: null, note: null, retriggers: 0, trial: false });
    incident('Waiting', NOW - DAY);
    incident('Waiting', NOW - DAY + 5000);
    incident('Food', NOW - 2 * DAY);
    incident(null, NOW - 3 * DAY);
    const places: Record<string, string> = { 'btn-1': 'Counter', 'btn-2': 'Terrace' };
    const view = analyticsView(storage.reports, NOW, 7, 'Europe/Berlin', 60, (x) => x, (deviceId) => places[deviceId]);
    expect(view.change.now).toEqual({ red: 3, green: 12, redShare: 0.2 });
    expect(view.change.before).toEqual({ red: 2, green: 8, redShare: 0.2 });
    expect(view.change.byPlace.map((p) => [p.place, p.now.red, p.now.green, p.before.red])).toEqual([
      ['Terrace', 2, 3, 2],
      ['Counter', 1, 9, 0],
    ]);
    expect(view.causes).toEqual([{ cause: 'Waiting', incidents: 2 }, { cause: 'Food', incidents: 1 }]);
    // Every incident here ended in an apology: recovered, unless the owner says an apology alone does not count.
    expect([view.recovered, view.recoveredMeans]).toEqual([1, 'resolved complaints whose outcome was not "customer left" (an apology counts)']);
    expect(analyticsView(storage.reports, NOW, 7, 'Europe/Berlin', 60, (x) => x, (d) => places[d], false).recovered).toBe(0);
    // The heatmaps cover the opening hours, and any hour with presses outside them.
    const openFrom8To18 = (hour: number) => hour >= 8 && hour < 18;
    expect(analyticsView(storage.reports, NOW, 7, 'Europe/Berlin', 60, (x) => x, (d) => places[d], true, openFrom8To18).openHours).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(analyticsView(storage.reports, NOW, 7, 'Europe/Berlin', 60, (x) => x, (d) => places[d], true, () => false).openHours).toEqual([16]);
    expect(view.summary).toBe('Unhappy presses stayed at 20 % in the last 7 days, against the 7 days before. Most complaints were about Waiting; most unhappy presses were at Terrace.');
    storage.close();
  });

  it('says it in words: fell, rose, nothing to compare with, nothing yet', () => {
    const s = (red: number, green: number) => ({ red, green, redShare: red + green === 0 ? null : red / (red + green) });
    expect(summarize(7, s(9, 91), s(14, 86), null, null)).toBe('Unhappy presses fell from 14 % to 9 % in the last 7 days, against the 7 days before.');
    expect(summarize(1, s(3, 7), s(1, 9), 'Food', 'Terrace')).toBe('Unhappy presses rose from 10 % to 30 % today, against the day before. Most complaints were about Food; most unhappy presses were at Terrace.');
    expect(summarize(30, s(1, 3), s(0, 0), null, 'Terrace')).toBe('Unhappy presses were 25 % in the last 30 days (nothing to compare with before). Most unhappy presses were at Terrace.');
    expect(summarize(7, s(0, 0), s(5, 5), null, null)).toBe("No presses in the last 7 days yet: each customer's RED or GREEN press will show here.");
  });
});
