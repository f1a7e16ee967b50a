// History over a date range (#18) from a real SQLite log: filters, totals per
// day, week and month cut at local midnights (a clock-change day included), pages.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../../hub/domain/incident-desk.js';
import { HISTORY_PAGE, historyView, totalsTable } from '../../../hub/report/history.js';
import { Storage } from '../../../hub/store/storage.js';

const ZONE = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
let nextId = 1;
const incident = (iso: string, over: Partial<IncidentRecord> = {}): IncidentRecord => {
  const openedAt = at(iso);
  return {
    id: nextId++, kind: 'red', source: 'btn-1', label: 'Counter 1', openedAt, lastPressAt: openedAt, count: 1, level: 1,
    acknowledgedAt: openedAt + 30_000, acknowledgedBy: 'pgr-a', acknowledgedPerson: 'Anna', holder: null,
    resolvedAt: openedAt + 120_000, resolvedBy: 'pgr-a', resolvedPerson: 'Anna', outcome: 'apologised', cause: 'Waiting',
    reachedAt: null, note: null, retriggers: 0, trial: false, ...over,
  };
};

describe('history', () => {
  const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-history-')));
  // Saturday 24 Oct and Sunday 25 Oct 2026 (the clocks go back at 03:00), then into November.
  storage.log.saveIncident(incident('2026-10-24T12:00'));
  storage.log.saveIncident(incident('2026-10-25T02:30', { acknowledgedPerson: 'Ben', resolvedPerson: 'Ben', outcome: 'left', cause: 'Food' }));
  storage.log.saveIncident(incident('2026-10-25T23:59', { source: 'btn-2', label: 'Terrace', reachedAt: at('2026-10-25T23:59') + 90_000 }));
  storage.log.saveIncident(incident('2026-11-02T09:00', { kind: 'missing', source: 'pgr-a', label: 'Anna', outcome: 'fixed', cause: null }));
  storage.log.saveIncident(incident('2026-11-03T09:00', { resolvedAt: null, outcome: null, cause: null }));
  const query = (over: object = {}) => historyView(storage.reports, { from: '2026-10-24', to: '2026-11-30', per: 'day', page: 1, ...over }, ZONE, (id) => id);

  it('totals per day, cut at local midnights, a 25-hour day included', () => {
    const view = query({ to: '2026-10-26' });
    expect(view.totals.map((t) => [t.period, t.incidents, t.recovered, t.medianAcknowledgeS, t.medianReachS])).toEqual([
      ['2026-10-24', 1, 1, 30, null],
      ['2026-10-25', 2, 1, 30, 90],
      ['2026-10-26', 0, 0, null, null],
    ]);
    // 02:30 on the night the clocks go back happens twice; luxon took the second (+01:00), the ISO time says which.
    expect(view.incidents.map((i) => i.opened)).toEqual(['2026-10-24T12:00:00+02:00', '2026-10-25T02:30:00+01:00', '2026-10-25T23:59:00+01:00']);
  });

  it('counts an apology as won back only when the owner does (apologyRecovers), as Analytics does', () => {
    const day = (apologyRecovers: boolean) => historyView(storage.reports, { from: '2026-10-24', to: '2026-10-24', per: 'day', page: 1 }, ZONE, (id) => id, apologyRecovers).totals[0];
    expect([day(true).recovered, day(false).recovered]).toEqual([1, 0]); // the 24th: one complaint, answered with an apology
  });

  it('filters by button, kind, outcome (or still open), cause and person', () => {
    expect(query({ sources: ['btn-2'] }).incidents.map((i) => i.location)).toEqual(['Terrace']);
    expect(query({ kind: 'missing' }).total).toBe(1);
    expect(query({ outcome: 'open' }).incidents.map((i) => i.outcome)).toEqual(['open']);
    expect(query({ outcome: 'left', cause: 'Food' }).incidents.map((i) => i.acknowledgedBy)).toEqual(['Ben']);
    expect(query({ person: 'Ben' }).total).toBe(1);
    expect(query({ sources: [] }).total).toBe(0); // a place with no buttons
  });

  it('totals per week (from Monday) and per month, and says when a range runs backwards', () => {
    expect(query({ per: 'week' }).totals.map((t) => [t.period, t.incidents])).toEqual([
      ['2026-10-24', 3], // the range starts on a Saturday: its first week is cut there
      ['2026-10-26', 0],
      ['2026-11-02', 2],
      ['2026-11-09', 0],
      ['2026-11-16', 0],
      ['2026-11-23', 0],
      ['2026-11-30', 0],
    ]);
    expect(query({ per: 'month' }).totals.map((t) => [t.period, t.incidents])).toEqual([
      ['2026-10-24', 3],
      ['2026-11-01', 2],
    ]);
    expect(() => query({ from: '2026-11-30', to: '2026-11-01' })).toThrow('the range ends (2026-11-01) before it begins (2026-11-30)');
    expect(totalsTable(query({ per: 'month' })).split('\n')[0]).toBe('Month of    Incidents  Resolved  Recovered  Median to acknowledge  Median to reach');
  });

  it('counts customers beside presses: a burst at one button is one customer', () => {
    let seq = 0;
    const press = (kind: 'red' | 'green', iso: string) => storage.log.insertPress({ deviceId: 'btn-1', seq: ++seq, kind, pressedAt: at(iso), receivedAt: at(iso), ageMs: 0, incidentId: null, trial: false });
    press('red', '2026-11-10T12:00:00');
    press('red', '2026-11-10T12:00:05');
    press('red', '2026-11-10T12:00:09'); // one customer hammering
    press('red', '2026-11-10T15:00:00');
    press('green', '2026-11-10T16:00:00');
    const day = query({ from: '2026-11-10', to: '2026-11-10' }).totals[0];
    expect([day.presses, day.customers]).toEqual([{ red: 4, green: 1 }, { red: 2, green: 1 }]);
  });

  it('pages the incidents, the totals counting them all', () => {
    for (let i = 0; i < HISTORY_PAGE + 5; i++) storage.log.saveIncident(incident(`2026-11-20T10:${String(i % 60).padStart(2, '0')}`));
    const first = query();
    expect([first.total, first.pages, first.incidents.length]).toEqual([HISTORY_PAGE + 10, 2, HISTORY_PAGE]);
    expect(query({ page: 2 }).incidents).toHaveLength(10);
    expect(first.totals.reduce((sum, t) => sum + t.incidents, 0)).toBe(HISTORY_PAGE + 10);
  });
});
