// The open incidents as the owner's "Today" view shows them: who was paged,
// whether it arrived, who holds it. Made on the journal's worker thread
// (store/read-ops.ts) as JSON text, so the event loop only splices it in.
import type { OpenIncidentView, PagedPager } from '../contract/api-types.js';
import type { IncidentRow, RoutingEvent } from '../store/report-queries.js';

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

/** `nameOf`: a pager's wearer or a dashboard user, by name. */
export function openIncidentViews(open: { incident: IncidentRow; events: RoutingEvent[] }[], nameOf: (id: string) => string): OpenIncidentView[] {
  return open.map(({ incident, events }): OpenIncidentView => {
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
}
