import { describe, expect, it } from 'vitest';
import { MqttFrameMeter } from '../../../hub/broker/packet-size-guard.js';

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
