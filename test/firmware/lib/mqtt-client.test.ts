import { createServer, type AddressInfo, type Server, type Socket as NodeSocket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttClient, type ClientOptions } from '../../../firmware/lib/mqtt-client.js';
import { createNodeNet, type Link } from '../../../firmware/shim/node-net.js';
import { eventually } from '../../support/shop.js';
import { startMosquitto, type Mosquitto } from '../../../scripts/bench/mosquitto.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function aedesBroker(options: AedesOptions = {}): Promise<{ broker: Aedes; port: number; sockets: Set<NodeSocket> }> {
  const broker = await Aedes.createBroker(options);
  const sockets = new Set<NodeSocket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => broker.close(() => resolve()));
      }),
  );
  return { broker, port: (server.address() as AddressInfo).port, sockets };
}

interface Harness {
  client: MqttClient;
  link: Link;
  messages: { topic: string; payload: string }[];
  events: string[];
}

function startClient(port: number, overrides: Partial<ClientOptions> = {}): Harness {
  const link: Link = { up: true, blackhole: false };
  const messages: { topic: string; payload: string }[] = [];
  const events: string[] = [];
  const client = new MqttClient(
    { net: createNodeNet({ link }), now: () => performance.now(), setTimeout, clearTimeout, random: Math.random, log: () => undefined },
    {
      host: '127.0.0.1',
      port,
      clientId: 'btn-test',
      username: 'btn-test',
      password: 'secret',
      keepaliveSeconds: 30,
      connectTimeoutMs: 2000,
      will: { topic: 'lb/1/shop/btn-test/status', payload: '{"on":0}', retain: true, qos: 1 },
      subscriptions: ['lb/1/shop/btn-test/fb'],
      maxPacketBytes: 1024,
      ...overrides,
    },
    {
      onConnect: () => events.push('connect'),
      onClose: (reason) => events.push(`close: ${reason}`),
      onMessage: (topic, payload) => messages.push({ topic, payload }),
    },
  );
  client.start();
  client.setNetwork(true);
  cleanups.push(() => client.stop());
  return { client, link, messages, events };
}

const text = (payload: string) => () => payload;

