// The live "Today" view: open incidents with who was paged and what happened
// since, and today's counts.
import { DateTime } from 'luxon';
import type { Db } from '../store/database.js';
import { levelOf } from '../domain/incident-desk.js';
import { dayBounds } from './daily-log.js';
import type { OpenIncidentView, PagedPager, TodayView } from '../web/api-types.js';

interface EventRow {
  incident_id: number;
  type: string;
  pager: string | null;
  at: number;
  detail: string | null;
}

/** Paged pagers with their delivery, from an incident's events. */
export function pagedFrom(events: EventRow[], nameOf: (id: string) => string): PagedPager[] {
  const paged = new Map<string, PagedPager>();
  for (const e of events) {
    if (e.type === 'paged' && e.pager && !paged.has(e.pager)) {
      paged.set(e.pager, { pager: e.pager, name: nameOf(e.pager), pagedAt: e.at, level: levelOf(e.detail), deliveredAt: null });
    }
    if (e.type === 'delivered' && e.pager) {
      const p = paged.get(e.pager);
      if (p && p.deliveredAt === null) p.deliveredAt = e.at;
    }
  }
  return [...paged.values()];
}

export function todayView(db: Db, now: number, timeZone: string, nameOf: (id: string) => string, alarms: string[]): TodayView {
  const date = DateTime.fromMillis(now, { zone: timeZone }).toFormat('yyyy-MM-dd');
  const [start, end] = dayBounds(date, timeZone);
  const counts = db
    .prepare("SELECT SUM(kind = 'red') AS red, SUM(kind = 'green') AS green FROM presses WHERE pressed_at >= ? AND pressed_at < ?")
    .get(start, end) as { red: number | null; green: number | null };
  const incidents = db.prepare("SELECT COUNT(*) FROM incidents WHERE kind = 'red' AND opened_at >= ? AND opened_at < ?").pluck().get(start, end) as number;
  const rows = db.prepare('SELECT * FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at').all() as Record<string, unknown>[];
  const events = db.prepare('SELECT incident_id, type, pager, at, detail FROM incident_events WHERE incident_id = ? ORDER BY id');
  const open = rows.map((row): OpenIncidentView => {
    const rowEvents = events.all(row.id) as EventRow[];
    const paged = pagedFrom(rowEvents, nameOf);
    return {
      id: row.id as number,
      kind: row.kind as string,
      source: row.source as string,
      location: row.label as string,
      count: row.count as number,
      openedAt: row.opened_at as number,
      lastPressAt: row.last_press_at as number,
      level: row.level as number,
      paged,
      acknowledgedAt: row.acknowledged_at as number | null,
      acknowledgedBy: row.acknowledged_by ? nameOf(row.acknowledged_by as string) : null,
      holder: row.holder ? nameOf(row.holder as string) : null,
      retriggers: row.retriggers as number,
      unrouted: paged.length === 0,
    };
  });
  return { now, date, timeZone, red: counts.red ?? 0, green: counts.green ?? 0, incidents, open, alarms };
}
