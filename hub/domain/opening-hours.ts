import { DateTime } from 'luxon';

/** Minutes since local midnight, [from, to). */
export type MinuteRange = [from: number, to: number];

/** Opening ranges per ISO weekday: index 1 = Monday … 7 = Sunday (index 0 unused). A day with no ranges is closed. */
export type WeeklyHours = MinuteRange[][];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Whether the site is open at instant `ms`, read in the site's time zone. */
export function isOpenAt(hours: WeeklyHours, timeZone: string, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  return (hours[local.weekday] ?? []).some(([from, to]) => minute >= from && minute < to);
}

/**
 * Parses "HH:MM-HH:MM" into a minute range; null when malformed or empty.
 * "24:00" is allowed as an end. A range whose end is before its start
 * crosses midnight ("18:00-02:00" → [1080, 1560]): its end is on the next day.
 */
export function parseRange(text: string): MinuteRange | null {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [fromH, fromM, toH, toM] = match.slice(1).map(Number);
  if (fromH > 23 || toH > 24 || fromM > 59 || toM > 59 || (toH === 24 && toM !== 0)) return null;
  const from = fromH * 60 + fromM;
  const to = toH * 60 + toM;
  if (from === to) return null;
  return from < to ? [from, to] : [from, to + 24 * 60];
}

/** Ranges per ISO weekday (index 1-7) with those crossing midnight split: the part after it goes to the next day (Sunday's to Monday). */
export function splitAtMidnight(days: MinuteRange[][]): WeeklyHours {
  const hours: WeeklyHours = [[], [], [], [], [], [], [], []];
  days.forEach((ranges, i) => {
    const day = i + 1;
    for (const [from, to] of ranges) {
      if (to <= 24 * 60) hours[day].push([from, to]);
      else {
        hours[day].push([from, 24 * 60]);
        hours[(day % 7) + 1].push([0, to - 24 * 60]);
      }
    }
  });
  return hours;
}

/**
 * When the site closes next, if it is open at `ms` (a range ending at 24:00
 * runs on into one starting at 00:00 the next day); null when it is closed,
 * or open round the clock for a week.
 */
export function closesAt(hours: WeeklyHours, timeZone: string, ms: number): number | null {
  let local = DateTime.fromMillis(ms, { zone: timeZone });
  let minute = local.hour * 60 + local.minute;
  for (let day = 0; day < 7; day++) {
    const range = (hours[local.weekday] ?? []).find(([from, to]) => minute >= from && minute < to);
    if (!range) return day === 0 ? null : local.startOf('day').toMillis();
    if (range[1] < 24 * 60) return local.startOf('day').plus({ minutes: range[1] }).toMillis();
    local = local.startOf('day').plus({ days: 1 });
    minute = 0;
  }
  return null;
}

/**
 * The last opening and the last closing at or before `ms`, within the past
 * week (null: none in that week, e.g. open round the clock). A hub started in
 * the morning finds here that the site closed overnight while it was off.
 */
export function lastOpeningAndClosing(hours: WeeklyHours, timeZone: string, ms: number): { opened: number | null; closed: number | null } {
  const today = DateTime.fromMillis(ms, { zone: timeZone }).startOf('day');
  const spans: Array<[number, number]> = [];
  for (let back = 8; back >= 0; back--) {
    const day = today.minus({ days: back });
    for (const [from, to] of hours[day.weekday] ?? []) spans.push([day.plus({ minutes: from }).toMillis(), day.plus({ minutes: to }).toMillis()]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  // Ranges that touch (24:00 and 00:00 the next day) are one opening.
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  const weekAgo = today.minus({ days: 7 }).toMillis();
  let opened: number | null = null;
  let closed: number | null = null;
  // The first span's start may be the cut of the 8-day window, not an opening: it counts only within the week.
  for (const [from, to] of merged) {
    if (from <= ms && from > weekAgo) opened = from;
    if (to <= ms && to > weekAgo) closed = to;
  }
  return { opened, closed };
}
