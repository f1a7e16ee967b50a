// What the head office refuses before it writes anything (#19).
import { describe, expect, it } from 'vitest';
import { MAX_UPLINK_BYTES, parseUplink } from '../../../hub/hq/uplink-message.js';

const press = (id: number, seq: number) => ({ id, k: 'press', at: 1, b: { deviceId: 'btn-1', seq, kind: 'red', pressedAt: 1, receivedAt: 1, ageMs: 0, incidentId: null } });
const message = (over: Record<string, unknown> = {}) => ({ v: 1, site: 'cafe-a', from: 5, to: 6, items: [press(5, 1), press(6, 2)], ...over });
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('uplink messages', () => {
  it('takes a well-formed message for its own site', () => {
    const parsed = parseUplink('cafe-a', bytes(message()));
    expect(parsed.ok && parsed.message.items.map((item) => item.id)).toEqual([5, 6]);
  });

  it('refuses, with the reason, what is malformed, oversized, of an unknown version, for another site or out of order', () => {
    const reason = (site: string, raw: Buffer) => {
      const parsed = parseUplink(site, raw);
      return parsed.ok ? 'taken' : parsed.reason;
    };
    expect(reason('cafe-a', bytes('{nope'))).toBe('not JSON');
    expect(reason('cafe-a', Buffer.alloc(MAX_UPLINK_BYTES + 1, 32))).toMatch(/^oversized/);
    expect(reason('cafe-a', bytes(message({ v: 2 })))).toBe('unknown version 2');
    expect(reason('cafe-a', bytes(message({ items: [{ ...press(5, 1), b: { deviceId: 'btn-1' } }] })))).toMatch(/^malformed: items\.0\.b/);
    expect(reason('cafe-b', bytes(message()))).toBe('site "cafe-a" on the topic of "cafe-b"');
    expect(reason('cafe-a', bytes(message({ items: [press(6, 2), press(5, 1)], from: 6, to: 5 })))).toBe('feed ids out of order');
    // A shop's alarms and its day's figures: taken when well-formed, refused otherwise.
    const alarm = (active: unknown) => ({ id: 5, k: 'alarm', at: 1, b: { active } });
    const summary = (day: string) => ({ id: 6, k: 'summary', at: 1, b: { day, red: 1, green: 2, customers: { red: 1, green: 2 }, complaints: 1, open: 0 } });
    expect(reason('cafe-a', bytes(message({ items: [alarm([{ key: 'The disk is full', values: { since: '08:00' } }]), summary('2026-12-06')] })))).toBe('taken');
    expect(reason('cafe-a', bytes(message({ items: [alarm(['just a string']), summary('2026-12-06')] })))).toMatch(/^malformed: items\.0\.b\.active/);
    expect(reason('cafe-a', bytes(message({ items: [alarm([]), summary('yesterday')] })))).toMatch(/^malformed: items\.1\.b\.day/);
  });
});
