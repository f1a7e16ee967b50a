// Analytics over the last N days: when complaints and praise come, how fast
// staff react, how often within the target, how often the customer is won back.
import { DateTime } from 'luxon';
import { localHours } from './local-hours.js';
import { percentile } from './stats.js';
import type { AnalyticsView, PressShare, ReactionStats } from '../contract/api-types.js';
import type { ReportQueries } from '../store/report-queries.js';
import { english, type Translate } from '../i18n/translate.js';

function stats(key: string, seconds: number[]): ReactionStats {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { key, incidents: seconds.length, medianS: round(percentile(seconds, 50)), p95S: round(percentile(seconds, 95)) };
}

/** A resolved complaint won back: any outcome but "the customer left"; an apology alone only when the owner counts it (`apologyRecovers`). */
export function wonBack(outcome: string, apologyRecovers: boolean): boolean {
  return outcome !== 'left' && (apologyRecovers || outcome !== 'apologised');
}

function share(red: number, green: number): PressShare {
  return { red, green, redShare: red + green === 0 ? null : red / (red + green) };
}

const percentText = (value: number) => `${Math.round(value * 100)} %`;

/** The change in words: the unhappy share now against before, the most common cause and the place with most unhappy presses. */
export function summarize(days: number, now: PressShare, before: PressShare, topCause: string | null, topPlace: string | null, t: Translate = english): string {
  const today = days === 1;
  if (now.redShare === null) return today ? t("No presses today yet: each customer's RED or GREEN press will show here.") : t("No presses in the last {{days}} days yet: each customer's RED or GREEN press will show here.", { days });
  let sentence: string;
  if (before.redShare === null) {
    const values = { days, now: percentText(now.redShare) };
    sentence = today ? t('Unhappy presses were {{now}} today (nothing to compare with before).', values) : t('Unhappy presses were {{now}} in the last {{days}} days (nothing to compare with before).', values);
  } else {
    const [a, b] = [Math.round(before.redShare * 100), Math.round(now.redShare * 100)];
    const values = { days, before: `${a} %`, now: `${b} %` };
    if (b < a) sentence = today ? t('Unhappy presses fell from {{before}} to {{now}} today, against the day before.', values) : t('Unhappy presses fell from {{before}} to {{now}} in the last {{days}} days, against the {{days}} days before.', values);
    else if (b > a) sentence = today ? t('Unhappy presses rose from {{before}} to {{now}} today, against the day before.', values) : t('Unhappy presses rose from {{before}} to {{now}} in the last {{days}} days, against the {{days}} days before.', values);
    else sentence = today ? t('Unhappy presses stayed at {{now}} today, against the day before.', values) : t('Unhappy presses stayed at {{now}} in the last {{days}} days, against the {{days}} days before.', values);
  }
  if (topCause && topPlace) return `${sentence} ${t('Most complaints were about {{cause}}; most unhappy presses were at {{place}}.', { cause: topCause, place: topPlace })}`;
  if (topCause) return `${sentence} ${t('Most complaints were about {{cause}}.', { cause: topCause })}`;
  if (topPlace && now.red > 0) return `${sentence} ${t('Most unhappy presses were at {{place}}.', { place: topPlace })}`;
  return sentence;
}

export function analyticsView(
  reports: ReportQueries,
  now: number,
  days: number,
  timeZone: string,
  targetS: number,
  nameOf: (id: string) => string,
  placeOf: (deviceId: string) => string = (id) => id,
  apologyRecovers = true,
  /** Whether the site is open in this local hour (0-23) on any day; all hours when unknown. */
  openInHour: (hour: number) => boolean = () => true,
  t: Translate = english,
): AnalyticsView {
  const end = DateTime.fromMillis(now, { zone: timeZone }).startOf('day').plus({ days: 1 });
  const start = end.minus({ days });
  const [from, to] = [start.toMillis(), end.toMillis()];
  const localHourOf = localHours(timeZone);

  const grid = () => Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  const heatmap = { red: grid(), green: grid() };
  const presses = reports.pressTimes(from, to);
  for (const press of presses) {
    const t = localHourOf(press.pressed_at);
    heatmap[press.kind][t.weekday - 1][t.hour]++;
  }

  const incidents = reports.redIncidents(from, to);
  const byStaff = new Map<string, number[]>();
  const byHour = new Map<number, number[]>();
  const into = <K>(map: Map<K, number[]>, key: K, seconds: number) => {
    const list = map.get(key);
    if (list) list.push(seconds);
    else map.set(key, [seconds]);
  };
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
      into(byStaff, staff, seconds);
      into(byHour, localHourOf(incident.opened_at).hour, seconds);
    }
    if (incident.reached_at !== null) toReach.push((incident.reached_at - incident.opened_at) / 1000);
    if (incident.resolved_at !== null && incident.outcome) {
      resolved++;
      if (wonBack(incident.outcome, apologyRecovers)) recovered++;
    }
  }
  // The change: these days against as many before them, overall and per place.
  const byPlace = new Map<string, { now: [number, number]; before: [number, number] }>();
  const add = (rows: { deviceId: string; red: number; green: number }[], which: 'now' | 'before') => {
    for (const row of rows) {
      const place = placeOf(row.deviceId);
      const entry = byPlace.get(place) ?? { now: [0, 0], before: [0, 0] };
      entry[which] = [entry[which][0] + row.red, entry[which][1] + row.green];
      byPlace.set(place, entry);
    }
  };
  add(reports.pressesByDevice(from, to), 'now');
  add(reports.pressesByDevice(start.minus({ days }).toMillis(), from), 'before');
  const totalOf = (which: 'now' | 'before') => [...byPlace.values()].reduce(([r, g], e) => [r + e[which][0], g + e[which][1]], [0, 0]);
  const [nowTotal, beforeTotal] = [share(...(totalOf('now') as [number, number])), share(...(totalOf('before') as [number, number]))];
  const places = [...byPlace].map(([place, e]) => ({ place, now: share(...e.now), before: share(...e.before) })).sort((a, b) => b.now.red - a.now.red || a.place.localeCompare(b.place));
  const causeCounts = new Map<string, number>();
  for (const incident of incidents) if (incident.cause) causeCounts.set(incident.cause, (causeCounts.get(incident.cause) ?? 0) + 1);
  const causes = [...causeCounts].map(([cause, n]) => ({ cause, incidents: n })).sort((a, b) => b.incidents - a.incidents || a.cause.localeCompare(b.cause));
  return {
    openHours: Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => openInHour(hour) || heatmap.red.some((day) => day[hour] > 0) || heatmap.green.some((day) => day[hour] > 0)),
    change: { now: nowTotal, before: beforeTotal, byPlace: places },
    causes,
    summary: summarize(days, nowTotal, beforeTotal, causes[0]?.cause ?? null, places[0] && places[0].now.red > 0 ? places[0].place : null, t),
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
    recoveredMeans: apologyRecovers
      ? t('resolved complaints whose outcome was not "customer left" (an apology counts)')
      : t('resolved complaints that were compensated, fixed or otherwise settled ("customer left" and an apology alone do not count)'),
  };
}
