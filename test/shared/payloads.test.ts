import { describe, expect, it } from 'vitest';
import {
  decodeUpdate,
  decodeUpdateStatus,
  decodeDuty,
  decodeReach,
  encodeDuty,
  encodeReach,
  encodeUpdate,
  encodeUpdateStatus,
  decodeAck,
  decodeAlert,
  decodeCancel,
  decodeFeedback,
  decodeHeartbeat,
  decodeOutcome,
  decodePress,
  decodeShift,
  decodeStatus,
  encodeAck,
  encodeAlert,
  encodeCancel,
  encodeFeedback,
  encodeHeartbeat,
  encodeOutcome,
  encodePress,
  encodeShift,
  encodeStatus,
  encodeTime,
  decodeTime,
  type Alert,
} from '../../shared/payloads.js';

describe('payload codecs', () => {
  it('round-trips every message type in compact form', () => {
    const alert: Alert = { incident: 12, kind: 'red', location: 'Counter 1', count: 3, level: 2, time: 1795348800000, reason: 'escalated' };
    expect(encodePress({ kind: 'red', seq: 42, ageMs: 1500 })).toBe('{"k":"r","q":42,"a":1500}');
    expect(decodePress('{"k":"g","q":1,"a":0}')).toEqual({ ok: true, value: { kind: 'green', seq: 1, ageMs: 0 } });
    expect(decodeAlert(encodeAlert(alert))).toEqual({ ok: true, value: alert });
    expect(encodeAlert(alert).length).toBeLessThan(90);
    // The press's own PUBACK says "stored"; there is no "received" feedback.
    expect(decodeFeedback('{"s":"x","i":9}')).toEqual({ ok: false, error: 'state (s) must be a or r' });
    expect(decodeFeedback(encodeFeedback({ state: 'acknowledged', incident: 4 }))).toEqual({ ok: true, value: { state: 'acknowledged', incident: 4 } });
    expect(encodeFeedback({ state: 'reached', incident: 4 })).toBe('{"s":"r","i":4}');
    expect(decodeFeedback('{"s":"r","i":4}')).toEqual({ ok: true, value: { state: 'reached', incident: 4 } });
    expect(decodeReach(encodeReach({ seq: 41, ageMs: 1600 }))).toEqual({ ok: true, value: { seq: 41, ageMs: 1600 } });
    expect(decodeReach('{"q":-1,"a":0}')).toEqual({ ok: false, error: 'sequence (q) must be between 0 and 2147483647' });
    const duty = { onShift: true, wearer: 'Anna', causes: ['Waiting', 'Food'] };
    expect(encodeDuty(duty)).toBe('{"on":1,"c":["Waiting","Food"],"p":"Anna"}');
    expect(decodeDuty(encodeDuty(duty))).toEqual({ ok: true, value: duty });
    expect(decodeDuty('{"on":0,"c":[]}')).toEqual({ ok: true, value: { onShift: false, causes: [] } });
    for (const bad of ['{"on":1,"c":"Food"}', '{"on":1,"c":[""]}', '{"on":1,"c":[3]}', '{"on":1,"c":["12345678901234567"]}', '{"on":1,"c":["a","b","c","d","e","f","g","h","i"]}']) {
      expect(decodeDuty(bad), bad).toEqual({ ok: false, error: 'causes (c) must be up to 8 texts of 1-16 characters' });
    }
    expect(decodeOutcome(encodeOutcome({ incident: 4, outcome: 'fixed', cause: 'Food' }))).toEqual({ ok: true, value: { incident: 4, outcome: 'fixed', cause: 'Food' } });
    expect(decodeOutcome('{"i":4,"o":"fixed","c":7}')).toEqual({ ok: false, error: 'cause (c) must be a string' });
    expect(decodeCancel(encodeCancel({ incident: 4, reason: 'taken', by: 'Anna' }))).toEqual({ ok: true, value: { incident: 4, reason: 'taken', by: 'Anna' } });
    expect(decodeCancel(encodeCancel({ incident: 4, reason: 'withdrawn' }))).toEqual({ ok: true, value: { incident: 4, reason: 'withdrawn' } });
    expect(decodeAck(encodeAck({ incident: 4 }))).toEqual({ ok: true, value: { incident: 4 } });
    expect(decodeOutcome(encodeOutcome({ incident: 4, outcome: 'left' }))).toEqual({ ok: true, value: { incident: 4, outcome: 'left' } });
    expect(decodeShift(encodeShift({ onShift: false }))).toEqual({ ok: true, value: { onShift: false } });
    expect(decodeStatus(encodeStatus({ online: true }))).toEqual({ ok: true, value: { online: true } });
    const hb = { batteryMv: 3900, rssi: -61, freeMemory: 8123, outboxDepth: 2, firmware: '0.1.0' };
    expect(decodeHeartbeat(encodeHeartbeat(hb))).toEqual({ ok: true, value: hb });
    expect(decodeHeartbeat(encodeHeartbeat({ ...hb, dropped: 3 }))).toEqual({ ok: true, value: { ...hb, dropped: 3 } });
    expect(decodeTime(encodeTime({ time: 1795348800000 }))).toEqual({ ok: true, value: { time: 1795348800000 } });
  });

  it('ignores unknown keys so a newer device can add fields', () => {
    expect(decodePress('{"k":"r","q":3,"a":0,"x":1}')).toEqual({ ok: true, value: { kind: 'red', seq: 3, ageMs: 0 } });
  });

  it.each([
    ['', 'payload is not JSON'],
    ['null', 'payload is not a JSON object'],
    ['[]', 'payload is not a JSON object'],
    ['{"q":1,"a":0}', 'kind (k) is missing'],
    ['{"k":"red","q":1,"a":0}', 'kind (k) must be one of r, g'],
    ['{"k":"r","a":0}', 'sequence (q) is missing'],
    ['{"k":"r","q":2147483648,"a":0}', 'sequence (q) must be between 1 and 2147483647'],
    ['{"k":"r","q":1e400,"a":0}', 'sequence (q) must be an integer'],
    ['{"k":"r","q":1,"a":true}', 'age (a) must be an integer'],
    [`{"k":"r","q":1,"a":0,"p":"${'x'.repeat(300)}"}`, 'payload is 328 characters, limit 256'],
  ])('rejects the press %j: %s', (text, error) => {
    expect(decodePress(text)).toEqual({ ok: false, error });
  });

  it('rejects bad pager messages with a specific error', () => {
    expect(decodeOutcome('{"i":1,"o":"shrugged"}')).toEqual({ ok: false, error: 'outcome (o) must be one of apologised, compensated, fixed, left, other' });
    expect(decodeShift('{"on":true}')).toEqual({ ok: false, error: 'on shift (on) must be 0 or 1' });
    expect(decodeAck('{"i":0}')).toEqual({ ok: false, error: 'incident (i) must be between 1 and 2147483647' });
    expect(decodeHeartbeat('{"b":3900,"r":5,"m":1,"o":0,"v":"1"}')).toEqual({ ok: false, error: 'RSSI dBm (r) must be between -127 and 0' });
    expect(decodeAlert('{"i":1,"k":"r","l":"' + 'x'.repeat(33) + '","n":1,"v":1,"t":0,"w":"n"}')).toEqual({ ok: false, error: 'location (l) is longer than 32 characters' });
  });

  it('round-trips update messages and statuses, and refuses malformed ones (#15)', () => {
    const messages = [
      { op: 'begin', update: 3, what: 'firmware', size: 1025, crc: 4294967295, chunks: 3, kind: 'pager', trialS: 90 },
      { op: 'chunk', update: 3, index: 2, crc: 7, data: 'QUJD' },
      { op: 'commit', update: 3 },
      { op: 'abort', update: 3 },
    ] as const;
    for (const m of messages) expect(decodeUpdate(encodeUpdate(m))).toEqual({ ok: true, value: m });
    for (const status of [{ update: 3, state: 'got', index: 0 }, { update: 3, state: 'rolled-back', reason: 'no connection to the hub within 90 s' }, { update: 3, state: 'running', version: '0.1.1' }] as const) {
      expect(decodeUpdateStatus(encodeUpdateStatus(status))).toEqual({ ok: true, value: status });
    }
    expect(decodeUpdate('{"o":"b","u":3,"w":"f","s":1025,"c":1,"n":2,"k":"pager","t":90}')).toEqual({ ok: false, error: 'chunks do not match the size' });
    expect(decodeUpdate('{"o":"b","u":3,"w":"f","s":50000,"c":1,"n":98,"k":"pager","t":90}')).toMatchObject({ ok: false, error: expect.stringMatching(/^size \(s\) must be between 1 and 40960/) });
    expect(decodeUpdate('{"o":"d","u":3,"i":0,"c":1,"d":"' + 'A'.repeat(700) + '"}')).toEqual({ ok: false, error: 'chunk data missing or too long' });
    expect(decodeUpdate('{"o":"x","u":3}')).toEqual({ ok: false, error: 'unknown update message' });
    expect(decodeUpdateStatus('{"u":3,"s":"installed"}')).toEqual({ ok: false, error: 'unknown update state' });
  });
});
