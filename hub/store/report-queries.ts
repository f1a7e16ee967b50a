// What the owner's views read, prepared once per connection. Each view runs a
// fixed number of queries however many incidents there are: the events of
// many incidents come in one query, grouped here.
import type { Db } from './database.js';
import type { IncidentRow } from './log-store.js';

export type { IncidentRow };
import type { PressKind } from '../../shared/payloads.js';

/** A "paged", "delivered" or "escalated" event; `level` for paged and escalated. */
export interface RoutingEvent {
  incident_id: number;
  type: 'paged' | 'delivered' | 'escalated';
  pager: string | null;
  /** Who wore the pager then (null in logs from before people were recorded). */
  person: string | null;
  at: number;
  level: number | null;
}

export interface HistoryEvent {
  at: number;
  type: string;
  pager: string | null;
  person: string | null;
  level: number | null;
  detail: string | null;
}

export interface IncidentFilter {
  sources?: string[];
  kind?: string;
  /** An outcome, or "open" for unresolved ones. */
  outcome?: string;
  cause?: string;
  person?: string;
}

export type RedIncidentTimes = Pick<IncidentRow, 'opened_at' | 'acknowledged_at' | 'acknowledged_by' | 'acknowledged_person' | 'reached_at' | 'resolved_at' | 'outcome' | 'cause'>;

export interface PressTime {
  kind: PressKind;
  pressed_at: number;
}

function byIncident(events: RoutingEvent[]): Map<number, RoutingEvent[]> {
  const grouped = new Map<number, RoutingEvent[]>();
  for (const event of events) {
    const list = grouped.get(event.incident_id);
    if (list) list.push(event);
    else grouped.set(event.incident_id, [event]);
  }
  return grouped;
}

const ROUTING = "e.type IN ('paged', 'delivered', 'escalated')";

export class ReportQueries {
  private readonly statements;
  /**
   * Show the simulated shop's trial data too: while it runs, its presses and
   * incidents are what there is to see; once real devices are configured,
   * the views show the real history only.
   */
  showTrial = false;

  private get trial(): number {
    return this.showTrial ? 1 : 0;
  }

  /** The filtered history's statements, one per combination of filters used (at most 2⁵), prepared once. */
  private readonly matching = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {
    this.statements = {
      // Customers' presses only: a press that began staff's "reached the customer" chord is kept but not counted.
      pressCounts: db.prepare("SELECT SUM(kind = 'red') AS red, SUM(kind = 'green') AS green FROM presses WHERE pressed_at >= ? AND pressed_at < ? AND by_staff = 0 AND trial <= ?"),
      // A customer is a burst: presses of one kind at one button with no gap longer than the burst gap between them.
      customerCounts: db.prepare(
        `SELECT SUM(kind = 'red') AS red, SUM(kind = 'green') AS green FROM (
           SELECT kind, pressed_at - LAG(pressed_at) OVER (PARTITION BY device_id, kind ORDER BY pressed_at) AS gap
           FROM presses WHERE pressed_at >= ? AND pressed_at < ? AND by_staff = 0 AND trial <= ?
         ) WHERE gap IS NULL OR gap > ?`,
      ),
      pressTimes: db.prepare('SELECT kind, pressed_at FROM presses WHERE pressed_at >= ? AND pressed_at < ? AND by_staff = 0 AND trial <= ?'),
      redIncidentCount: db.prepare("SELECT COUNT(*) FROM incidents WHERE kind = 'red' AND opened_at >= ? AND opened_at < ? AND trial <= ?").pluck(),
      // The columns the analytics read, not all 21: making 6 000 rows of 90 days into objects of every column took 39 ms, of these 15.
      redIncidents: db.prepare(
        "SELECT opened_at, acknowledged_at, acknowledged_by, acknowledged_person, reached_at, resolved_at, outcome, cause FROM incidents WHERE kind = 'red' AND opened_at >= ? AND opened_at < ? AND trial <= ?",
      ),
      // The open incidents through their partial index, and their events through theirs: left to itself, SQLite walked
      // every incident ever opened (for the order) and every event ever written (to join them) — the live view asks
      // several times a second, and a year-old shop has ~25 000 incidents and ~100 000 events (11 ms a view, not 3).
      openIncidents: db.prepare('SELECT * FROM incidents INDEXED BY incidents_open WHERE resolved_at IS NULL AND trial <= ? ORDER BY opened_at, id'),
      openIncidentEvents: db.prepare(
        `SELECT e.incident_id, e.type, e.pager, e.person, e.at, e.level FROM incident_events e
         WHERE e.incident_id IN (SELECT id FROM incidents WHERE resolved_at IS NULL AND trial <= ?) AND ${ROUTING} ORDER BY e.id`,
      ),
      incidentsOpenedIn: db.prepare('SELECT * FROM incidents WHERE opened_at >= ? AND opened_at < ? AND trial <= ? ORDER BY opened_at, id'),
      eventsOfIncidentsOpenedIn: db.prepare(
        `SELECT e.incident_id, e.type, e.pager, e.person, e.at, e.level FROM incident_events e JOIN incidents i ON i.id = e.incident_id
         WHERE i.opened_at >= ? AND i.opened_at < ? AND i.trial <= ? AND ${ROUTING} ORDER BY e.id`,
      ),
      openDeviceProblems: db.prepare("SELECT source, kind FROM incidents WHERE resolved_at IS NULL AND kind IN ('missing', 'battery')"),
      incident: db.prepare('SELECT * FROM incidents WHERE id = ?'),
      openIncident: db.prepare('SELECT * FROM incidents WHERE id = ? AND resolved_at IS NULL AND trial <= ?'),
      routingEventsOf: db.prepare(`SELECT e.incident_id, e.type, e.pager, e.person, e.at, e.level FROM incident_events e WHERE e.incident_id = ? AND ${ROUTING} ORDER BY e.id`),
      pressesByDevice: db.prepare(
        "SELECT device_id AS deviceId, SUM(kind = 'red') AS red, SUM(kind = 'green') AS green FROM presses WHERE pressed_at >= ? AND pressed_at < ? AND by_staff = 0 AND trial <= ? GROUP BY device_id",
      ),
      historyOf: db.prepare('SELECT at, type, pager, person, level, detail FROM incident_events WHERE incident_id = ? ORDER BY id'),
    };
  }

