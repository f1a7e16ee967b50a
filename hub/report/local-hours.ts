// A timestamp's local weekday and hour, for reports that place thousands of
// presses on a week's grid or a day's hours (analytics, the daily log). Asking luxon for each press took most of the
// time of a 90-day analytics on the event loop (~18 000 presses); a zone's
// offset is the same for every instant of a quarter of an hour (every
// offset and every change of one in use today falls on a quarter hour of
// UTC), so luxon was asked once per quarter hour that has presses — still
// ~4 300 times, 32 ms of a 90-day analytics. A zone changes its offset at
// most once in a UTC day (a daylight-saving switch), so a day whose offset is
// the same at its first and its last quarter hour has it throughout: luxon
// is asked twice a day, and by the quarter hour only on a switching day.
import { DateTime } from 'luxon';

const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface LocalHour {
  /** 1 (Monday) to 7 (Sunday), as luxon numbers them. */
  weekday: number;
  /** 0-23. */
  hour: number;
}

export function localHours(timeZone: string): (ms: number) => LocalHour {
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).offset;
  /** Each UTC day's offset in minutes, or null for a day that switches. */
  const days = new Map<number, number | null>();
  const quarters = new Map<number, number>();
  const offsetOf = (ms: number): number => {
    const day = Math.floor(ms / DAY_MS);
    let whole = days.get(day);
    if (whole === undefined) {
      const first = offsetAt(day * DAY_MS);
      days.set(day, (whole = first === offsetAt((day + 1) * DAY_MS - QUARTER_HOUR_MS) ? first : null));
    }
    if (whole !== null) return whole;
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    let offset = quarters.get(quarter);
    if (offset === undefined) quarters.set(quarter, (offset = offsetAt(quarter * QUARTER_HOUR_MS)));
    return offset;
  };
  return (ms) => {
    const local = new Date(ms + offsetOf(ms) * 60_000);
    return { weekday: local.getUTCDay() || 7, hour: local.getUTCHours() };
  };
}
