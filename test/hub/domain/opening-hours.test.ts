import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { closesAt, isOpenAt, lastOpeningAndClosing, parseRange, splitAtMidnight, type WeeklyHours } from '../../../hub/domain/opening-hours.js';

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
    for (const bad of ['8:00-18:00', '08:00-08:00', '25:00-26:00', '08:60-09:00', '08:00-24:30']) {
      expect(parseRange(bad), bad).toBeNull();
    }
  });
});

describe('closesAt', () => {
  const zone = 'Europe/Berlin';
  const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
  const week = (ranges: [number, number][]): WeeklyHours => [[], ranges, ranges, ranges, ranges, ranges, ranges, ranges];

  it('is the end of the range the site is open in', () => {
    const hours = week([
      [8 * 60, 12 * 60],
      [14 * 60, 20 * 60],
    ]);
    expect(closesAt(hours, zone, at('2026-12-02T09:30'))).toBe(at('2026-12-02T12:00'));
    expect(closesAt(hours, zone, at('2026-12-02T15:00'))).toBe(at('2026-12-02T20:00'));
    expect(closesAt(hours, zone, at('2026-12-02T13:00'))).toBeNull();
  });

  it('runs a range ending at midnight into the next day, and has no end for a site always open', () => {
    const late: WeeklyHours = [[], [[18 * 60, 24 * 60]], [[0, 2 * 60]], [], [], [], [], []];
    expect(closesAt(late, zone, at('2026-11-30T23:00'))).toBe(at('2026-12-01T02:00')); // Monday night into Tuesday
    expect(closesAt(week([[0, 24 * 60]]), zone, at('2026-12-02T10:00'))).toBeNull();
  });
});

describe('ranges across midnight (#16)', () => {
  it('parses a range that ends after midnight, and opens the next morning until its end', () => {
    expect(parseRange('18:00-02:00')).toEqual([1080, 1560]);
    const hours = splitAtMidnight([[[1080, 1560]], [], [], [], [], [], [[1200, 1500]]]); // Monday 18:00-02:00, Sunday 20:00-01:00
    expect(hours[1]).toEqual([[1080, 1440], [0, 60]]); // Monday evening, and Sunday night's tail
    expect(hours[2]).toEqual([[0, 120]]);
    expect(hours[7]).toEqual([[1200, 1440]]);
    expect(isOpenAt(hours, 'UTC', Date.UTC(2026, 10, 24, 1, 30))).toBe(true); // Tuesday 01:30
    expect(isOpenAt(hours, 'UTC', Date.UTC(2026, 10, 24, 2, 0))).toBe(false);
    expect(closesAt(hours, 'UTC', Date.UTC(2026, 10, 23, 23, 0))).toBe(Date.UTC(2026, 10, 24, 2, 0)); // Monday night: closes 02:00 Tuesday
  });
});


describe('lastOpeningAndClosing', () => {
  const zone = 'Europe/Berlin';
  const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();

  it('finds the opening and closing a hub switched off overnight missed', () => {
    const weekdays: WeeklyHours = splitAtMidnight([[[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [[480, 1080]], [], []]);
    // Tuesday 24 Nov 2026, 09:00: opened at 08:00 today, closed at 18:00 yesterday.
    expect(lastOpeningAndClosing(weekdays, zone, at('2026-11-24T09:00'))).toEqual({ opened: at('2026-11-24T08:00'), closed: at('2026-11-23T18:00') });
    // Monday 07:00: the last closing was Friday's.
    expect(lastOpeningAndClosing(weekdays, zone, at('2026-11-23T07:00'))).toEqual({ opened: at('2026-11-20T08:00'), closed: at('2026-11-20T18:00') });
  });

  it('takes a range across midnight as one opening, and finds none when the site never closes', () => {
    const nights = splitAtMidnight(Array.from({ length: 7 }, () => [[1080, 1560] as [number, number]]));
    expect(lastOpeningAndClosing(nights, zone, at('2026-11-24T01:00'))).toEqual({ opened: at('2026-11-23T18:00'), closed: at('2026-11-23T02:00') });
    const always = splitAtMidnight(Array.from({ length: 7 }, () => [[0, 1440] as [number, number]]));
    expect(lastOpeningAndClosing(always, zone, at('2026-11-24T01:00'))).toEqual({ opened: null, closed: null });
  });
});
