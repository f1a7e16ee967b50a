import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESS_BURST } from '../../../shared/limits.js';
import { encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK, deviceTopic } from '../../../shared/topics.js';
import { hashPassword } from '../../../hub/auth/secrets.js';
import { DATABASE_FILE } from '../../../hub/store/database.js';
import { withStorage } from '../../../hub/store/storage.js';
import { connectPacket } from '../../../firmware/lib/mqtt-packets.js';
import { SITE, TestShop, eventually } from '../../support/shop.js';

const red = (seq: number) => encodePress({ kind: 'red', seq, ageMs: 0 });

describe('access control', () => {
  let shop: TestShop;

  beforeEach(async () => {
    shop = await TestShop.open();
  });

  afterEach(async () => {
    await shop.close();
  });

  async function refusedConnect(options: mqtt.IClientOptions): Promise<string> {
    const attempt = mqtt.connectAsync(`mqtt://127.0.0.1:${shop.hub.mqttPort}`, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const error = await attempt.then(
      async (client) => {
        await client.endAsync(true);
        return null;
      },
      (e: Error) => e,
    );
    expect(error, 'connection should have been refused').not.toBeNull();
    return error!.message;
  }

  it('refuses wrong secrets, unknown devices, anonymous clients and a secret reused under another client id', async () => {
    expect(await refusedConnect({ clientId: 'btn-1', username: 'btn-1', password: 'not-the-secret' })).toMatch(/Bad username or password/i);
    // An unknown device gets the same answer as a wrong secret (issue #14.15): a CONNACK does not tell which ids exist.
    expect(await refusedConnect({ clientId: 'btn-9', username: 'btn-9', password: 'whatever' })).toMatch(/Bad username or password/i);
    expect(await refusedConnect({ clientId: 'someone' })).toMatch(/Bad username or password/i);
    // A valid secret under a client id that is not the device's own.
    expect(await refusedConnect({ clientId: 'btn-2', username: 'btn-1', password: shop.secrets['btn-1'] })).toMatch(/Identifier rejected/i);
    // The same secret for a different device's username.
    expect(await refusedConnect({ clientId: 'btn-2', username: 'btn-2', password: shop.secrets['btn-1'] })).toMatch(/Bad username or password/i);
    expect(shop.hub.refusals.connect).toBe(5);
  });

  it('takes a device secret stored as scrypt (before the fast hash) and stores the fast hash instead', async () => {
    await withStorage(shop.dir, async (storage) => storage.devices.setSecretHash('btn-2', await hashPassword(shop.secrets['btn-2']), Date.now()));
    expect(shop.query<{ h: string }>("SELECT secret_hash AS h FROM credentials WHERE device_id = 'btn-2'")[0].h).toMatch(/^scrypt\$/);
    await shop.connect('btn-2');
    expect(shop.query<{ h: string }>("SELECT secret_hash AS h FROM credentials WHERE device_id = 'btn-2'")[0].h).toMatch(/^sha256\$/);
    await shop.connect('btn-2', { clientId: 'btn-2' }); // and the fast hash takes it
  });

  it('refuses a device publishing on another device’s topic, and closes its connection', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    const closed = new Promise<void>((resolve) => button.client.once('close', () => resolve()));
    button.client.publish(deviceTopic(SITE, 'btn-2', UPLINK.press), red(1), { qos: 1 });
    await closed;
    expect(shop.query('SELECT * FROM presses')).toEqual([]);
    expect(shop.query('SELECT * FROM incidents')).toEqual([]);
    expect(anna.messages(DOWNLINK.alert)).toEqual([]);
    expect(shop.hub.refusals.publish).toBe(1);
  });

  it('refuses a button publishing a pager’s message kind, and retained messages outside status', async () => {
    const first = await shop.connect('btn-1');
    let closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    first.client.publish(first.topic(UPLINK.ack), '{"i":1}', { qos: 1 });
    await closed;

    const second = await shop.connect('btn-1');
    closed = new Promise<void>((resolve) => second.client.once('close', () => resolve()));
    second.client.publish(second.topic(UPLINK.press), red(1), { qos: 1, retain: true });
    await closed;
    expect(shop.query('SELECT * FROM presses')).toEqual([]);
    expect(shop.hub.refusals.publish).toBe(2);
  });

  it('refuses subscriptions to #, $SYS and other devices’ topics but keeps the connection', async () => {
    const button = await shop.connect('btn-1');
    for (const filter of ['#', '$SYS/#', `lb/1/${SITE}/+/alert`, deviceTopic(SITE, 'pgr-anna', DOWNLINK.alert), deviceTopic(SITE, 'btn-1', DOWNLINK.alert)]) {
      // mqtt.js rejects a subscription the broker refused (SUBACK return code 0x80).
      const refused = await button.client.subscribeAsync(filter, { qos: 1 }).then(
        () => false,
        (error: Error) => /Subscribe error/.test(error.message),
      );
      expect(refused, filter).toBe(true);
    }
    expect(shop.hub.refusals.subscribe).toBe(5);
    // Still connected, still allowed its own topic.
    await button.publish(UPLINK.press, red(1));
    expect(shop.query('SELECT * FROM presses')).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[1,2]'],
    ['an unknown kind', '{"k":"x","q":1,"a":0}'],
    ['a sequence of 0', '{"k":"r","q":0,"a":0}'],
    ['a fractional sequence', '{"k":"r","q":1.5,"a":0}'],
    ['a string sequence', '{"k":"r","q":"1","a":0}'],
    ['a negative age', '{"k":"r","q":1,"a":-5}'],
    ['an age beyond a week', '{"k":"r","q":1,"a":999999999999}'],
    ['an oversized payload', JSON.stringify({ k: 'r', q: 1, a: 0, pad: 'x'.repeat(400) })],
  ])('refuses a press with %s and stores nothing', async (_what, payload) => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    const closed = new Promise<void>((resolve) => button.client.once('close', () => resolve()));
    button.client.publish(button.topic(UPLINK.press), payload, { qos: 1 });
    await closed;
    expect(shop.query('SELECT * FROM presses')).toEqual([]);
    expect(anna.messages(DOWNLINK.alert)).toEqual([]);
  });

  it('cuts a connection that announces an oversized packet before buffering it', async () => {
    const socket = tcpConnect(shop.hub.mqttPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // PUBLISH with a remaining length of 2 MB (varint 0x80 0x80 0x80 0x01) and a few bytes of it.
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x01, 0x00, 0x01, 0x61]));
    await closed;
    expect(shop.hub.refusals.oversized).toBe(1);
  });

  it('limits presses per device per second; refused presses are not acknowledged or stored', async () => {
    const button = await shop.connect('btn-1');
    // The clock stands still, so no tokens are refilled: the burst is all there is.
    const acknowledged: number[] = [];
    for (let seq = 1; seq <= PRESS_BURST + 10; seq++) {
      button.client.publish(button.topic(UPLINK.press), red(seq), { qos: 1 }, (error) => {
        if (!error) acknowledged.push(seq);
      });
    }
    await eventually(() => !button.client.connected, 5000, 'disconnect');
    // The presses accepted before the refusal may still be on their way to the disk.
    await eventually(() => shop.query('SELECT seq FROM presses').length >= PRESS_BURST, 5000, 'accepted presses committed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stored = shop.query<{ seq: number }>('SELECT seq FROM presses ORDER BY seq').map((r) => r.seq);
    expect(stored.length).toBe(PRESS_BURST);
    expect(acknowledged.length).toBeLessThanOrEqual(PRESS_BURST);
    // Every press the button saw acknowledged is stored.
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    expect(shop.hub.refusals.publish).toBeGreaterThanOrEqual(1);
  });
});

