// What the hub's patches of aedes and mqtt-packet internals rely on, checked
// against the installed versions: an upgrade that changes any of it fails here.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { skipRoutingOfHubOnlyUplinks } from '../../../hub/broker/aedes-patches.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(onSocket: (socket: Socket) => void = () => undefined): Promise<{ aedes: Aedes; port: number }> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer((socket) => {
    onSocket(socket);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => aedes.close(() => server.close(() => resolve()))));
  return { aedes, port: (server.address() as AddressInfo).port };
}

/** Devices keep a persistent session, as the firmware does: aedes stores their QoS 1 downlinks until the PUBACK. */
async function client(port: number, clientId: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync({ host: '127.0.0.1', port, clientId, reconnectPeriod: 0, clean: false });
  cleanups.push(() => c.endAsync(true));
  return c;
}

describe('aedes behaviour the hub patches rely on', () => {
  it("calls broker.publish(packet, client, done) with the publishing client (skipRoutingOfHubOnlyUplinks)", async () => {
    const { aedes, port } = await broker();
    const calls: unknown[][] = [];
    const original = aedes.publish.bind(aedes);
    aedes.publish = ((...args: unknown[]) => {
      calls.push(args);
      return (original as (...a: unknown[]) => void)(...args);
    }) as Aedes['publish'];
    const device = await client(port, 'dev-1');
    await device.publishAsync('site/dev-1/press', 'x', { qos: 1 });
    const call = calls.find((args) => (args[0] as PublishPacket).topic === 'site/dev-1/press');
    expect(call).toBeDefined();
    expect((call![1] as Client).id).toBe('dev-1');
    expect(typeof call![2]).toBe('function');
  });

  it('with the patch, a device uplink other than status reaches no subscriber; status and the broker’s own publishes do', async () => {
    const { aedes, port } = await broker();
    skipRoutingOfHubOnlyUplinks(aedes);
    const listener = await client(port, 'listener');
    await listener.subscribeAsync('site/#', { qos: 1 });
    const seen: string[] = [];
    listener.on('message', (topic) => seen.push(topic));
    const device = await client(port, 'dev-1');
    await device.publishAsync('site/dev-1/press', 'x', { qos: 1 });
    await device.publishAsync('site/dev-1/status', 'x', { qos: 1 });
    await new Promise<void>((resolve) => aedes.publish({ cmd: 'publish', topic: 'site/hub/news', payload: Buffer.from('x'), qos: 1, retain: false, dup: false } as PublishPacket, () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.sort()).toEqual(['site/dev-1/status', 'site/hub/news']);
  });

  it("writes a publish's payload Buffer to the socket as a chunk of its own, and hands that Buffer back in the 'ack' event (coalesceWrites' whenSent, Downlink's PUBACK correlation)", async () => {
    const written: unknown[] = [];
    const { aedes, port } = await broker((socket) => {
      const write = socket.write;
      socket.write = function (this: Socket, ...args: unknown[]) {
        written.push(args[0]);
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as Socket['write'];
    });
    const ready = new Promise<Client>((resolve) => aedes.once('clientReady', resolve));
    const pager = await client(port, 'pgr-1');
    const connection = await ready;
    await pager.subscribeAsync('site/pgr-1/alert', { qos: 1 });
    const acked = new Promise<PublishPacket>((resolve) => aedes.once('ack', (packet) => resolve(packet as PublishPacket)));
    const payload = Buffer.from('{"incident":7}');
    connection.publish({ cmd: 'publish', topic: 'site/pgr-1/alert', payload, qos: 1, retain: false, dup: false } as PublishPacket, () => undefined);
    const ack = await acked;
    expect(written.some((chunk) => chunk === payload)).toBe(true);
    expect(ack.payload).toBe(payload);
  });
});
