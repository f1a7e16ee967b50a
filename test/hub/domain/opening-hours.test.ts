import { describe, expect, it } from 'vitest';
import { isOpenAt, parseRange, type WeeklyHours } from '../../../hub/domain/opening-hours.js';

describe('opening hours', () => {
  // Monday 08:00-18:00 only, Berlin time.
  const hours: WeeklyHours = [[], [[480, 1080]], [], [], [], [], [], []];
  it('reads the instant in the site’s time zone', () => {
    // Monday 23 Nov 2026, 07:30 UTC = 08:30 in Berlin (CET, UTC+1).
    expect(isOpenAt(hours, 'Europe/Berlin', Date.UTC(2026, 10, 23, 7, 30))).toBe(true);
    expect(isOpenAt(hours, 'UTC', Date.UTC(2026, 10, 23, 7, 30))).toBe(false);
    expect(isOpenAt(hours, 'Europe/Berlin', Date.UTC(2026, 10, 23, 17, 0))).toBe(false); // 18:00 local: closed
    expect(isOpenAt(hours, 'Europe/Berlin', Date.UTC(2026, 10, 24, 9, 0))).toBe(false); // Tuesday
  });

  it('parses ranges and rejects malformed ones', () => {
    expect(parseRange('08:00-18:30')).toEqual([480, 1110]);
    expect(parseRange('00:00-24:00')).toEqual([0, 1440]);
    for (const bad of ['8:00-18:00', '18:00-08:00', '08:00-08:00', '25:00-26:00', '08:60-09:00', '08:00-24:30']) {
      expect(parseRange(bad), bad).toBeNull();
    }
  });
});