  /** Customers rather than presses: a burst of one kind at one button, each press within `gapMs` of the one before, counts once. */
  customerCounts(from: number, to: number, gapMs: number): { red: number; green: number } {
    const counts = this.statements.customerCounts.get(from, to, this.trial, gapMs) as { red: number | null; green: number | null };
    return { red: counts.red ?? 0, green: counts.green ?? 0 };
  }

  /** Customers' presses per button in [from, to). */
  pressesByDevice(from: number, to: number): { deviceId: string; red: number; green: number }[] {
    return this.statements.pressesByDevice.all(from, to, this.trial) as { deviceId: string; red: number; green: number }[];
  }

  pressCounts(from: number, to: number): { red: number; green: number } {
    const counts = this.statements.pressCounts.get(from, to, this.trial) as { red: number | null; green: number | null };
    return { red: counts.red ?? 0, green: counts.green ?? 0 };
  }

  pressTimes(from: number, to: number): PressTime[] {
    return this.statements.pressTimes.all(from, to, this.trial) as PressTime[];
  }

  redIncidentCount(from: number, to: number): number {
    return this.statements.redIncidentCount.get(from, to, this.trial) as number;
  }

  /** Red incidents opened in [from, to): when they were acknowledged, reached and resolved, by whom, how and why. */
  redIncidents(from: number, to: number): RedIncidentTimes[] {
    return this.statements.redIncidents.all(from, to, this.trial) as RedIncidentTimes[];
  }

  /** Open incidents, oldest first, each with its routing events in order. */
  openIncidents(): { incident: IncidentRow; events: RoutingEvent[] }[] {
    const events = byIncident(this.statements.openIncidentEvents.all(this.trial) as RoutingEvent[]);
    return (this.statements.openIncidents.all(this.trial) as IncidentRow[]).map((incident) => ({ incident, events: events.get(incident.id) ?? [] }));
  }

  /** One incident with its routing events in order, if it is open (and shown: trial or not). */
  openIncident(id: number): { incident: IncidentRow; events: RoutingEvent[] } | null {
    const incident = this.statements.openIncident.get(id, this.trial) as IncidentRow | undefined;
    return incident ? { incident, events: this.statements.routingEventsOf.all(id) as RoutingEvent[] } : null;
  }

  /** Incidents opened in [from, to), each with its routing events in order. */
  incidentsOpenedIn(from: number, to: number): { incident: IncidentRow; events: RoutingEvent[] }[] {
    const events = byIncident(this.statements.eventsOfIncidentsOpenedIn.all(from, to, this.trial) as RoutingEvent[]);
    return (this.statements.incidentsOpenedIn.all(from, to, this.trial) as IncidentRow[]).map((incident) => ({ incident, events: events.get(incident.id) ?? [] }));
  }

  /** One incident and every event of it, in order; undefined when there is none. */
  incident(id: number): { incident: IncidentRow; history: HistoryEvent[] } | undefined {
    const incident = this.statements.incident.get(id) as IncidentRow | undefined;
    return incident && { incident, history: this.statements.historyOf.all(id) as HistoryEvent[] };
  }

  /**
   * Incidents opened in [from, to) that match every filter given (sources:
   * any of these buttons; person: acknowledged or resolved by them), oldest
   * first. Built from fixed clauses, values always bound: no filter text
   * reaches the SQL.
   */
  incidentsMatching(from: number, to: number, filter: IncidentFilter): IncidentRow[] {
    const clauses = ['opened_at >= @from', 'opened_at < @to', 'trial <= @trial'];
    const values: Record<string, unknown> = { from, to, trial: this.trial };
    if (filter.sources) {
      clauses.push('source IN (SELECT value FROM json_each(@sources))');
      values.sources = JSON.stringify(filter.sources);
    }
    if (filter.kind) {
      clauses.push('kind = @kind');
      values.kind = filter.kind;
    }
    if (filter.outcome) {
      clauses.push(filter.outcome === 'open' ? 'resolved_at IS NULL' : 'outcome = @outcome');
      values.outcome = filter.outcome;
    }
    if (filter.cause) {
      clauses.push('cause = @cause');
      values.cause = filter.cause;
    }
    if (filter.person) {
      clauses.push('(acknowledged_person = @person OR resolved_person = @person)');
      values.person = filter.person;
    }
    const sql = `SELECT * FROM incidents WHERE ${clauses.join(' AND ')} ORDER BY opened_at, id`;
    let statement = this.matching.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.matching.set(sql, statement);
    }
    return statement.all(values) as IncidentRow[];
  }

  openDeviceProblems(): { source: string; kind: string }[] {
    return this.statements.openDeviceProblems.all() as { source: string; kind: string }[];
  }
}
