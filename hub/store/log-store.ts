// The complaint log: presses, incidents and their events. Written by the
// journal's worker, read at start-up to restore open incidents.
import type { PressKind } from '../../shared/payloads.js';
import type { IncidentEvent, IncidentRecord } from '../domain/incident-desk.js';
import type { Db } from './database.js';

export interface PressRow {
  deviceId: string;
  seq: number;
  kind: PressKind;
  pressedAt: number;
  receivedAt: number;
  ageMs: number;
  incidentId: number | null;
  /** Made by the simulated shop: kept apart from the real history. */
  trial: boolean;
}

export interface OpenIncidentState {
  record: IncidentRecord;
  paged: Map<string, number>;
  delivered: Set<string>;
  seqs: number[];
}

/** An `incidents` row as SQLite returns it. */
export interface IncidentRow {
  id: number;
  kind: IncidentRecord['kind'];
  source: string;
  label: string;
  opened_at: number;
  last_press_at: number;
  count: number;
  level: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  acknowledged_person: string | null;
  holder: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolved_person: string | null;
  outcome: IncidentRecord['outcome'];
  cause: string | null;
  reached_at: number | null;
  note: string | null;
  retriggers: number;
  trial: number;
}

function toRecord(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    label: row.label,
    openedAt: row.opened_at,
    lastPressAt: row.last_press_at,
    count: row.count,
    level: row.level,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedPerson: row.acknowledged_person,
    holder: row.holder,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolvedPerson: row.resolved_person,
    outcome: row.outcome,
    cause: row.cause,
    reachedAt: row.reached_at,
    note: row.note,
    trial: row.trial === 1,
    retriggers: row.retriggers,
  };
}

export class LogStore {
  private readonly statements;

  constructor(readonly db: Db) {
    this.statements = {
      insertPress: db.prepare(
        `INSERT OR IGNORE INTO presses (device_id, seq, kind, pressed_at, received_at, age_ms, incident_id, trial)
         VALUES (@deviceId, @seq, @kind, @pressedAt, @receivedAt, @ageMs, @incidentId, @trial)`,
      ),
      markStaffPress: db.prepare('UPDATE presses SET by_staff = 1 WHERE device_id = ? AND seq = ?'),
      pressExists: db.prepare('SELECT 1 FROM presses WHERE device_id = ? AND seq = ?').pluck(),
      highestSeqs: db.prepare('SELECT device_id AS deviceId, MAX(seq) AS seq FROM presses GROUP BY device_id'),
      saveIncident: db.prepare(
        `INSERT INTO incidents (id, kind, source, label, opened_at, last_press_at, count, level, acknowledged_at,
           acknowledged_by, acknowledged_person, holder, resolved_at, resolved_by, resolved_person, outcome, cause, reached_at, note, retriggers, trial)
         VALUES (@id, @kind, @source, @label, @openedAt, @lastPressAt, @count, @level, @acknowledgedAt,
           @acknowledgedBy, @acknowledgedPerson, @holder, @resolvedAt, @resolvedBy, @resolvedPerson, @outcome, @cause, @reachedAt, @note, @retriggers, @trial)
         ON CONFLICT (id) DO UPDATE SET opened_at = excluded.opened_at, last_press_at = excluded.last_press_at, count = excluded.count,
           level = excluded.level, acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
           acknowledged_person = excluded.acknowledged_person, holder = excluded.holder, resolved_at = excluded.resolved_at,
           resolved_by = excluded.resolved_by, resolved_person = excluded.resolved_person, outcome = excluded.outcome,
           cause = excluded.cause, reached_at = excluded.reached_at, note = excluded.note, retriggers = excluded.retriggers`,
      ),
      insertEvent: db.prepare(
        'INSERT INTO incident_events (incident_id, at, type, pager, person, level, detail) VALUES (@incidentId, @at, @type, @pager, @person, @level, @detail)',
      ),
      openIncidents: db.prepare('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY id'),
      eventsOf: db.prepare("SELECT type, pager, level FROM incident_events WHERE incident_id = ? AND type IN ('paged', 'delivered') ORDER BY id"),
      seqsOf: db.prepare('SELECT seq FROM presses WHERE incident_id = ?').pluck(),
      trialCounts: db.prepare('SELECT (SELECT COUNT(*) FROM presses WHERE trial = 1) AS presses, (SELECT COUNT(*) FROM incidents WHERE trial = 1) AS incidents'),
      deleteTrialEvents: db.prepare('DELETE FROM incident_events WHERE incident_id IN (SELECT id FROM incidents WHERE trial = 1)'),
      deleteTrialIncidents: db.prepare('DELETE FROM incidents WHERE trial = 1'),
      deleteTrialPresses: db.prepare('DELETE FROM presses WHERE trial = 1'),
    };
  }

  // ---- presses and incidents (run inside a journal commit) ----------------

  insertPress(row: PressRow): void {
    this.statements.insertPress.run({ ...row, trial: row.trial ? 1 : 0 });
  }

  /** The press began staff's "reached the customer" chord: kept, but not a customer's. */
  markStaffPress(deviceId: string, seq: number): void {
    this.statements.markStaffPress.run(deviceId, seq);
  }

  pressExists(deviceId: string, seq: number): boolean {
    return this.statements.pressExists.get(deviceId, seq) !== undefined;
  }

  /** The highest stored sequence number of every device that has presses. */
  highestSeqs(): { deviceId: string; seq: number }[] {
    return this.statements.highestSeqs.all() as { deviceId: string; seq: number }[];
  }

  saveIncident(record: IncidentRecord): void {
    this.statements.saveIncident.run({ ...record, trial: record.trial ? 1 : 0 });
  }

  insertEvent(event: IncidentEvent): void {
    this.statements.insertEvent.run({ pager: null, person: null, level: null, detail: null, ...event });
  }

  /** How much trial data (the simulated shop's) the log holds. */
  trialCounts(): { presses: number; incidents: number } {
    return this.statements.trialCounts.get() as { presses: number; incidents: number };
  }

  /** Removes the trial data, in one transaction; returns what it removed. */
  deleteTrial(): { presses: number; incidents: number } {
    return this.db.transaction(() => {
      const counts = this.trialCounts();
      this.statements.deleteTrialEvents.run();
      this.statements.deleteTrialIncidents.run();
      this.statements.deleteTrialPresses.run();
      return counts;
    })();
  }

  /** Incidents left open by the last run, with who was paged and which presses they hold. */
  openIncidents(): OpenIncidentState[] {
    return (this.statements.openIncidents.all() as IncidentRow[]).map((row) => {
      const paged = new Map<string, number>();
      const delivered = new Set<string>();
      for (const event of this.statements.eventsOf.all(row.id) as { type: string; pager: string | null; level: number | null }[]) {
        if (event.type === 'paged' && event.pager) paged.set(event.pager, event.level ?? 1);
        if (event.type === 'delivered' && event.pager) delivered.add(event.pager);
      }
      return { record: toRecord(row), paged, delivered, seqs: this.statements.seqsOf.all(row.id) as number[] };
    });
  }
}
