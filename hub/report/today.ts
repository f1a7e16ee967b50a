// The live "Today" view: open incidents with who was paged and what happened
// since, and today's counts. Its facts come from a fixed number of queries
// (store/read-ops.ts), however many incidents are open, run on the journal's
// thread so that making the view never holds up a press.
import { DateTime } from 'luxon';
import type { OpenIncidentView, PagedPager, TodayView } from '../contract/api-types.js';
import type { TodayFacts } from '../store/read-ops.js';
import type { RoutingEvent } from '../store/report-queries.js';
import { dayBounds } from './daily-log.js';

/** Presses of one kind at one button closer together than this are one customer (repeat presses: HappyOrNot filters them too). */
export const CUSTOMER_GAP_MS = 30_000;

/** The local day `now` falls in: its date and its bounds [from, to). */
export function today(now: number, timeZone: string): { date: string; from: number; to: number } {
  const date = DateTime.fromMillis(now, { zone: timeZone }).toFormat('yyyy-MM-dd');
  const [from, to] = dayBounds(date, timeZone);
  return { date, from, to };
}

/** Paged pagers with their delivery, from an incident's events. */
function pagedFrom(events: RoutingEvent[], nameOf: (id: string) => string): PagedPager[] {
  const paged = new Map<string, PagedPager>();
  for (const e of events) {
    if (e.type === 'paged' && e.pager && !paged.has(e.pager)) {
      paged.set(e.pager, { pager: e.pager, name: e.person ?? nameOf(e.pager), pagedAt: e.at, level: e.level ?? 1, deliveredAt: null });
    }
    if (e.type === 'delivered' && e.pager) {
      const p = paged.get(e.pager);
      if (p && p.deliveredAt === null) p.deliveredAt = e.at;
    }
  }
  return [...paged.values()];
}

/** The view of `facts` for the day of `now`, names and alarms in the reader's words. */
export function todayView(facts: TodayFacts, now: number, timeZone: string, nameOf: (id: string) => string, alarms: string[]): TodayView {
  const open = facts.open.map(({ incident, events }): OpenIncidentView => {
    const paged = pagedFrom(events, nameOf);
    return {
      id: incident.id,
      kind: incident.kind,
      source: incident.source,
      location: incident.label,
      count: incident.count,
      openedAt: incident.opened_at,
      lastPressAt: incident.last_press_at,
      level: incident.level,
      paged,
      acknowledgedAt: incident.acknowledged_at,
      acknowledgedBy: incident.acknowledged_person ?? (incident.acknowledged_by ? nameOf(incident.acknowledged_by) : null),
      holder: incident.holder ? nameOf(incident.holder) : null,
      reachedAt: incident.reached_at,
      retriggers: incident.retriggers,
      unrouted: paged.length === 0,
    };
  });
  const { date } = today(now, timeZone);
  return { now, date, timeZone, red: facts.red, green: facts.green, customers: facts.customers, incidents: facts.incidents, open, alarms };
}
