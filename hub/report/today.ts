// The live "Today" view: open incidents with who was paged and what happened
// since, and today's counts. Its facts come from a fixed number of queries,
// however many incidents are open, run on the journal's thread with the open
// incidents already rendered (store/read-ops.ts): making the view never holds
// up a press, and what is left here is splicing JSON text.
import { DateTime } from 'luxon';
import type { TodayView } from '../contract/api-types.js';
import type { TodayFacts } from '../store/read-ops.js';
import { dayBounds } from './daily-log.js';

/** Presses of one kind at one button closer together than this are one customer (repeat presses: HappyOrNot filters them too). */
export const CUSTOMER_GAP_MS = 30_000;

export interface LocalDay {
  date: string;
  from: number;
  to: number;
  timeZone: string;
}

/** The local day `now` falls in: its date and its bounds [from, to). */
export function today(now: number, timeZone: string): LocalDay {
  const date = DateTime.fromMillis(now, { zone: timeZone }).toFormat('yyyy-MM-dd');
  const [from, to] = dayBounds(date, timeZone);
  return { date, from, to, timeZone };
}

/**
 * `today`, worked out once a day: luxon takes most of a millisecond to find
 * a day's bounds in a time zone, and the live view asks several times a second.
 */
export function localDays(): (now: number, timeZone: string) => LocalDay {
  let day: LocalDay | undefined;
  return (now, timeZone) => {
    if (!day || day.timeZone !== timeZone || now < day.from || now >= day.to) day = today(now, timeZone);
    return day;
  };
}

/** The view of `facts` as JSON text (a `TodayView`), alarms in the reader's words. */
export function todayView(facts: TodayFacts, now: number, day: LocalDay, alarms: string[]): string {
  // The open incidents arrive as JSON text already; parsing them to stringify them again is what this avoids.
  return `${todayHead(facts, now, day, alarms).slice(0, -1)},"open":[${facts.open.map((incident) => incident.json).join(',')}]}`;
}

/** The view's fields but its open incidents, as JSON text (what the live feed sends beside the incidents that changed). */
export function todayHead(facts: TodayFacts, now: number, day: LocalDay, alarms: string[]): string {
  const head: Omit<TodayView, 'open'> = { now, date: day.date, timeZone: day.timeZone, red: facts.red, green: facts.green, customers: facts.customers, incidents: facts.incidents, alarms };
  return JSON.stringify(head);
}