describe('a storage error inside a broker hook', () => {
  it('refuses that client as "server unavailable", raises the storage alarm, and the hub stays up (issue #14.8)', async () => {
    const shop = await TestShop.open();
    try {
      const boss = await shop.connect('pgr-boss');
      const db = new Database(join(shop.dir, DATABASE_FILE));
      db.exec('DROP TABLE credentials'); // what a damaged credentials page looks like to the hub: the read throws
      db.close();
      const connack = await new Promise<Buffer>((resolve, reject) => {
        const socket = tcpConnect({ host: '127.0.0.1', port: shop.hub.mqttPort }, () =>
          socket.write(Buffer.from(connectPacket({ clientId: 'btn-1', username: 'btn-1', password: 'anything', keepaliveSeconds: 30, cleanSession: false, will: null }), 'latin1')),
        );
        socket.once('data', (data) => {
          socket.destroy();
          resolve(data);
        });
        socket.once('error', reject);
      });
      expect([connack[0], connack[3]]).toEqual([0x20, 3]); // CONNACK, "server unavailable"
      expect(await boss.next(DOWNLINK.alert, (a) => a.k === 's')).toMatchObject({ l: 'Hub disk' }); // the managers are told
      expect((await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/health`)).status).toBe(200);
    } finally {
      await shop.close();
    }
  });
});
