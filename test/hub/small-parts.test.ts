// Rate limiter, opening hours, routing, the MQTT frame meter and uplink access.
import { describe, expect, it } from 'vitest';
import { UplinkAccess, checkPublish } from '../../hub/broker/access.js';
import { MqttFrameMeter } from '../../hub/broker/packet-size-guard.js';
import { isOpenAt, parseRange, type WeeklyHours } from '../../hub/domain/opening-hours.js';
import { RateLimiter } from '../../hub/domain/rate-limiter.js';
import { nextStaffedTier } from '../../hub/domain/routing.js';

describe('RateLimiter', () => {
  it('allows the burst, then refills at the rate', () => {
    const limiter = new RateLimiter(5, 3);
    expect([1, 2, 3, 4].map(() => limiter.take('a', 0))).toEqual([true, true, true, false]);
    expect(limiter.take('b', 0)).toBe(true); // buckets are per key
    expect(limiter.take('a', 199)).toBe(false);
    expect(limiter.take('a', 200)).toBe(true); // 5 per second = one every 200 ms
    expect(limiter.take('a', 10_000)).toBe(true);
  });
});

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

describe('nextStaffedTier', () => {
  it('returns the first tier after the given one with an available pager', () => {
    const tiers = [['a', 'b'], ['c'], ['d']];
    expect(nextStaffedTier(tiers, -1, (p) => p !== 'a')).toEqual({ index: 0, pagers: ['b'] });
    expect(nextStaffedTier(tiers, -1, (p) => p === 'd')).toEqual({ index: 2, pagers: ['d'] });
    expect(nextStaffedTier(tiers, 2, () => true)).toBeNull();
  });
});

describe('MqttFrameMeter', () => {
  it('follows packets across chunk boundaries and accepts those within the limit', () => {
    const meter = new MqttFrameMeter(100);
    const publish = Buffer.from([0x30, 0x05, 1, 2, 3, 4, 5]);
    const ping = Buffer.from([0xc0, 0x00]);
    const stream = Buffer.concat([publish, ping, publish]);
    for (let i = 0; i < stream.length; i++) expect(meter.feed(stream.subarray(i, i + 1))).toBeNull();
    expect(meter.feed(Buffer.from([0x30, 100]))).toBeNull();
  });

  it('reports a declared length over the limit, and a malformed length', () => {
    expect(new MqttFrameMeter(100).feed(Buffer.from([0x30, 101]))).toBe('packet of 101+ bytes, limit 100');
    expect(new MqttFrameMeter(1024).feed(Buffer.from([0x30, 0x80, 0x10]))).toBe('packet of 2048+ bytes, limit 1024');
    expect(new MqttFrameMeter(1e9).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80]))).toBe('malformed remaining length');
  });
});

describe('UplinkAccess', () => {
  const button = { id: 'btn-1', kind: 'button' as const };
  const request = (topic: string, retain = false, payloadBytes = 20) => ({ topic, retain, payloadBytes });

  it('allows a device its own uplinks with one shared verdict per topic', () => {
    const access = new UplinkAccess('shop');
    const first = access.check(button, request('lb/1/shop/btn-1/press'));
    expect(first).toEqual({ allowed: true, value: 'press' });
    expect(access.check(button, request('lb/1/shop/btn-1/press'))).toBe(first); // nothing allocated per press
    expect(access.check(button, request('lb/1/shop/btn-1/status', true))).toEqual({ allowed: true, value: 'status' });
  });

  it('refuses everything else with the same reason as checkPublish', () => {
    const access = new UplinkAccess('shop');
    const refused = [
      request('lb/1/shop/btn-2/press'),
      request('lb/1/other/btn-1/press'),
      request('lb/1/shop/btn-1/ack'),
      request('lb/1/shop/btn-1/press', true),
      request('lb/1/shop/btn-1/press', false, 100_000),
      request('nonsense'),
    ];
    for (const r of refused) {
      const verdict = access.check(button, r);
      expect(verdict.allowed, r.topic).toBe(false);
      expect(verdict).toEqual(checkPublish('shop', button, r));
    }
  });
});
