// Reads as data, so they can run on the journal's worker thread (journal.ts):
// a query that takes milliseconds there (the owner's live view with hundreds
// of open incidents) never holds up the event loop where presses arrive.
// The worker runs them between its commits, on its own connection.
import { OpenIncidentList, type OpenIncidentChanges, type OpenIncidentJson } from './open-incident-list.js';
import type { Storage } from './storage.js';
import { TodayTally } from './today-tally.js';
import type { WriteOp } from './write-ops.js';

export type ReadOp =
  /**
   * The facts of the "Today" view for the local day [from, to). `names`: each
   * pager's wearer now, by name (the directory lives on the event loop).
   * `openSince`: the version of the open incidents the asker holds (0: none;
   * today-reader.ts keeps them on the event loop).
   */
  { read: 'today'; from: number; to: number; customerGapMs: number; showTrial: boolean; names: Map<string, string>; openSince: number };

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

/** What the worker answers: the open incidents changed since the asker's version. */
export type TodayAnswer = Omit<TodayFacts, 'open'> & { open: OpenIncidentChanges };

export interface ReadResults {
  today: TodayAnswer;
}

/** The worker's reads: stateless queries, and today's counts and open incidents kept up to date between reads (today-tally.ts, open-incident-list.ts). */
export class Reads {
  private readonly tally: TodayTally;
  private readonly openIncidents: OpenIncidentList;

  constructor(private readonly storage: Storage) {
    this.tally = new TodayTally(storage.db, storage.reports);
    this.openIncidents = new OpenIncidentList(storage.db, storage.reports);
  }

  /** Told of every write the worker commits: a press turned staff's is no longer a customer's; an incident written is read again. */
  written(op: WriteOp): void {
    if (op.op === 'staffPress') this.tally.forget();
    this.openIncidents.wrote(op);
  }

  run(op: ReadOp): ReadResults[ReadOp['read']] {
    const started = performance.now();
    const reports = this.storage.reports;
    reports.showTrial = op.showTrial;
    const counts = this.tally.counts(op.from, op.to, op.customerGapMs);
    return {
      red: counts.presses.red,
      green: counts.presses.green,
      customers: counts.customers,
      incidents: reports.redIncidentCount(op.from, op.to),
      open: this.openIncidents.read(op.names, op.openSince),
      madeInMs: performance.now() - started,
    };
  }
}