describe('MQTT client against aedes', () => {
  it('connects with credentials and a persistent session; its retained will fires when the link dies', async () => {
    let seen: { username?: string; password?: string; clean?: boolean } = {};
    const { port, sockets } = await aedesBroker({
      authenticate: (client, username, password, done) => {
        seen = { username, password: password?.toString(), clean: (client as unknown as { clean: boolean }).clean };
        done(null, true);
      },
    });
    const { client } = startClient(port);
    await eventually(() => client.connected, 5000, 'connect');
    expect(seen).toEqual({ username: 'btn-test', password: 'secret', clean: false });

    for (const socket of sockets) socket.destroy(); // the device vanishes without DISCONNECT
    const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const will = new Promise<{ payload: string; retain: boolean }>((resolve) =>
      watcher.on('message', (_topic, payload, packet) => resolve({ payload: payload.toString(), retain: packet.retain })),
    );
    await watcher.subscribeAsync('lb/1/shop/btn-test/status', { qos: 1 });
    expect(await will).toEqual({ payload: '{"on":0}', retain: true });
  });

  it('publishes QoS 1, calls back on PUBACK, and receives (and acknowledges) QoS 1 messages', async () => {
    const { port, broker } = await aedesBroker();
    const acked: unknown[] = [];
    broker.on('ack', (packet, client) => acked.push([(packet as { topic?: string } | undefined)?.topic, client?.id]));
    const { client, messages } = await (async () => {
      const h = startClient(port);
      await eventually(() => h.client.connected, 5000, 'connect');
      return h;
    })();
    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    cleanups.push(() => peer.endAsync(true));
    const got = new Promise<string>((resolve) => peer.on('message', (_t, payload) => resolve(payload.toString())));
    await peer.subscribeAsync('up/#', { qos: 1 });

    let acknowledged = false;
    const long = 'p'.repeat(20000); // a three-byte remaining length
    client.publish('up/long', text(long), false, () => (acknowledged = true));
    expect(await got).toBe(long);
    await eventually(() => acknowledged, 5000, 'PUBACK');
    expect(client.pending()).toBe(0);

    await peer.publishAsync('lb/1/shop/btn-test/fb', '{"s":"r","q":1}', { qos: 1 });
    await eventually(() => messages.length === 1, 5000, 'message');
    expect(messages[0]).toEqual({ topic: 'lb/1/shop/btn-test/fb', payload: '{"s":"r","q":1}' });
    await eventually(() => acked.some((a) => (a as unknown[])[1] === 'btn-test'), 5000, 'PUBACK from the client');
  });

  it('retransmits with DUP after a lost PUBACK, recomputing the payload', async () => {
    const attempts: { dup: boolean; payload: string }[] = [];
    const { port } = await aedesBroker({
      authorizePublish: (_client, packet, done) => {
        if (packet.topic !== 'up/x') return done(null); // the will, when the refused connection closes
        attempts.push({ dup: packet.dup, payload: packet.payload.toString() });
        // The first copy is refused: the connection closes without PUBACK.
        done(attempts.length === 1 ? new Error('disk full') : null);
      },
    });
    const { client } = startClient(port);
    let transmissions = 0;
    let acked = false;
    client.publish('up/x', () => `copy ${++transmissions}`, false, () => (acked = true));
    await eventually(() => acked, 10_000, 'PUBACK after reconnect');
    expect(attempts).toEqual([
      { dup: false, payload: 'copy 1' },
      { dup: true, payload: 'copy 2' },
    ]);
  });

  it('notices a half-open connection by keepalive and reconnects', async () => {
    const { port } = await aedesBroker();
    const h = startClient(port, { keepaliveSeconds: 1 });
    await eventually(() => h.client.connected, 5000, 'connect');
    h.link.blackhole = true;
    await eventually(() => !h.client.connected, 4000, 'half-open detected');
    expect(h.events.at(-1)).toMatch(/^close: no answer from the broker/);
    h.link.blackhole = false;
    await eventually(() => h.client.connected, 8000, 'reconnect');
  });

  it('gives up a connect attempt that is never answered, and tries again with growing delays', async () => {
    const accepted: number[] = [];
    const open = new Set<NodeSocket>();
    const silent = createServer((socket) => {
      accepted.push(performance.now());
      open.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of open) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const { client } = startClient((silent.address() as AddressInfo).port, { connectTimeoutMs: 300 });
    await eventually(() => accepted.length >= 3, 10_000, 'three attempts');
    expect(client.connected).toBe(false);
    // 300 ms timeout + ~1 s, then + ~2 s backoff (±25 %).
    const gaps = [accepted[1] - accepted[0], accepted[2] - accepted[1]];
    expect(gaps[0]).toBeGreaterThan(300 + 700);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
  });
});

describe('MQTT client against mosquitto', () => {
  let mosquitto: Mosquitto;

  async function start(): Promise<number> {
    mosquitto = await startMosquitto();
    cleanups.push(() => mosquitto.stop());
    return mosquitto.port;
  }

  it('connects, publishes QoS 1 with PUBACK, receives QoS 1, and its will fires', async () => {
    const port = await start();
    const h = startClient(port);
    await eventually(() => h.client.connected, 5000, 'connect to mosquitto');

    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    cleanups.push(() => peer.endAsync(true));
    const received: { topic: string; payload: string; retain: boolean }[] = [];
    peer.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await peer.subscribeAsync(['up/#', 'lb/1/shop/btn-test/status'], { qos: 1 });

    let acked = false;
    client(h).publish('up/press', text('{"k":"r","q":1,"a":0}'), false, () => (acked = true));
    await eventually(() => acked && received.some((m) => m.topic === 'up/press'), 5000, 'publish through mosquitto');

    await peer.publishAsync('lb/1/shop/btn-test/fb', 'x'.repeat(300), { qos: 1 });
    await eventually(() => h.messages.length === 1, 5000, 'message from mosquitto');
    expect(h.messages[0].payload).toHaveLength(300);

    // Keepalive failure on the device's side: mosquitto drops it and publishes the will.
    h.link.blackhole = true;
    h.client.stop();
    await eventually(() => received.some((m) => m.topic.endsWith('/status')), 5000, 'will');
  });

  it('delivers what was published while the network was down, after it comes back', async () => {
    const port = await start();
    const h = startClient(port);
    await eventually(() => h.client.connected, 5000, 'connect');
    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    cleanups.push(() => peer.endAsync(true));
    const got: string[] = [];
    peer.on('message', (_t, payload) => got.push(payload.toString()));
    await peer.subscribeAsync('up/#', { qos: 1 });

    h.client.setNetwork(false);
    for (let i = 1; i <= 5; i++) h.client.publish('up/n', text(String(i)), false, () => undefined);
    expect(h.client.pending()).toBe(5);
    h.client.setNetwork(true);
    await eventually(() => h.client.pending() === 0 && got.length === 5, 10_000, 'drain');
    expect(got).toEqual(['1', '2', '3', '4', '5']);
  });
});

function client(h: Harness): MqttClient {
  return h.client;
}
