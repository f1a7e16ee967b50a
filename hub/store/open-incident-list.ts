// The open incidents for the live view, kept on the journal's worker from one
// read to the next: only the incidents the worker wrote since the last read
// are read again. Reading all of them took ~3.5 ms a round with 400 open
// (their rows, their events, their JSON), several times a second while owners
// watch, on the same two cores as the event loop (docs/benchmarks-findings.md
// §17). The worker tells the list of every incident and event it commits
// (written()); whatever it cannot follow is read again whole: another
// connection's commit (SQLite's data_version: the trial data removed), the
// trial filter or the pagers' wearers changed.
//
// What crosses to the event loop is what changed too: each change of the
// list has a version, and a read answers with the ids in order and only the
// incidents changed since the version the asker holds (today-reader.ts keeps
// the rest). Four hundred incidents' JSON sent whole ten times a second was
// ~3 MB/s of strings made on the event loop, kept a round and then garbage —
// full collections every few seconds with a 1 MiB young generation.
import type { OpenIncidentView } from '../contract/api-types.js';
import { actorName } from '../domain/incident-desk.js';
import { openIncidentViews } from '../report/open-incidents.js';
import type { Db } from './database.js';
import type { ReportQueries } from './report-queries.js';
import type { WriteOp } from './write-ops.js';

export interface OpenIncidentJson {
  id: number;
  /** The whole `OpenIncidentView`. */
  json: string;
  /** What changes at every press (its id, count and last press), and the rest: a press changes only the pulse. */
  pulse: string;
  steady: string;
}

interface Listed {
  openedAt: number;
  json: OpenIncidentJson;
  /** The list's version when this incident was added or last changed. */
  version: number;
}

/** The open incidents as an asker holding `since` needs them. */
export interface OpenIncidentChanges {
  /** The list's version now: the asker holds it after applying this. */
  version: number;
  /** Every open incident's id, oldest first. */
  order: number[];
  /** The incidents added or changed after `since`: every one when the list was read whole since (or `since` is unknown). */
  changed: OpenIncidentJson[];
}

/** An incident as JSON text, in the two parts that change at different paces (and whole, made of them). */
function incidentJson(view: OpenIncidentView): OpenIncidentJson {
  const { id, count, lastPressAt, ...rest } = view;
  const pulse = JSON.stringify({ id, count, lastPressAt });
  const steady = JSON.stringify(rest);
  return { id, json: `${pulse.slice(0, -1)},${steady.slice(1)}`, pulse, steady };
}

const oldestFirst = (a: Listed, b: Listed) => a.openedAt - b.openedAt || a.json.id - b.json.id;

export class OpenIncidentList {
  private readonly listed = new Map<number, Listed>();
  /** Incidents written since the last read. */
  private readonly written = new Set<number>();
  /** The trial filter and the wearers the list was made with; empty until the first read. */
  private scope = '';
  private dataVersion: unknown = null;
  /** Bumped at every incident added or changed (one gone is missing from the order). */
  private version = 0;
  /** The version of the last read whole: an asker holding an older one gets everything. */
  private wholeAt = 0;

  constructor(
    private readonly db: Db,
    private readonly reports: ReportQueries,
  ) {}

  /** Told of every write the worker commits (or tries to: a rolled-back one is read again, harmlessly). */
  wrote(op: WriteOp): void {
    if (op.op === 'incident') this.written.add(op.record.id);
    else if (op.op === 'event') this.written.add(op.event.incidentId);
  }

  /**
   * The open incidents, oldest first, for an asker holding the list's
   * version `since` (0: nothing); `names`: each pager's wearer now.
   * `reports.showTrial` says whether trial incidents count.
   */
  read(names: Map<string, string>, since: number): OpenIncidentChanges {
    const scope = `${this.reports.showTrial} ${JSON.stringify([...names])}`;
    // Changes only when another connection commits: this connection's own writes come through wrote().
    const dataVersion = this.db.pragma('data_version', { simple: true });
    const nameOf = (id: string) => actorName(id, (pager) => names.get(pager) ?? pager);
    if (scope !== this.scope || dataVersion !== this.dataVersion) {
      this.listed.clear();
      this.wholeAt = ++this.version;
      this.add(this.reports.openIncidents(), nameOf, this.wholeAt);
    } else {
      for (const id of this.written) {
        const open = this.reports.openIncident(id);
        if (open) this.add([open], nameOf);
        else this.listed.delete(id);
      }
    }
    [this.scope, this.dataVersion] = [scope, dataVersion];
    this.written.clear();
    const listed = [...this.listed.values()].sort(oldestFirst);
    const whole = since < this.wholeAt || since > this.version;
    return {
      version: this.version,
      order: listed.map((item) => item.json.id),
      changed: listed.filter((item) => whole || item.version > since).map((item) => item.json),
    };
  }

  /** Each as it is now, at `version` or a new one each; one that is the same as listed keeps its version. */
  private add(open: ReturnType<ReportQueries['openIncidents']>, nameOf: (id: string) => string, version?: number): void {
    for (const view of openIncidentViews(open, nameOf)) {
      const json = incidentJson(view);
      if (this.listed.get(view.id)?.json.json === json.json) continue;
      this.listed.set(view.id, { openedAt: view.openedAt, json, version: version ?? ++this.version });
    }
  }
}
