import { describe, expect, it } from 'vitest';
import { UplinkAccess, checkPublish } from '../../../hub/broker/access.js';

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
