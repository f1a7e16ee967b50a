// A timestamp's local weekday and hour, for reports that place thousands of
// presses on a week's grid or a day's hours (analytics, the daily log). Asking luxon for each press took most of the
// time of a 90-day analytics on the event loop (~18 000 presses); a zone's
// offset is the same for every instant of a quarter of an hour (every
// offset and every change of one in use today falls on a quarter hour of
// UTC), so luxon is asked once per quarter hour that has presses.
import { DateTime } from 'luxon';

const QUARTER_HOUR_MS = 15 * 60_000;

export interface LocalHour {
  /** 1 (Monday) to 7 (Sunday), as luxon numbers them. */
  weekday: number;
  /** 0-23. */
  hour: number;
}

export function localHours(timeZone: string): (ms: number) => LocalHour {
  const offsets = new Map<number, number>();
  return (ms) => {
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    let offsetMin = offsets.get(quarter);
    if (offsetMin === undefined) offsets.set(quarter, (offsetMin = DateTime.fromMillis(quarter * QUARTER_HOUR_MS, { zone: timeZone }).offset));
    const local = new Date(ms + offsetMin * 60_000);
    return { weekday: local.getUTCDay() || 7, hour: local.getUTCHours() };
  };
}
