// History over any date range: the incidents that match the filters (a page
// at a time), and totals per day, week or month in the site's time zone —
// how many, how many recovered, how fast staff reacted. Periods are cut at
// local midnights (a day with a clock change is 23 or 25 hours, as it was).
import { DateTime } from 'luxon';
import type { HistoryView } from '../contract/api-types.js';
import type { IncidentFilter, IncidentRow, ReportQueries } from '../store/report-queries.js';
import { dayBounds } from './daily-log.js';
import { wonBack } from './analytics.js';
import { percentile } from './stats.js';
import { textTable } from './text-table.js';
import { CUSTOMER_GAP_MS } from './today.js';
import { english, type Translate } from '../i18n/translate.js';

export type Period = 'day' | 'week' | 'month';

export const HISTORY_PAGE = 200;

export interface HistoryQuery extends IncidentFilter {
  /** Local dates, inclusive. */
  from: string;
  to: string;
  per: Period;
  page: number;
}

/** The starts of each period from `first` until past `end` (ms), local midnights. */
function periodStarts(first: DateTime, end: number, per: Period): number[] {
  const starts: number[] = [];
  for (let t = first.startOf(per === 'week' ? 'week' : per); t.toMillis() < end; t = t.plus({ [per + 's']: 1 })) starts.push(t.toMillis());
  return starts;
}

/** Index of the period `ms` falls in (the last start at or before it). */
function periodOf(starts: number[], ms: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= ms) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function historyView(reports: ReportQueries, query: HistoryQuery, timeZone: string, nameOf: (id: string) => string, apologyRecovers = true): HistoryView {
  const [from] = dayBounds(query.from, timeZone);
  const [, to] = dayBounds(query.to, timeZone);
  if (to <= from) throw new Error(`the range ends (${query.to}) before it begins (${query.from})`);
  const rows = reports.incidentsMatching(from, to, query);
  const starts = periodStarts(DateTime.fromMillis(from, { zone: timeZone }), to, query.per);
  const groups = starts.map(() => [] as IncidentRow[]);
  for (const row of rows) groups[periodOf(starts, row.opened_at)].push(row);
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  const totals = starts.map((start, i) => {
    const group = groups[i];
    const [periodFrom, periodTo] = [Math.max(start, from), Math.min(starts[i + 1] ?? to, to)];
    const acknowledged = group.filter((r) => r.acknowledged_at !== null).map((r) => (r.acknowledged_at! - r.opened_at) / 1000);
    const reached = group.filter((r) => r.reached_at !== null).map((r) => (r.reached_at! - r.opened_at) / 1000);
    const resolved = group.filter((r) => r.resolved_at !== null && r.outcome !== null);
    return {
      period: DateTime.fromMillis(periodFrom, { zone: timeZone }).toFormat('yyyy-MM-dd'),
      // Presses, and the customers behind them (a burst at one button is one customer's).
      presses: reports.pressCounts(periodFrom, periodTo),
      customers: reports.customerCounts(periodFrom, periodTo, CUSTOMER_GAP_MS),
      incidents: group.length,
      resolved: resolved.length,
      recovered: resolved.filter((r) => wonBack(r.outcome!, apologyRecovers)).length,
      medianAcknowledgeS: round(percentile(acknowledged, 50)),
      medianReachS: round(percentile(reached, 50)),
    };
  });
  const pages = Math.max(1, Math.ceil(rows.length / HISTORY_PAGE));
  const page = Math.min(Math.max(1, query.page), pages);
  const local = (ms: number | null) => (ms === null ? null : DateTime.fromMillis(ms, { zone: timeZone }).toISO({ suppressMilliseconds: true }));
  return {
    from: query.from,
    to: query.to,
    timeZone,
    per: query.per,
    total: rows.length,
    page,
    pages,
    totals,
    incidents: rows.slice((page - 1) * HISTORY_PAGE, page * HISTORY_PAGE).map((r) => ({
      id: r.id,
      kind: r.kind,
      source: r.source,
      location: r.label,
      opened: local(r.opened_at)!,
      presses: r.count,
      acknowledgedBy: r.acknowledged_person ?? (r.acknowledged_by ? nameOf(r.acknowledged_by) : null),
      secondsToAcknowledge: r.acknowledged_at === null ? null : round((r.acknowledged_at - r.opened_at) / 1000),
      secondsToReach: r.reached_at === null ? null : round((r.reached_at - r.opened_at) / 1000),
      outcome: r.outcome ?? (r.resolved_at === null ? 'open' : null),
      cause: r.cause,
      resolvedBy: r.resolved_person ?? (r.resolved_by ? nameOf(r.resolved_by) : null),
    })),
  };
}

/** The totals as a table for a terminal. */
export function totalsTable(view: HistoryView, t: Translate = english): string {
  const header = [view.per === 'day' ? t('Day') : view.per === 'week' ? t('Week of') : t('Month of'), t('Incidents'), t('Resolved'), t('Recovered'), t('Median to acknowledge'), t('Median to reach')];
  const seconds = (s: number | null) => (s === null ? '' : t('{{n}} s', { n: s }));
  const rows = view.totals.map((total) => [total.period, String(total.incidents), String(total.resolved), String(total.recovered), seconds(total.medianAcknowledgeS), seconds(total.medianReachS)]);
  return textTable(header, rows, { right: header.map((_, i) => i > 0) });
}
