// The day's complaint log: every incident opened on a local calendar day of
// the site, with who was paged, when it was delivered, acknowledged and
// resolved, plus the day's press counts.
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { DailyLog, DailyLogRow } from '../contract/api-types.js';
import type { ReportQueries } from '../store/report-queries.js';

export type { DailyLog, DailyLogRow };

export const DAILY_LOG_COLUMNS: (keyof DailyLogRow)[] = [
  'incident',
  'kind',
  'location',
  'openedAt',
  'presses',
  'paged',
  'delivered',
  'acknowledgedAt',
  'acknowledgedBy',
  'secondsToAcknowledge',
  'reachedAt',
  'secondsToReach',
  'escalations',
  'retriggers',
  'outcome',
  'cause',
  'resolvedAt',
  'resolvedBy',
];

/**
 * A text cell a spreadsheet would take for a formula (=, +, -, @, or a tab
 * or carriage return before one) gets a leading apostrophe, as OWASP's
 * advice on CSV injection has it: shown as text, never run.
 */
function neutralised(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The daily log's rows as CSV with a header, safe to open in a spreadsheet. */
export function dailyLogCsv(rows: DailyLogRow[]): string {
  const safe = rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, neutralised(value)])));
  return stringify(safe, { header: true, columns: DAILY_LOG_COLUMNS });
}

/** [start, end) of a local calendar day in ms; throws on a malformed date. */
export function dayBounds(date: string, timeZone: string): [number, number] {
  const start = DateTime.fromFormat(date, 'yyyy-MM-dd', { zone: timeZone });
  if (!start.isValid) throw new Error(`"${date}" is not a date of the form YYYY-MM-DD`);
  return [start.toMillis(), start.plus({ days: 1 }).toMillis()];
}

/**
 * `nameOf`: a pager's label now, only for rows logged before the hub kept
 * who wore the pager; every later row names the person as they were then.
 */
export function dailyLog(reports: ReportQueries, date: string, timeZone: string, nameOf: (deviceId: string) => string): DailyLog {
  const [start, end] = dayBounds(date, timeZone);
  const time = (ms: number | null) => (ms === null ? '' : DateTime.fromMillis(ms, { zone: timeZone }).toFormat('HH:mm:ss'));

  const rows = reports.incidentsOpenedIn(start, end).map(({ incident, events }): DailyLogRow => {
    const list = (type: string) =>
      events
        .filter((e) => e.type === type && e.pager)
        .map((e) => `${e.person ?? nameOf(e.pager!)} ${time(e.at)}`)
        .join('; ');
    return {
      incident: incident.id,
      kind: incident.kind,
      location: incident.label,
      openedAt: time(incident.opened_at),
      presses: incident.count,
      paged: list('paged'),
      delivered: list('delivered'),
      acknowledgedAt: time(incident.acknowledged_at),
      acknowledgedBy: incident.acknowledged_person ?? (incident.acknowledged_by ? nameOf(incident.acknowledged_by) : ''),
      secondsToAcknowledge: incident.acknowledged_at === null ? null : Math.round((incident.acknowledged_at - incident.opened_at) / 100) / 10,
      reachedAt: time(incident.reached_at),
      secondsToReach: incident.reached_at === null ? null : Math.round((incident.reached_at - incident.opened_at) / 100) / 10,
      escalations: events.filter((e) => e.type === 'escalated').length,
      retriggers: incident.retriggers,
      outcome: incident.outcome ?? (incident.resolved_at === null ? 'open' : ''),
      cause: incident.cause ?? '',
      resolvedAt: time(incident.resolved_at),
      resolvedBy: incident.resolved_person ?? (incident.resolved_by ? nameOf(incident.resolved_by) : ''),
    };
  });

  const presses = reports.pressTimes(start, end);
  const greensByHour = Array<number>(24).fill(0);
  for (const press of presses) {
    if (press.kind === 'green') greensByHour[DateTime.fromMillis(press.pressed_at, { zone: timeZone }).hour]++;
  }
  return {
    date,
    timeZone,
    redPresses: presses.filter((p) => p.kind === 'red').length,
    greenPresses: presses.filter((p) => p.kind === 'green').length,
    greensByHour,
    incidents: rows,
  };
}
