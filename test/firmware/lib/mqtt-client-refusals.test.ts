// The firmware's MQTT client when the broker refuses: a publish answered by a
// closed connection (the hub's storage failure or rate limit), a packet over
// the client's size limit, a refused subscription. A scripted broker on an
// in-memory link and a hand-moved clock, so minutes pass in milliseconds.
import { describe, expect, it } from 'vitest';
import { MqttClient } from '../../../firmware/lib/mqtt-client.js';
import { PUBACK, PUBLISH, SUBACK, publishPacket, readPackets, type Incoming } from '../../../firmware/lib/mqtt-packets.js';
import type { NetApi, Socket } from '../../../firmware/hal/espruino-api.js';

class ManualTimers {
  now = 0;
  private queue: { at: number; id: number; run: () => void }[] = [];
  private nextId = 1;
  setTimeout = (run: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.queue.push({ at: this.now + ms, id, run });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.queue = this.queue.filter((t) => t.id !== id);
  };
  /** Runs every timer due within `ms`, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.now = next.at;
      next.run();
    }
    this.now = end;
  }
}

/** A broker that accepts every connection and answers packets as `respond` says. */
function scriptedBroker(timers: ManualTimers, respond: (packet: Incoming, reply: (bytes: string) => void, close: () => void) => void) {
  const state = { connections: 0, received: [] as Incoming[] };
  const net: NetApi = {
    connect(_target, onConnect): Socket {
      state.connections++;
      const handlers: Record<string, ((arg?: unknown) => void)[]> = {};
      let open = true;
      const fire = (event: string, arg?: unknown) => (handlers[event] ?? []).forEach((h) => h(arg));
      const close = () => {
        if (!open) return;
        open = false;
        timers.setTimeout(() => fire('close'), 0);
      };
      const socket: Socket = {
        write: (bytes: string) => {
          if (!open) return;
          for (const packet of readPackets(bytes, 1 << 20).packets) {
            state.received.push(packet);
            respond(packet, (reply) => timers.setTimeout(() => open && fire('data', reply), 1), close);
          }
        },
        end: () => {
          open = false;
        },
        on: ((event: string, handler: (arg?: unknown) => void) => {
          (handlers[event] ??= []).push(handler);
        }) as Socket['on'],
      };
      timers.setTimeout(onConnect, 1);
      return socket;
    },
  };
  return { net, state };
}

const CONNACK_OK = String.fromCharCode(0x20, 2, 0, 0);

function clientOn(net: NetApi, timers: ManualTimers, logs: string[], subscriptions: string[] = [], onConnect: (client: MqttClient) => void = () => undefined) {
  const messages: string[] = [];
  const client: MqttClient = new MqttClient(
    { net, now: () => timers.now, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, random: () => 0.5, log: (line) => logs.push(line) },
    { host: 'hub', port: 1883, clientId: 'btn-1', username: 'btn-1', password: 's', keepaliveSeconds: 30, connectTimeoutMs: 8000, will: null, subscriptions, maxPacketBytes: 1024 },
    { onConnect: () => onConnect(client), onClose: () => undefined, onMessage: (topic, payload) => messages.push(`${topic}:${payload}`) },
  );
  client.start();
  client.setNetwork(true);
  return { client, messages };
}

describe('MQTT client under refusals', () => {
  it('backs off while a broker closes on every publish, and keeps one status and one heartbeat however often it reconnects', () => {
    const timers = new ManualTimers();
    const logs: string[] = [];
    const { net, state } = scriptedBroker(timers, (packet, reply, close) => {
      if (packet.type === 1) reply(CONNACK_OK);
      else if (packet.type === PUBLISH) close(); // the hub's storage is failing: it closes instead of PUBACK
    });
    // What device.ts does on every connect: a status and a heartbeat; and one press that never gets its PUBACK.
    const { client } = clientOn(net, timers, logs, [], (connected) => {
      connected.publish('lb/1/s/btn-1/status', () => '{"on":1}', true, () => undefined, true);
      connected.publish('lb/1/s/btn-1/hb', () => '{}', false, () => undefined, true);
    });
    client.publish('lb/1/s/btn-1/press', () => '{"k":"r","q":1,"a":0}', false, () => undefined);
    timers.advance(20_000);
    // 1, 2, 4, 8 s apart (±25 % jitter, here the middle): at most 5 connections in 20 s, not one a second.
    expect(state.connections).toBeLessThanOrEqual(6);
    expect(client.pending()).toBe(3); // the press, the newest status, the newest heartbeat
  });

  it('starts its backoff again only after a link stayed up for a while', () => {
    const timers = new ManualTimers();
    let closeAfterMs = 0;
    const { net, state } = scriptedBroker(timers, (packet, reply, close) => {
      if (packet.type !== 1) return;
      reply(CONNACK_OK);
      if (closeAfterMs > 0) timers.setTimeout(close, closeAfterMs);
    });
    clientOn(net, timers, []);
    closeAfterMs = 40_000; // stable links: each reconnect comes ~1 s after the close
    timers.advance(125_000);
    const stable = state.connections;
    expect(stable).toBeGreaterThanOrEqual(3);
  });

  it('acknowledges and skips a QoS 1 message over its size limit instead of reconnecting for it forever', () => {
    const timers = new ManualTimers();
    const logs: string[] = [];
    let deliveries = 0;
    const { net, state } = scriptedBroker(timers, (packet, reply) => {
      if (packet.type === 1) {
        reply(CONNACK_OK);
        deliveries++;
        // The oversized alert, then a normal one, split across two reads.
        const big = publishPacket('lb/1/s/btn-1/alert', 'x'.repeat(3000), 1, 77, false, false);
        const small = publishPacket('lb/1/s/btn-1/alert', 'ok', 1, 78, false, false);
        reply(big.substr(0, 1500));
        reply(big.substr(1500) + small);
      }
    });
    const { client, messages } = clientOn(net, timers, logs);
    timers.advance(5000);
    expect(state.connections).toBe(1);
    expect(client.connected).toBe(true);
    expect(deliveries).toBe(1);
    expect(messages).toEqual(['lb/1/s/btn-1/alert:ok']);
    expect(state.received.filter((p) => p.type === PUBACK).map((p) => p.packetId)).toEqual([77, 78]);
    expect(logs.join('\n')).toMatch(/skipped a 30\d\d-byte packet.*topic lb\/1\/s\/btn-1\/alert/);
  });

  it('reads every SUBACK return code and says which subscription was refused', () => {
    const timers = new ManualTimers();
    const logs: string[] = [];
    const { net } = scriptedBroker(timers, (packet, reply) => {
      if (packet.type === 1) reply(CONNACK_OK);
      // SUBSCRIBE (type 8) of three topics: the first granted, the other two refused.
      if (packet.type === 8) reply(String.fromCharCode(SUBACK << 4, 5, 0, 1, 1, 0x80, 0x80));
    });
    clientOn(net, timers, logs, ['lb/1/s/pgr-1/alert', 'lb/1/s/pgr-1/cancel', 'lb/1/s/pgr-1/time']);
    timers.advance(1000);
    expect(logs.filter((l) => l.includes('refused'))).toEqual(['mqtt: subscription refused: lb/1/s/pgr-1/cancel', 'mqtt: subscription refused: lb/1/s/pgr-1/time']);
  });
});
