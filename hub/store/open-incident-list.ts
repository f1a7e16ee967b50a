// The open incidents for the live view, kept on the journal's worker from one
// read to the next: only the incidents the worker wrote since the last read
// are read again. Reading all of them took ~3.5 ms a round with 400 open
// (their rows, their events, their JSON), several times a second while owners
// watch, on the same two cores as the event loop (docs/benchmarks-findings.md
// §17). The worker tells the list of every incident and event it commits
// (written()); whatever it cannot follow is read again whole: another
// connection's commit (SQLite's data_version: the trial data removed), the
// trial filter or the pagers' wearers changed.
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

  constructor(
    private readonly db: Db,
    private readonly reports: ReportQueries,
  ) {}

  /** Told of every write the worker commits (or tries to: a rolled-back one is read again, harmlessly). */
  wrote(op: WriteOp): void {
    if (op.op === 'incident') this.written.add(op.record.id);
    else if (op.op === 'event') this.written.add(op.event.incidentId);
  }

  /** The open incidents, oldest first; `names`: each pager's wearer now. `reports.showTrial` says whether trial incidents count. */
  read(names: Map<string, string>): OpenIncidentJson[] {
    const scope = `${this.reports.showTrial} ${JSON.stringify([...names])}`;
    // Changes only when another connection commits: this connection's own writes come through wrote().
    const dataVersion = this.db.pragma('data_version', { simple: true });
    const nameOf = (id: string) => actorName(id, (pager) => names.get(pager) ?? pager);
    if (scope !== this.scope || dataVersion !== this.dataVersion) {
      this.listed.clear();
      this.add(this.reports.openIncidents(), nameOf);
    } else {
      for (const id of this.written) {
        this.listed.delete(id);
        const open = this.reports.openIncident(id);
        if (open) this.add([open], nameOf);
      }
    }
    [this.scope, this.dataVersion] = [scope, dataVersion];
    this.written.clear();
    return [...this.listed.values()].sort(oldestFirst).map((listed) => listed.json);
  }

  private add(open: ReturnType<ReportQueries['openIncidents']>, nameOf: (id: string) => string): void {
    for (const view of openIncidentViews(open, nameOf)) this.listed.set(view.id, { openedAt: view.openedAt, json: incidentJson(view) });
  }
}
