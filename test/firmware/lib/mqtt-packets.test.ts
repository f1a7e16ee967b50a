import { describe, expect, it } from 'vitest';
import { connectPacket, encodeLength, publishPacket, readPackets } from '../../../firmware/lib/mqtt-packets.js';

describe('MQTT packets', () => {
  it('encodes remaining lengths at each varint boundary', () => {
    expect([0, 127, 128, 16383, 16384, 2097151, 2097152].map((n) => [...encodeLength(n)].map((c) => c.charCodeAt(0)))).toEqual([
      [0],
      [127],
      [0x80, 1],
      [0xff, 0x7f],
      [0x80, 0x80, 1],
      [0xff, 0xff, 0x7f],
      [0x80, 0x80, 0x80, 1],
    ]);
  });

  it('reads packets split across reads and joined in one read', () => {
    const a = publishPacket('t/a', 'x'.repeat(300), 1, 7, false, false);
    const b = publishPacket('t/b', 'hello', 1, 8, false, false);
    const stream = a + b + String.fromCharCode(0xd0, 0); // + PINGRESP
    let buffer = '';
    const seen: string[] = [];
    for (const char of stream) {
      const result = readPackets(buffer + char, 1024);
      buffer = result.rest;
      for (const p of result.packets) seen.push(`${p.type}:${p.topic}:${p.packetId}:${p.payload.length}`);
    }
    expect(seen).toEqual(['3:t/a:7:300', '3:t/b:8:5', '13::0:0']);
    const joined = readPackets(stream, 1024);
    expect(joined.packets).toHaveLength(3);
    expect(joined.rest).toBe('');
  });

  it('skips a packet over the limit (keeping what acknowledges it) and refuses a malformed length', () => {
    const long = readPackets(publishPacket('t', 'x'.repeat(2000), 1, 9, false, false), 1024);
    expect(long.error).toBe('');
    expect(long.packets.map((p) => [p.tooLong, p.topic, p.packetId, p.payload])).toEqual([[2005, 't', 9, '']]);
    expect(readPackets(String.fromCharCode(0x30, 0xff, 0xff, 0xff, 0xff, 0x01), 1e9).error).toBe('malformed remaining length');
  });

  it('sets CONNECT flags: credentials, persistent session, retained QoS 1 will', () => {
    const bytes = connectPacket({ clientId: 'c', username: 'u', password: 'p', keepaliveSeconds: 30, cleanSession: false, will: { topic: 't', payload: 'w', retain: true, qos: 1 } });
    const flags = bytes.charCodeAt(2 + 7);
    expect(flags & 0x80).toBeTruthy(); // username
    expect(flags & 0x40).toBeTruthy(); // password
    expect(flags & 0x20).toBeTruthy(); // will retain
    expect((flags >> 3) & 3).toBe(1); // will QoS
    expect(flags & 0x04).toBeTruthy(); // will flag
    expect(flags & 0x02).toBeFalsy(); // clean session off
  });
});
