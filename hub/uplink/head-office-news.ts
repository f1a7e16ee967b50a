// What the head office hears besides the log's rows (#19): the shop's alarms
// whenever they change (the disk failing, the desk's own alarms, news that
// cannot go out), as phrases the head office's page says in its reader's
// language; and at closing, the day's figures. Both go through the journal,
// so they are in the feed in commit order, after what they summarize.
import { DateTime } from 'luxon';
import type { DaySummary } from '../contract/api-types.js';
import type { Phrase } from '../domain/phrase.js';

export type { DaySummary };
import { dayBounds } from '../report/daily-log.js';
import { CUSTOMER_GAP_MS } from '../report/today.js';
import type { ReportQueries } from '../store/report-queries.js';
import type { WriteOp } from '../store/write-ops.js';

export interface HeadOfficeNewsDeps {
  submit(op: WriteOp): void;
  reports: ReportQueries;
  timeZone(): string;
  /** The shop's alarms now, without the uplink's own (the head office sees those as a silent site). */
  alarms(): Phrase[];
}

export function daySummary(reports: ReportQueries, now: number, timeZone: string): DaySummary {
  const day = DateTime.fromMillis(now, { zone: timeZone }).toFormat('yyyy-MM-dd');
  const [start, end] = dayBounds(day, timeZone);
  const presses = reports.pressCounts(start, end);
  return { day, red: presses.red, green: presses.green, customers: reports.customerCounts(start, end, CUSTOMER_GAP_MS), complaints: reports.redIncidentCount(start, end), open: reports.openIncidents().length };
}

export class HeadOfficeNews {
  /** The alarms last forwarded (null: none since start, so the first tick says what holds now). */
  private forwarded: string | null = null;

  constructor(private readonly deps: HeadOfficeNewsDeps) {}

  /** Each hub tick; `closedNow`: the site closed since the last one. */
  tick(now: number, closedNow: boolean): void {
    const active = this.deps.alarms().slice(0, 20);
    const key = JSON.stringify(active);
    if (key !== this.forwarded) {
      this.forwarded = key;
      this.deps.submit({ op: 'alarms', active, at: now });
    }
    // The day that just closed (a tick at most a few seconds after closing is still that day, in all but a midnight closing).
    if (closedNow) this.deps.submit({ op: 'summary', summary: daySummary(this.deps.reports, now - 1000, this.deps.timeZone()), at: now });
  }
}
