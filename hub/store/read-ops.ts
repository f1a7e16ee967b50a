// Reads as data, so they can run on the journal's worker thread (journal.ts):
// a query that takes milliseconds there (the owner's live view with hundreds
// of open incidents) never holds up the event loop where presses arrive.
// The worker runs them between its commits, on its own connection.
import type { IncidentRow, RoutingEvent } from './report-queries.js';
import type { Storage } from './storage.js';

export type ReadOp =
  /** The facts of the "Today" view for the local day [from, to). */
  { read: 'today'; from: number; to: number; customerGapMs: number; showTrial: boolean };

/** What the "Today" view is made of, as the database has it. */
export interface TodayFacts {
  red: number;
  green: number;
  customers: { red: number; green: number };
  /** Red incidents opened in the day. */
  incidents: number;
  open: { incident: IncidentRow; events: RoutingEvent[] }[];
}

export interface ReadResults {
  today: TodayFacts;
}

export function runRead(storage: Storage, op: ReadOp): ReadResults[ReadOp['read']] {
  const reports = storage.reports;
  reports.showTrial = op.showTrial;
  const counts = reports.pressCounts(op.from, op.to);
  return {
    red: counts.red,
    green: counts.green,
    customers: reports.customerCounts(op.from, op.to, op.customerGapMs),
    incidents: reports.redIncidentCount(op.from, op.to),
    open: reports.openIncidents(),
  };
}
