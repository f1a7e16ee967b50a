// A year of a busy café in the hub's own database, for the start-up bench
// (#20): ~200 presses a day for 365 days, a third of them red, each red one
// an incident that was paged, acknowledged and resolved with an outcome and
// sometimes a cause — written with the hub's own write path (applyOp), in a
// transaction per day.
import { OUTCOMES } from '../../shared/payloads.js';
import { newIncidentRecord, type IncidentEvent, type IncidentRecord } from '../../hub/domain/incident-desk.js';
import { Storage } from '../../hub/store/storage.js';
import { applyOp, type WriteOp } from '../../hub/store/write-ops.js';

const DAY_MS = 86_400_000;
const CAUSES = ['Waiting time', 'Food', 'Staff', null, null];

export interface YearDatabase {
  presses: number;
  incidents: number;
  events: number;
}

/** Fills `dataDir`'s database with `days` days up to `end`, `perDay` presses a day over `buttons` buttons routed to `pager`. */
export function writeYear(dataDir: string, options: { end: number; days: number; perDay: number; buttons: string[]; pager: string }): YearDatabase {
  const storage = Storage.open(dataDir, { fsync: false });
  let incidentId = 0;
  const seq = new Map<string, number>();
  const counts = { presses: 0, incidents: 0, events: 0 };
  // A pseudo-random but repeatable sequence: the same database every run.
  let state = 42;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  try {
    for (let day = options.days; day >= 1; day--) {
      const open = Math.floor((options.end - day * DAY_MS) / DAY_MS) * DAY_MS + 8 * 3_600_000;
      const ops: WriteOp[] = [];
      for (let i = 0; i < options.perDay; i++) {
        const at = open + Math.floor(random() * 12 * 3_600_000);
        const button = options.buttons[Math.floor(random() * options.buttons.length)];
        const n = (seq.get(button) ?? 0) + 1;
        seq.set(button, n);
        const red = random() < 1 / 3;
        let id: number | null = null;
        const mine: WriteOp[] = [];
        if (red) {
          id = ++incidentId;
          const ack = at + 20_000 + Math.floor(random() * 60_000);
          const reached = ack + 30_000 + Math.floor(random() * 60_000);
          const resolved = reached + 120_000;
          const outcome = OUTCOMES[Math.floor(random() * OUTCOMES.length)];
          const cause = CAUSES[Math.floor(random() * CAUSES.length)];
          const record: IncidentRecord = {
            ...newIncidentRecord(id, 'red', button, button, at, false),
            level: 1,
            acknowledgedAt: ack,
            acknowledgedBy: options.pager,
            acknowledgedPerson: 'Anna',
            resolvedAt: resolved,
            resolvedBy: options.pager,
            resolvedPerson: 'Anna',
            outcome,
            cause,
            reachedAt: reached,
          };
          const events: IncidentEvent[] = [
            { incidentId: id, at, type: 'opened' },
            { incidentId: id, at, type: 'paged', pager: options.pager, person: 'Anna', level: 1 },
            { incidentId: id, at: ack, type: 'acknowledged', pager: options.pager, person: 'Anna' },
            { incidentId: id, at: resolved, type: 'resolved', pager: options.pager, person: 'Anna', detail: outcome },
          ];
          mine.push({ op: 'incident', record }, ...events.map((event) => ({ op: 'event' as const, event })));
          counts.incidents++;
          counts.events += events.length;
        }
        ops.push({ op: 'press', row: { deviceId: button, seq: n, kind: red ? 'red' : 'green', pressedAt: at, receivedAt: at, ageMs: 0, incidentId: id, trial: false } }, ...mine);
        counts.presses++;
      }
      storage.db.transaction(() => {
        for (const op of ops) applyOp(storage, op);
      })();
    }
    return counts;
  } finally {
    storage.close();
  }
}
