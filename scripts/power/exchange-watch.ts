// Whether a device is waiting for its broker: it sent a CONNECT, SUBSCRIBE,
// PINGREQ or a QoS 1 PUBLISH whose answer has not come back yet. A power run
// moves the device's virtual clock only while nothing is outstanding, so a
// shift of hours never times out an exchange that takes a millisecond of real
// time on loopback. Packets are read by their fixed header (MQTT 3.1.1, 2.2).
import type { SimulatedDevice } from '../../firmware/shim/simulated-device.js';

const CONNECT = 1;
const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;
const SUBSCRIBE = 8;
const SUBACK = 9;
const PINGREQ = 12;
const PINGRESP = 13;

/** The answer each request waits for. */
const ANSWER: Record<number, number> = { [CONNECT]: CONNACK, [SUBSCRIBE]: SUBACK, [PINGREQ]: PINGRESP };

export class ExchangeWatch {
  private readonly waiting = new Map<number, number>();
  private readonly buffers = { sent: '', received: '' };
  /** PUBLISH packets the broker delivered to the device. */
  published = 0;

  /** `onAlert`: told the incident and kind of every alert delivered (topic …/alert, payload {"i": incident, "k": kind, …}). */
  constructor(
    device: SimulatedDevice,
    private readonly onAlert: (incident: number, kind: string) => void = () => undefined,
  ) {
    device.traffic.on('sent', (data: string) => this.feed('sent', data));
    device.traffic.on('received', (data: string) => this.feed('received', data));
  }

  get outstanding(): number {
    let n = 0;
    for (const count of this.waiting.values()) n += count;
    return n;
  }

  private feed(direction: 'sent' | 'received', data: string): void {
    let buffer = this.buffers[direction] + data;
    for (;;) {
      const packet = splitPacket(buffer);
      if (!packet) break;
      buffer = buffer.slice(packet.length);
      if (direction === 'sent') this.onSent(packet.type, packet.flags);
      else this.onReceived(packet.type);
      if (direction === 'received' && packet.type === PUBLISH) this.readAlert(packet.body, packet.flags);
    }
    this.buffers[direction] = buffer;
  }

  private onSent(type: number, flags: number): void {
    if (type === CONNECT) {
      // A new connection: what the old one waited for will never come.
      this.waiting.clear();
      this.buffers.received = '';
    }
    const answer = type === PUBLISH ? ((flags >> 1) & 3) > 0 ? PUBACK : undefined : ANSWER[type];
    if (answer !== undefined) this.waiting.set(answer, (this.waiting.get(answer) ?? 0) + 1);
  }

  /** A PUBLISH body: topic (2-byte length), a packet id at QoS > 0, the payload (MQTT 3.1.1, 3.3.2). */
  private readAlert(body: string, flags: number): void {
    const topicLength = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
    const topic = body.slice(2, 2 + topicLength);
    if (!topic.endsWith('/alert')) return;
    const payload = body.slice(2 + topicLength + (((flags >> 1) & 3) > 0 ? 2 : 0));
    try {
      const alert = JSON.parse(payload) as { i?: unknown; k?: unknown };
      if (typeof alert.i === 'number') this.onAlert(alert.i, String(alert.k));
    } catch {
      // not an alert this run can read: nothing to act on
    }
  }

  private onReceived(type: number): void {
    if (type === PUBLISH) this.published++;
    const count = this.waiting.get(type);
    if (count) this.waiting.set(type, count - 1);
  }
}

/** The first whole packet in `buffer`: its type, flags, length in bytes and the bytes after the fixed header; null until it has all arrived. */
function splitPacket(buffer: string): { type: number; flags: number; length: number; body: string } | null {
  if (buffer.length < 2) return null;
  let remaining = 0;
  let multiplier = 1;
  let at = 1;
  for (;;) {
    if (at >= buffer.length) return null;
    const byte = buffer.charCodeAt(at++);
    remaining += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
    if (at > 4) throw new Error('malformed MQTT remaining length');
  }
  const length = at + remaining;
  if (buffer.length < length) return null;
  const first = buffer.charCodeAt(0);
  return { type: first >> 4, flags: first & 0x0f, length, body: buffer.slice(at, length) };
}
