// Reads as data, so they can run on the journal's worker thread (journal.ts):
// a query that takes milliseconds there (the owner's live view with hundreds
// of open incidents) never holds up the event loop where presses arrive.
// The worker runs them between its commits, on its own connection.
import type { AnalyticsView } from '../contract/api-types.js';
import type { Language } from '../i18n/languages.js';
import { OpenIncidentList, type OpenIncidentChanges, type OpenIncidentJson } from './open-incident-list.js';
import type { Storage } from './storage.js';
import { TodayTally } from './today-tally.js';
import type { WriteOp } from './write-ops.js';

export type ReadOp = TodayRead | AnalyticsRead;

/**
 * The facts of the "Today" view for the local day [from, to). `names`: each
 * pager's wearer now, by name (the directory lives on the event loop).
 * `openSince`: the version of the open incidents the asker holds (0: none;
 * today-reader.ts keeps them on the event loop).
 */
export interface TodayRead {
  read: 'today';
  from: number;
  to: number;
  customerGapMs: number;
  showTrial: boolean;
  names: Map<string, string>;
  openSince: number;
}

/**
 * The analytics view of the `days` local days up to `now` (report/analytics.ts).
 * What lives on the event loop comes along as data: each device's label
 * (`names`) and place (`places`), and whether the shop is open in each local
 * hour of the day (`openHours`, 24 of them).
 */
export interface AnalyticsRead {
  read: 'analytics';
  now: number;
  days: number;
  timeZone: string;
  targetS: number;
  names: Map<string, string>;
  places: Map<string, string>;
  apologyRecovers: boolean;
  openHours: boolean[];
  language: Language;
  showTrial: boolean;
}

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
  analytics: AnalyticsView;
}

/**
 * The analytics module and the translations, loaded on the worker at its first
 * analytics read: a hub whose owner never opens the view does not hold luxon
 * and the catalogues a second time.
 */
let analyticsCode: Promise<[typeof import('../report/analytics.js'), typeof import('../i18n/translate.js')]> | undefined;

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

  run(op: TodayRead): TodayAnswer;
  run(op: AnalyticsRead): Promise<AnalyticsView>;
  run(op: ReadOp): TodayAnswer | Promise<AnalyticsView>;
  run(op: ReadOp): TodayAnswer | Promise<AnalyticsView> {
    return op.read === 'today' ? this.today(op) : this.analytics(op);
  }

  private today(op: TodayRead): TodayAnswer {
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

  private async analytics(op: AnalyticsRead): Promise<AnalyticsView> {
    const [{ analyticsView }, { translator }] = await (analyticsCode ??= Promise.all([import('../report/analytics.js'), import('../i18n/translate.js')]));
    // Set after the awaits, just before the synchronous view: a "today" read may have run in between with its own.
    const reports = this.storage.reports;
    reports.showTrial = op.showTrial;
    const { names, places } = op;
    const nameOf = (id: string) => names.get(id) ?? id;
    const placeOf = (id: string) => places.get(id) ?? id;
    return analyticsView(reports, op.now, op.days, op.timeZone, op.targetS, nameOf, placeOf, op.apologyRecovers, (hour) => op.openHours[hour] ?? true, translator(op.language));
  }
}
