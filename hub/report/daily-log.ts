// The day's complaint log: every incident opened on a local calendar day of
// the site, with who was paged, when it was delivered, acknowledged and
// resolved, plus the day's press counts.
import { DateTime } from 'luxon';
import type { DailyLog, DailyLogRow } from '../contract/api-types.js';
import type { ReportQueries } from '../store/report-queries.js';
import { localHours } from './local-hours.js';
import { textTable } from './text-table.js';
import { english, type Translate } from '../i18n/translate.js';
import { KIND_WORDS, OUTCOME_WORDS } from '../i18n/words.js';

export type { DailyLog, DailyLogRow };

/** "today" and "yesterday" in the site's time zone; anything else as given. */
export function namedDate(date: string, timeZone: string, now: number): string {
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf('day');
  if (date === 'today') return today.toFormat('yyyy-MM-dd');
  if (date === 'yesterday') return today.minus({ days: 1 }).toFormat('yyyy-MM-dd');
  return date;
}

/** The day's incidents as a table for a terminal: the columns an owner reads, aligned, within about 110 characters. */
export function logTable(log: DailyLog, t: Translate = english): string {
  const header = ['#', t('Time'), t('Place'), t('What'), t('Presses'), t('Taken by'), t('To acknowledge'), t('Outcome'), t('Why')];
  const rows = log.incidents.map((r) => [
    String(r.incident),
    r.openedAt,
    r.location,
    t(KIND_WORDS[r.kind] ?? r.kind),
    String(r.presses),
    r.acknowledgedBy,
    r.secondsToAcknowledge === null ? '' : t('{{n}} s', { n: r.secondsToAcknowledge }),
    t(OUTCOME_WORDS[r.outcome] ?? r.outcome),
    r.cause,
  ]);
  return textTable(header, rows, { maxWidth: 24, rule: true });
}

/** [start, end) of a local calendar day in ms; throws on a malformed date. */
export function dayBounds(date: string, timeZone: string): [number, number] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`"${date}" is not a date of the form YYYY-MM-DD (or today, yesterday)`);
  const start = DateTime.fromFormat(date, 'yyyy-MM-dd', { zone: timeZone });
  if (!start.isValid) throw new Error(`"${date}" is not a day of the calendar: months run 01-12, days as far as the month has`);
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
      openedIso: DateTime.fromMillis(incident.opened_at, { zone: timeZone }).toISO({ suppressMilliseconds: true })!,
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
  const localHourOf = localHours(timeZone);
  for (const press of presses) {
    if (press.kind === 'green') greensByHour[localHourOf(press.pressed_at).hour]++;
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
