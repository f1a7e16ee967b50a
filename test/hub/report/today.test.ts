// Today's view from a real SQLite log: presses, customers (bursts), and the
// open incidents as the journal's worker renders them (store/read-ops.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TodayView } from '../../../hub/contract/api-types.js';
import { newIncidentRecord } from '../../../hub/domain/incident-desk.js';
import { CUSTOMER_GAP_MS, localDays, today, todayView } from '../../../hub/report/today.js';
import { Reads } from '../../../hub/store/read-ops.js';
import { Storage } from '../../../hub/store/storage.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

function viewOf(storage: Storage, now: number, names = new Map<string, string>(), alarms: string[] = []): TodayView {
  const day = today(now, 'Europe/Berlin');
  const answer = new Reads(storage).run({ read: 'today', from: day.from, to: day.to, customerGapMs: CUSTOMER_GAP_MS, showTrial: false, names, openSince: 0 });
  const facts = { ...answer, open: answer.open.changed }; // asked with nothing held: every open incident, in order
  return JSON.parse(todayView(facts, now, day, alarms)) as TodayView;
}

describe('Today (#16)', () => {
  it('counts a burst of presses of one kind at one button as one customer', () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-today-')));
    let seq = 0;
    const press = (deviceId: string, kind: 'red' | 'green', at: number) =>
      storage.log.insertPress({ deviceId, seq: ++seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial: false });
    // One customer hammering red six times in 10 s, another red 2 minutes later; at another button one red.
    for (let i = 0; i < 6; i++) press('btn-1', 'red', T0 + i * 2000);
    press('btn-1', 'red', T0 + 130_000);
    press('btn-2', 'red', T0 + 5000);
    // Greens: two customers at btn-1 (45 s apart), a green right after a red is its own customer.
    press('btn-1', 'green', T0 + 11_000);
    press('btn-1', 'green', T0 + 56_000);
    const view = viewOf(storage, T0 + 200_000);
    expect([view.red, view.green]).toEqual([8, 2]);
    expect(view.customers).toEqual({ red: 3, green: 2 });
    expect([view.date, view.timeZone, view.now, view.open]).toEqual(['2026-11-22', 'Europe/Berlin', T0 + 200_000, []]);
    storage.close();
  });

  it('shows each open incident with who was paged by name, whether it arrived, and who holds it (#20: rendered off the event loop)', () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-today-')));
    const open = { ...newIncidentRecord(7, 'red', 'btn-1', 'Counter "1"', T0, false), holder: '@olga', acknowledgedAt: T0 + 9000, acknowledgedBy: '@olga' };
    storage.log.saveIncident(open);
    storage.log.saveIncident({ ...newIncidentRecord(8, 'red', 'btn-2', 'Door', T0, false), resolvedAt: T0 + 1000 });
    storage.log.insertEvent({ incidentId: 7, at: T0 + 1, type: 'paged', pager: 'pgr-1', person: 'Anna', level: 1 });
    storage.log.insertEvent({ incidentId: 7, at: T0 + 2, type: 'paged', pager: 'pgr-2', level: 2 });
    storage.log.insertEvent({ incidentId: 7, at: T0 + 40, type: 'delivered', pager: 'pgr-2' });
    const view = viewOf(storage, T0 + 10_000, new Map([['pgr-2', 'Boris']]), ['the disk is full']);
    expect(view.alarms).toEqual(['the disk is full']);
    expect(view.open).toHaveLength(1);
    expect(view.open[0]).toMatchObject({ id: 7, location: 'Counter "1"', holder: 'olga (dashboard)', acknowledgedBy: 'olga (dashboard)', unrouted: false });
    expect(view.open[0].paged).toEqual([
      { pager: 'pgr-1', name: 'Anna', pagedAt: T0 + 1, level: 1, deliveredAt: null },
      { pager: 'pgr-2', name: 'Boris', pagedAt: T0 + 2, level: 2, deliveredAt: T0 + 40 },
    ]);
    storage.close();
  });

  it("finds the open incidents and their events through the open incidents' index, without reading the whole history (#20)", () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-today-')));
    // The live view asks several times a second; SQLite had walked every incident and every event ever written.
    const statements = (storage.reports as unknown as { statements: Record<string, { source: string }> }).statements;
    for (const name of ['openIncidents', 'openIncidentEvents']) {
      const plan = (storage.db.prepare(`EXPLAIN QUERY PLAN ${statements[name].source}`).all(0) as { detail: string }[]).map((row) => row.detail);
      expect(plan.join(' | '), name).toContain('incidents_open');
      expect(plan.filter((detail) => /^SCAN (e|incident_events)\b|incidents_by_time/.test(detail)), name).toEqual([]);
    }
    storage.close();
  });

  it('works out the local day once, and again when the day or the time zone changes', () => {
    const dayOf = localDays();
    const first = dayOf(T0, 'Europe/Berlin');
    expect(dayOf(T0 + 3_600_000, 'Europe/Berlin')).toBe(first);
    const next = dayOf(first.to, 'Europe/Berlin');
    expect([next.date, next.from]).toEqual(['2026-11-23', first.to]);
    expect(dayOf(first.to, 'Europe/Moscow').timeZone).toBe('Europe/Moscow');
  });
});
