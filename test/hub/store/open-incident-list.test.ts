// The live view's open incidents kept between reads (#20): after every change,
// the list says what reading every open incident again says — through presses
// into incidents, pages and deliveries, acknowledgements, resolutions, new
// incidents opened out of order, wearers changing, the trial filter flipped,
// and writes by another connection the list is not told of.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actorName, newIncidentRecord, type IncidentRecord } from '../../../hub/domain/incident-desk.js';
import { openIncidentViews } from '../../../hub/report/open-incidents.js';
import { openDatabase } from '../../../hub/store/database.js';
import { OpenIncidentList } from '../../../hub/store/open-incident-list.js';
import { Storage } from '../../../hub/store/storage.js';
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

describe('the open incidents kept between reads', () => {
  it('agree with reading them all again after every change', () => {
    const { dir, storage, list, write } = setUp();
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
        const listed = list.read(names).map((incident) => JSON.parse(incident.json) as unknown);
        expect(listed).toEqual(fromScratch(storage, names));
        if (listed.length > 3) checks++;
      }
    }
    expect(checks).toBeGreaterThan(100);
    other.close();
    storage.close();
  });

  it('reads again only the incidents written since the last read', () => {
    const { storage, list, write } = setUp();
    for (let id = 1; id <= 5; id++) write({ op: 'incident', record: newIncidentRecord(id, 'red', `btn-${id}`, 'Counter', T0 + id, false) });
    expect(list.read(new Map()).map((incident) => incident.id)).toEqual([1, 2, 3, 4, 5]);
    const asked: number[] = [];
    const all = storage.reports.openIncidents.bind(storage.reports);
    const one = storage.reports.openIncident.bind(storage.reports);
    storage.reports.openIncidents = () => (asked.push(0), all());
    storage.reports.openIncident = (id) => (asked.push(id), one(id));
    write({ op: 'event', event: { incidentId: 4, at: T0 + 10, type: 'paged', pager: 'pgr-1', level: 1 } });
    write({ op: 'incident', record: { ...newIncidentRecord(2, 'red', 'btn-2', 'Counter', T0 + 2, false), resolvedAt: T0 + 11 } });
    const listed = list.read(new Map());
    expect(asked.sort()).toEqual([2, 4]);
    expect(listed.map((incident) => incident.id)).toEqual([1, 3, 4, 5]);
    expect(JSON.parse(listed[2].json)).toMatchObject({ id: 4, paged: [{ pager: 'pgr-1', pagedAt: T0 + 10 }] });
    storage.close();
  });
});
