// The live view's open incidents kept between reads (#20): after every change,
// the list says what reading every open incident again says — through presses
// into incidents, pages and deliveries, acknowledgements, resolutions, new
// incidents opened out of order, wearers changing, the trial filter flipped,
// and writes by another connection the list is not told of — and the event
// loop's copy (today-reader.ts), sent only what changed since the version it
// holds, says the same, however often or seldom it asks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actorName, newIncidentRecord, type IncidentRecord } from '../../../hub/domain/incident-desk.js';
import { openIncidentViews } from '../../../hub/report/open-incidents.js';
import { openDatabase } from '../../../hub/store/database.js';
import { OpenIncidentList } from '../../../hub/store/open-incident-list.js';
import { Reads, type TodayRead } from '../../../hub/store/read-ops.js';
import { Storage } from '../../../hub/store/storage.js';
import { TodayReader } from '../../../hub/store/today-reader.js';
import { applyOp, type WriteOp } from '../../../hub/store/write-ops.js';
import { seededRandom } from '../../support/random.js';

const T0 = Date.UTC(2026, 11, 7, 9);

function fromScratch(storage: Storage, names: Map<string, string>): unknown[] {
  return openIncidentViews(storage.reports.openIncidents(), (id) => actorName(id, (pager) => names.get(pager) ?? pager));
}

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'lb-open-'));
  const storage = Storage.open(dir, { fsync: false });
  const list = new OpenIncidentList(storage.db, storage.reports);
  // As the journal's worker does: apply, then tell the list.
  const write = (op: WriteOp) => {
    applyOp(storage, op);
    list.wrote(op);
  };
  return { dir, storage, list, write };
}

const asked = (names: Map<string, string>, showTrial: boolean): Omit<TodayRead, 'openSince'> => ({ read: 'today', from: T0, to: T0 + 86_400_000, customerGapMs: 30_000, showTrial, names });

