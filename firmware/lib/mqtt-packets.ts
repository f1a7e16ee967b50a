// MQTT 3.1.1 packets as 8-bit strings (Espruino sockets read and write
// strings of bytes). Only what a button or pager needs: CONNECT, PUBLISH,
// PUBACK, SUBSCRIBE, PINGREQ, DISCONNECT out; CONNACK, PUBLISH, PUBACK,
// SUBACK, PINGRESP in. Pure: no I/O, no globals.

export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const SUBACK = 9;
export const PINGRESP = 13;

/** Remaining length as MQTT's base-128 varint (1-4 bytes). */
export function encodeLength(length: number): string {
  let out = '';
  do {
    let digit = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) digit = digit | 0x80;
    out += String.fromCharCode(digit);
  } while (length > 0);
  return out;
}

function u16(n: number): string {
  return String.fromCharCode((n >> 8) & 0xff, n & 0xff);
}

/** A length-prefixed string. `text` must already be bytes (ASCII or UTF-8 encoded). */
function lengthPrefixed(text: string): string {
  return u16(text.length) + text;
}

function packet(firstByte: number, body: string): string {
  return String.fromCharCode(firstByte) + encodeLength(body.length) + body;
}

export interface ConnectOptions {
  clientId: string;
  username: string;
  password: string;
  keepaliveSeconds: number;
  cleanSession: boolean;
  will: { topic: string; payload: string; retain: boolean; qos: number } | null;
}

export function connectPacket(o: ConnectOptions): string {
  let flags = 0x80 | 0x40; // username, password
  if (o.cleanSession) flags |= 0x02;
  let payload = lengthPrefixed(o.clientId);
  if (o.will) {
    flags |= 0x04 | (o.will.qos << 3);
    if (o.will.retain) flags |= 0x20;
    payload += lengthPrefixed(o.will.topic) + lengthPrefixed(o.will.payload);
  }
  payload += lengthPrefixed(o.username) + lengthPrefixed(o.password);
  const variableHeader = lengthPrefixed('MQTT') + String.fromCharCode(4, flags) + u16(o.keepaliveSeconds);
  return packet(0x10, variableHeader + payload);
}

export function publishPacket(topic: string, payload: string, qos: number, packetId: number, retain: boolean, dup: boolean): string {
  let first = 0x30 | (qos << 1);
  if (retain) first |= 0x01;
  if (dup) first |= 0x08;
  return packet(first, lengthPrefixed(topic) + (qos > 0 ? u16(packetId) : '') + payload);
}

export function pubackPacket(packetId: number): string {
  return packet(0x40, u16(packetId));
}

export function subscribePacket(packetId: number, topics: string[], qos: number): string {
  let body = u16(packetId);
  for (let i = 0; i < topics.length; i++) body += lengthPrefixed(topics[i]) + String.fromCharCode(qos);
  return packet(0x82, body);
}

export function pingreqPacket(): string {
  return String.fromCharCode(0xc0, 0);
}

export function disconnectPacket(): string {
  return String.fromCharCode(0xe0, 0);
}

export interface Incoming {
  type: number;
  /** CONNACK return code. */
  code: number;
  /** Over the reader's limit: its length (the payload is not kept; only what is needed to acknowledge it). */
  tooLong: number;
  packetId: number;
  qos: number;
  topic: string;
  payload: string;
}

function u16At(bytes: string, at: number): number {
  return (bytes.charCodeAt(at) << 8) | bytes.charCodeAt(at + 1);
}

function parsePacket(first: number, body: string): Incoming {
  const type = first >> 4;
  const p: Incoming = { type: type, code: 0, tooLong: 0, packetId: 0, qos: 0, topic: '', payload: '' };
  if (type === CONNACK) {
    p.code = body.charCodeAt(1);
  } else if (type === PUBACK) {
    p.packetId = u16At(body, 0);
  } else if (type === SUBACK) {
    p.packetId = u16At(body, 0);
    // One return code per topic subscribed, in order: 0x80 is a refusal.
    p.payload = body.substr(2);
  } else if (type === PUBLISH) {
    p.qos = (first >> 1) & 3;
    const topicLength = u16At(body, 0);
    p.topic = body.substr(2, topicLength);
    let at = 2 + topicLength;
    if (p.qos > 0) {
      p.packetId = u16At(body, at);
      at += 2;
    }
    p.payload = body.substr(at);
  }
  return p;
}

/**
 * Cuts whole packets off the front of `buffer` (bytes received so far, which
 * may end in the middle of a packet or hold several). Returns the packets and
 * what is left over for the next read; `error` is set for a stream that can
 * only be closed. A packet over `maxLength` is returned with `tooLong` set and
 * only its head (a PUBLISH's topic and packet id, to acknowledge it); `skip`
 * says how many of its bytes are still to come and must be discarded.
 */
export function readPackets(buffer: string, maxLength: number): { packets: Incoming[]; rest: string; error: string; skip: number } {
  const packets: Incoming[] = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    let length = 0;
    let multiplier = 1;
    let i = at + 1;
    let complete = false;
    while (i < buffer.length && i < at + 5) {
      const digit = buffer.charCodeAt(i++);
      length += (digit & 0x7f) * multiplier;
      multiplier *= 128;
      if ((digit & 0x80) === 0) {
        complete = true;
        break;
      }
    }
    if (!complete) {
      if (i >= at + 5) return { packets: packets, rest: '', error: 'malformed remaining length', skip: 0 };
      break;
    }
    if (length > maxLength) {
      const first = buffer.charCodeAt(at);
      // A QoS 1/2 PUBLISH is acknowledged, so its packet id is needed: topic length, topic, id.
      let head = 0;
      if (first >> 4 === PUBLISH && ((first >> 1) & 3) > 0) {
        if (buffer.length < i + 2) break;
        head = 2 + u16At(buffer, i) + 2;
        if (head > maxLength) return { packets: packets, rest: '', error: 'packet of ' + length + ' bytes with a ' + head + '-byte head', skip: 0 };
        if (buffer.length < i + head) break;
      }
      const skipped = parsePacket(first, buffer.substr(i, head));
      skipped.payload = '';
      skipped.tooLong = length;
      packets.push(skipped);
      if (buffer.length < i + length) return { packets: packets, rest: '', error: '', skip: i + length - buffer.length };
      at = i + length;
      continue;
    }
    if (buffer.length < i + length) break;
    packets.push(parsePacket(buffer.charCodeAt(at), buffer.substr(i, length)));
    at = i + length;
  }
  return { packets: packets, rest: buffer.substr(at), error: '', skip: 0 };
}
