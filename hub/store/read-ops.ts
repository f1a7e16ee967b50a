// Reads as data, so they can run on the journal's worker thread (journal.ts):
// a query that takes milliseconds there (the owner's live view with hundreds
// of open incidents) never holds up the event loop where presses arrive.
// The worker runs them between its commits, on its own connection.
import { actorName } from '../domain/incident-desk.js';
import type { OpenIncidentView } from '../contract/api-types.js';
import { openIncidentViews } from '../report/open-incidents.js';
import type { Storage } from './storage.js';
import { TodayTally } from './today-tally.js';
import type { WriteOp } from './write-ops.js';

export type ReadOp =
  /**
   * The facts of the "Today" view for the local day [from, to). `names`: each
   * pager's wearer now, by name (the directory lives on the event loop).
   */
  { read: 'today'; from: number; to: number; customerGapMs: number; showTrial: boolean; names: Map<string, string> };

/** What the "Today" view is made of, as the database has it. */
export interface TodayFacts {
  red: number;
  green: number;
  customers: { red: number; green: number };
  /** Red incidents opened in the day. */
  incidents: number;
  /**
   * The open incidents, oldest first, each as JSON text of an `OpenIncidentView`:
   * strings cross to the event loop, not a thousand objects, and the live feed
   * compares them with the last send's to send only what changed (web/live-feed.ts).
   */
  open: OpenIncidentJson[];
  /** What the worker spent making these facts (ms): the live feed counts it in its share of the hub's time. */
  madeInMs: number;
}

export interface OpenIncidentJson {
  id: number;
  /** The whole `OpenIncidentView`. */
  json: string;
  /** What changes at every press (its id, count and last press), and the rest: a press changes only the pulse. */
  pulse: string;
  steady: string;
}

/** An incident as JSON text, in the two parts that change at different paces (and whole, made of them). */
function incidentJson(view: OpenIncidentView): OpenIncidentJson {
  const { id, count, lastPressAt, ...rest } = view;
  const pulse = JSON.stringify({ id, count, lastPressAt });
  const steady = JSON.stringify(rest);
  return { id, json: `${pulse.slice(0, -1)},${steady.slice(1)}`, pulse, steady };
}

export interface ReadResults {
  today: TodayFacts;
}

/** The worker's reads: stateless queries, and today's counts kept up to date between reads (today-tally.ts). */
export class Reads {
  private readonly tally: TodayTally;

  constructor(private readonly storage: Storage) {
    this.tally = new TodayTally(storage.db, storage.reports);
  }

  /** Told of every write the worker commits: a press turned staff's is no longer a customer's. */
  written(op: WriteOp): void {
    if (op.op === 'staffPress') this.tally.forget();
  }

  run(op: ReadOp): ReadResults[ReadOp['read']] {
    const started = performance.now();
    const reports = this.storage.reports;
    reports.showTrial = op.showTrial;
    const counts = this.tally.counts(op.from, op.to, op.customerGapMs);
    const nameOf = (id: string) => actorName(id, (pager) => op.names.get(pager) ?? pager);
    return {
      red: counts.presses.red,
      green: counts.presses.green,
      customers: counts.customers,
      incidents: reports.redIncidentCount(op.from, op.to),
      open: openIncidentViews(reports.openIncidents(), nameOf).map(incidentJson),
      madeInMs: performance.now() - started,
    };
  }
}