describe('the open incidents kept between reads', () => {
  it('agree with reading them all again after every change, on the worker and on the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-open-'));
    const storage = Storage.open(dir, { fsync: false });
    // The worker's reads and two askers on the event loop: one asks at every look, one now and then.
    const reads = new Reads(storage);
    const journal = { read: (op: TodayRead) => Promise.resolve(reads.run(op)) };
    const [often, seldom] = [new TodayReader(journal), new TodayReader(journal)];
    const write = (op: WriteOp) => {
      applyOp(storage, op);
      reads.written(op);
    };
    const other = openDatabase(dir, { fsync: false }); // another connection, as the hub's event loop has
    const random = seededRandom(7);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
    const records = new Map<number, IncidentRecord>();
    const names = new Map<string, string>([['pgr-1', 'Anna']]);
    let nextId = 1;
    let at = T0;
    let checks = 0;
    for (let step = 0; step < 1500; step++) {
      at += Math.floor(random() * 5000);
      const open = [...records.values()].filter((r) => r.resolvedAt === null);
      const roll = random();
      if (roll < 0.15 || open.length === 0) {
        // Opened earlier than the last one now and then (a press from a button's outbox).
        const record = newIncidentRecord(nextId++, random() < 0.8 ? 'red' : 'missing', `btn-${Math.floor(random() * 9)}`, 'Counter', at - (random() < 0.2 ? 600_000 : 0), random() < 0.15);
        records.set(record.id, record);
        write({ op: 'incident', record });
      } else if (roll < 0.55) {
        const record = { ...pick(open), count: pick(open).count + 1, lastPressAt: at };
        records.set(record.id, record);
        write({ op: 'incident', record });
      } else if (roll < 0.75) {
        const pager = `pgr-${Math.floor(random() * 4)}`;
        write({ op: 'event', event: { incidentId: pick(open).id, at, type: random() < 0.6 ? 'paged' : 'delivered', pager, person: random() < 0.5 ? names.get(pager) : undefined, level: 1 } });
      } else if (roll < 0.85) {
        const record = { ...pick(open), acknowledgedAt: at, acknowledgedBy: random() < 0.5 ? 'pgr-2' : '@owner', holder: 'pgr-2' };
        records.set(record.id, record);
        write({ op: 'incident', record });
      } else if (roll < 0.95) {
        const record = { ...pick(open), resolvedAt: at, outcome: 'apologised' as const };
        records.set(record.id, record);
        write({ op: 'incident', record });
      } else if (roll < 0.97) {
        names.set(`pgr-${Math.floor(random() * 4)}`, pick(['Anna', 'Boris', 'Clara'])); // a wearer swapped
      } else if (roll < 0.98) {
        other.prepare('DELETE FROM incidents WHERE trial = 1').run(); // going live, on the event loop's connection
        for (const [id, record] of records) if (record.trial) records.delete(id);
      } else {
        const id = pick(open).id; // any change the list is not told of
        other.prepare('UPDATE incidents SET resolved_at = ? WHERE id = ?').run(at, id);
        records.set(id, { ...records.get(id)!, resolvedAt: at });
      }
      if (random() < 0.3) {
        if (random() < 0.05) storage.reports.showTrial = !storage.reports.showTrial; // the simulation starts or stops
        const expected = fromScratch(storage, names);
        const listed = (await often.facts(asked(names, storage.reports.showTrial))).open.map((incident) => JSON.parse(incident.json) as unknown);
        expect(listed).toEqual(expected);
        if (random() < 0.3) expect((await seldom.facts(asked(names, storage.reports.showTrial))).open.map((incident) => JSON.parse(incident.json) as unknown)).toEqual(expected);
        if (listed.length > 3) checks++;
      }
    }
    expect(checks).toBeGreaterThan(100);
    other.close();
    storage.close();
  });

  it('reads again only the incidents written since the last read, and answers with those changed since the version asked', () => {
    const { storage, list, write } = setUp();
    for (let id = 1; id <= 5; id++) write({ op: 'incident', record: newIncidentRecord(id, 'red', `btn-${id}`, 'Counter', T0 + id, false) });
    const first = list.read(new Map(), 0);
    expect([first.order, first.changed.map((incident) => incident.id)]).toEqual([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    const asked: number[] = [];
    const all = storage.reports.openIncidents.bind(storage.reports);
    const one = storage.reports.openIncident.bind(storage.reports);
    storage.reports.openIncidents = () => (asked.push(0), all());
    storage.reports.openIncident = (id) => (asked.push(id), one(id));
    write({ op: 'event', event: { incidentId: 4, at: T0 + 10, type: 'paged', pager: 'pgr-1', level: 1 } });
    write({ op: 'incident', record: { ...newIncidentRecord(2, 'red', 'btn-2', 'Counter', T0 + 2, false), resolvedAt: T0 + 11 } });
    const second = list.read(new Map(), first.version);
    expect(asked.sort()).toEqual([2, 4]);
    expect([second.order, second.changed.map((incident) => incident.id)]).toEqual([[1, 3, 4, 5], [4]]);
    expect(JSON.parse(second.changed[0].json)).toMatchObject({ id: 4, paged: [{ pager: 'pgr-1', pagedAt: T0 + 10 }] });
    // Written but the same (a save that changed nothing shown): not sent again.
    write({ op: 'incident', record: newIncidentRecord(5, 'red', 'btn-5', 'Counter', T0 + 5, false) });
    const third = list.read(new Map(), second.version);
    expect([third.version, third.changed]).toEqual([second.version, []]);
    // An asker holding nothing, or an older version than the last whole read, gets everything.
    expect(list.read(new Map(), 0).changed.map((incident) => incident.id)).toEqual([1, 3, 4, 5]);
    expect(list.read(new Map([['pgr-1', 'Anna']]), second.version).changed).toHaveLength(4); // a wearer changed: read whole
    storage.close();
  });

  it('crosses to the event loop only what changed since the version it holds', async () => {
    const { storage, list, write } = setUp();
    const answers: { since: number; changed: number }[] = [];
    const reader = new TodayReader({
      read: (op: TodayRead) => {
        const open = list.read(op.names, op.openSince);
        answers.push({ since: op.openSince, changed: open.changed.length });
        return Promise.resolve({ red: 0, green: 0, customers: { red: 0, green: 0 }, incidents: 0, madeInMs: 0, open });
      },
    });
    for (let id = 1; id <= 4; id++) write({ op: 'incident', record: newIncidentRecord(id, 'red', `btn-${id}`, 'Counter', T0 + id, false) });
    expect((await reader.facts(asked(new Map(), false))).open.map((incident) => incident.id)).toEqual([1, 2, 3, 4]);
    write({ op: 'incident', record: { ...newIncidentRecord(3, 'red', 'btn-3', 'Counter', T0 + 3, false), count: 2 } });
    write({ op: 'incident', record: { ...newIncidentRecord(1, 'red', 'btn-1', 'Counter', T0 + 1, false), resolvedAt: T0 + 9 } });
    const facts = await reader.facts(asked(new Map(), false));
    expect(facts.open.map((incident) => [incident.id, (JSON.parse(incident.json) as { count: number }).count])).toEqual([[2, 1], [3, 2], [4, 1]]);
    expect(answers).toEqual([{ since: 0, changed: 4 }, { since: answers[1].since, changed: 1 }]);
    expect(answers[1].since).toBeGreaterThan(0);
    expect(reader.holding).toBe(3); // the resolved one is let go
    storage.close();
  });
});
