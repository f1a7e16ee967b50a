// Analytics over the last N days: when complaints and praise come, how fast
// staff react, how often within the target, how often the customer is won back.
import { DateTime } from 'luxon';
import { percentile } from './stats.js';
import type { AnalyticsView, ReactionStats } from '../contract/api-types.js';
import type { ReportQueries } from '../store/report-queries.js';

function stats(key: string, seconds: number[]): ReactionStats {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { key, incidents: seconds.length, medianS: round(percentile(seconds, 50)), p95S: round(percentile(seconds, 95)) };
}

export function analyticsView(reports: ReportQueries, now: number, days: number, timeZone: string, targetS: number, nameOf: (id: string) => string): AnalyticsView {
  const end = DateTime.fromMillis(now, { zone: timeZone }).startOf('day').plus({ days: 1 });
  const start = end.minus({ days });
  const [from, to] = [start.toMillis(), end.toMillis()];
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone });

  const grid = () => Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  const heatmap = { red: grid(), green: grid() };
  const presses = reports.pressTimes(from, to);
  for (const press of presses) {
    const t = local(press.pressed_at);
    heatmap[press.kind][t.weekday - 1][t.hour]++;
  }

  const incidents = reports.redIncidents(from, to);
  const byStaff = new Map<string, number[]>();
  const byHour = new Map<number, number[]>();
  const toAcknowledge: number[] = [];
  const toReach: number[] = [];
  let within = 0;
  let resolved = 0;
  let recovered = 0;
  for (const incident of incidents) {
    if (incident.acknowledged_at !== null) {
      const seconds = (incident.acknowledged_at - incident.opened_at) / 1000;
      toAcknowledge.push(seconds);
      if (seconds <= targetS) within++;
      // The person as the log kept them; a pager's label now only for rows from before people were recorded.
      const staff = incident.acknowledged_person ?? (incident.acknowledged_by ? nameOf(incident.acknowledged_by) : 'unknown');
      byStaff.set(staff, [...(byStaff.get(staff) ?? []), seconds]);
      const hour = local(incident.opened_at).hour;
      byHour.set(hour, [...(byHour.get(hour) ?? []), seconds]);
    }
    if (incident.reached_at !== null) toReach.push((incident.reached_at - incident.opened_at) / 1000);
    if (incident.resolved_at !== null && incident.outcome) {
      resolved++;
      if (incident.outcome !== 'left') recovered++;
    }
  }
  return {
    days,
    from: start.toFormat('yyyy-MM-dd'),
    to: end.minus({ days: 1 }).toFormat('yyyy-MM-dd'),
    timeZone,
    targetS,
    heatmap,
    byStaff: [...byStaff].map(([key, seconds]) => stats(key, seconds)).sort((a, b) => a.key.localeCompare(b.key)),
    byHour: [...byHour].sort((a, b) => a[0] - b[0]).map(([hour, seconds]) => stats(String(hour).padStart(2, '0') + ':00', seconds)),
    toAcknowledge: stats('acknowledged on the pager', toAcknowledge),
    toReach: stats('at the customer', toReach),
    redIncidents: incidents.length,
    withinTarget: incidents.length === 0 ? null : within / incidents.length,
    recovered: resolved === 0 ? null : recovered / resolved,
  };
}
