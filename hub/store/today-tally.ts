// Today's presses and customers for the live view, counted once and then
// kept up to date from the presses added since, on the journal's worker.
// Counting customers from scratch sorts the whole day's presses (a window
// over each button's presses): ~0.65 µs a press, 4.5 ms a view with 7 000
// presses today and 50 ms with 70 000, several times a second while owners
// watch (docs/benchmarks-findings.md §16). A new press usually comes last at
// its button, so it is a new customer exactly when the gap since that
// button's last press of its kind exceeds the burst gap, as the full count
// would say. Whatever the running tally cannot follow is counted again from
// scratch: a press older than its button's last (an outbox emptied after a
// Wi-Fi drop), a counted press turned staff's (forget()), another connection's
// commit (the trial data removed), another day or filter.
import type { Db } from './database.js';
import type { ReportQueries } from './report-queries.js';

export interface KindCounts {
  red: number;
  green: number;
}

export interface TodayCounts {
  presses: KindCounts;
  customers: KindCounts;
}

interface NewPress {
  id: number;
  deviceId: string;
  kind: 'red' | 'green';
  pressedAt: number;
}

export class TodayTally {
  private readonly statements;
  /** What the tally counts: the day's bounds, the burst gap, trial data or not; empty until the first count. */
  private scope = '';
  private stale = true;
  private dataVersion: unknown = null;
  /** The highest press id looked at. */
  private lastId = 0;
  private presses: KindCounts = { red: 0, green: 0 };
  private customers: KindCounts = { red: 0, green: 0 };
  /** Each button's latest press of each kind in the day, by "device kind". */
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly reports: ReportQueries,
  ) {
    this.statements = {
      since: db.prepare('SELECT id, device_id AS deviceId, kind, pressed_at AS pressedAt FROM presses WHERE id > ? AND by_staff = 0 AND trial <= ? ORDER BY id'),
      latest: db.prepare(
        'SELECT device_id AS deviceId, kind, MAX(pressed_at) AS pressedAt FROM presses WHERE pressed_at >= ? AND pressed_at < ? AND by_staff = 0 AND trial <= ? GROUP BY device_id, kind',
      ),
      lastId: db.prepare('SELECT COALESCE(MAX(id), 0) FROM presses').pluck(),
    };
  }

  /** A press already counted may have changed (it turned out to begin staff's chord): count from scratch next time. */
  forget(): void {
    this.stale = true;
  }

  /** Customers' presses and customers in [from, to); `reports.showTrial` says whether trial data counts. */
  counts(from: number, to: number, gapMs: number): TodayCounts {
    const trial = this.reports.showTrial ? 1 : 0;
    const scope = `${from} ${to} ${gapMs} ${trial}`;
    // Changes only when another connection commits (SQLite's data_version): this connection's own inserts are read below.
    const dataVersion = this.db.pragma('data_version', { simple: true });
    const followed = !this.stale && scope === this.scope && dataVersion === this.dataVersion && this.addNew(from, to, gapMs, trial);
    if (!followed) this.recount(from, to, gapMs, trial);
    [this.scope, this.stale, this.dataVersion] = [scope, false, dataVersion];
    return { presses: { ...this.presses }, customers: { ...this.customers } };
  }

  /** Adds the presses since the last look; false when one cannot be added (older than its button's last). */
  private addNew(from: number, to: number, gapMs: number, trial: number): boolean {
    for (const press of this.statements.since.all(this.lastId, trial) as NewPress[]) {
      this.lastId = press.id;
      if (press.pressedAt < from || press.pressedAt >= to) continue;
      const key = `${press.deviceId} ${press.kind}`;
      const latest = this.latest.get(key);
      if (latest !== undefined && press.pressedAt < latest) return false;
      this.presses[press.kind]++;
      if (latest === undefined || press.pressedAt - latest > gapMs) this.customers[press.kind]++;
      this.latest.set(key, press.pressedAt);
    }
    return true;
  }

  /** Everything from scratch, in one read transaction so the counts and the last id agree. */
  private recount(from: number, to: number, gapMs: number, trial: number): void {
    this.db.transaction(() => {
      this.presses = this.reports.pressCounts(from, to);
      this.customers = this.reports.customerCounts(from, to, gapMs);
      this.latest.clear();
      for (const row of this.statements.latest.all(from, to, trial) as Omit<NewPress, 'id'>[]) this.latest.set(`${row.deviceId} ${row.kind}`, row.pressedAt);
      this.lastId = this.statements.lastId.get() as number;
    })();
  }
}
