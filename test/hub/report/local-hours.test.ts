// The analytics' fast local hour agrees with luxon's, minute by minute, across
// daylight-saving changes and in zones whose offsets are not whole hours.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { localHours } from '../../../hub/report/local-hours.js';

describe('local hours (#20: 90-day analytics)', () => {
  it.each(['Europe/Berlin', 'Europe/Moscow', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'UTC'])('matches luxon in %s through a year of changes', (zone) => {
    const hourOf = localHours(zone);
    const start = Date.UTC(2026, 0, 1);
    const wrong: string[] = [];
    // Every 7 minutes and 13 seconds for a year: every quarter hour is visited, most of them more than once.
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 433_000) {
      const expected = DateTime.fromMillis(ms, { zone });
      const got = hourOf(ms);
      if (got.weekday !== expected.weekday || got.hour !== expected.hour) wrong.push(`${new Date(ms).toISOString()}: ${JSON.stringify(got)} vs ${expected.weekday} ${expected.hour}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
