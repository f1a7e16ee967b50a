// The hub's other edges: MQTT over WebSocket, live configuration reload, and
// refusals showing up in the log with their reason.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { parseConfig, writeConfigFile } from '../../hub/config/load.js';
import { Hub } from '../../hub/hub.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { createLogger } from '../../hub/log.js';
import { issueSecret } from '../../hub/provisioning.js';
import { encodePress } from '../../shared/payloads.js';
import { deviceTopic } from '../../shared/topics.js';
import { SITE, TestShop, eventually, shopConfig } from '../support/shop.js';

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('hub edges', () => {
  it('accepts devices over MQTT on WebSocket', async () => {
    const shop = await TestShop.open();
    try {
      const client = await mqtt.connectAsync(`ws://127.0.0.1:${shop.hub.wsPort}`, {
        clientId: 'btn-1',
        username: 'btn-1',
        password: shop.secrets['btn-1'],
        reconnectPeriod: 0,
      });
      await client.publishAsync(deviceTopic(SITE, 'btn-1', 'press'), encodePress({ kind: 'green', seq: 1, ageMs: 0 }), { qos: 1 });
      await client.endAsync(true);
      expect(shop.query('SELECT seq FROM presses')).toEqual([{ seq: 1 }]);
    } finally {
      await shop.close();
    }
  });

  it('picks up a device added to the file while running, and ignores an invalid edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-reload-'));
    const path = join(dir, 'loyalty-hub.json');
    const file = shopConfig({ dataDir: '.' });
    writeConfigFile(path, file);
    const { lines, logger } = logCapture();
    const hub = await Hub.start({ config: parseConfig(file, path), dataDir: dir, configPath: path, logger, tickMs: 0 });
    try {
      const secret = await issueSecret(dir, 'btn-3');
      const connect = () =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: 'btn-3', username: 'btn-3', password: secret, reconnectPeriod: 0 });
      await expect(connect()).rejects.toThrow(/Bad username or password/);

      writeConfigFile(path, { ...file, devices: [...file.devices!, { id: 'btn-3', kind: 'button', label: 'Terrace' }] });
      await eventually(() => lines.some((l) => l.msg === 'configuration reloaded'), 5000, 'reload');
      const client = await connect();
      await client.endAsync(true);

      // An invalid edit (written around the validation, as a person with an editor would) is ignored.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, JSON.stringify({ ...file, timeZone: 'Nowhere/Else' }));
      await eventually(() => lines.some((l) => l.msg === 'configuration change ignored: the file is invalid'), 5000, 'rejection');
      expect(String(lines.find((l) => l.msg === 'configuration change ignored: the file is invalid')!.error)).toContain('timeZone: is not an IANA time zone');
      const still = await connect();
      await still.endAsync(true);
    } finally {
      await hub.stop();
    }
  });

  it('withdraws a removed button’s open complaint, the pager told, and keeps its history (#17)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-remove-'));
    const path = join(dir, 'loyalty-hub.json');
    const file = shopConfig({ dataDir: '.' });
    writeConfigFile(path, file);
    const { lines, logger } = logCapture();
    const secrets = { 'btn-1': await issueSecret(dir, 'btn-1'), 'pgr-anna': await issueSecret(dir, 'pgr-anna') };
    const hub = await Hub.start({ config: parseConfig(file, path), dataDir: dir, configPath: path, logger, tickMs: 0 });
    const clients: mqtt.MqttClient[] = [];
    try {
      const connect = async (id: 'btn-1' | 'pgr-anna') => {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: id, username: id, password: secrets[id], reconnectPeriod: 0, clean: false });
        clients.push(client);
        return client;
      };
      const anna = await connect('pgr-anna');
      const received: { topic: string; payload: string }[] = [];
      anna.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
      await anna.subscribeAsync(deviceTopic(SITE, 'pgr-anna', 'alert'), { qos: 1 });
      await anna.subscribeAsync(deviceTopic(SITE, 'pgr-anna', 'cancel'), { qos: 1 });
      const button = await connect('btn-1');
      await button.publishAsync(deviceTopic(SITE, 'btn-1', 'press'), encodePress({ kind: 'red', seq: 1, ageMs: 0 }), { qos: 1 });
      await eventually(() => received.some((m) => m.topic.endsWith('/alert')), 5000, 'alert');
      await button.endAsync(true);

      const { 'btn-1': _removed, ...routes } = file.routes!;
      writeConfigFile(path, { ...file, devices: file.devices!.filter((d) => d.id !== 'btn-1'), routes });
      await eventually(() => lines.some((l) => l.msg === 'configuration reloaded'), 5000, 'reload');
      await eventually(() => received.some((m) => m.topic.endsWith('/cancel')), 5000, 'cancel');
      expect(JSON.parse(received.find((m) => m.topic.endsWith('/cancel'))!.payload)).toMatchObject({ w: 'x' });
      const db = new (await import('better-sqlite3')).default(join(dir, DATABASE_FILE), { readonly: true });
      try {
        await eventually(() => db.prepare('SELECT 1 FROM incidents WHERE resolved_at IS NOT NULL').all().length === 1, 5000, 'withdrawn in the log');
        expect(db.prepare('SELECT COUNT(*) AS n FROM presses').get()).toEqual({ n: 1 }); // the history stays
      } finally {
        db.close();
      }
    } finally {
      for (const client of clients) await client.endAsync(true).catch(() => undefined);
      await hub.stop();
    }
  });

  it('logs every refusal with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-log-'));
    const file = shopConfig();
    const secret = await issueSecret(dir, 'btn-1');
    const { lines, logger } = logCapture();
    const hub = await Hub.start({ config: parseConfig(file, 'x'), dataDir: dir, logger, tickMs: 0 });
    try {
      await expect(
        mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: 'wrong', reconnectPeriod: 0 }),
      ).rejects.toThrow();
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: secret, reconnectPeriod: 0 });
      await client.subscribeAsync('#').catch(() => undefined);
      client.publish(deviceTopic(SITE, 'btn-1', 'press'), '{"k":"r"}', { qos: 1 });
      await eventually(() => !client.connected, 5000, 'disconnect');
      client.end(true);
      const refusals = lines.filter((l) => typeof l.reason === 'string').map((l) => [l.msg, l.reason]);
      expect(refusals).toEqual([
        ['connection refused', 'wrong secret for device "btn-1"'],
        ['subscription refused', 'subscribe to "#": wildcards are not allowed'],
        ['publish refused', 'bad press: sequence (q) is missing'],
      ]);
    } finally {
      await hub.stop();
    }
  });
});

describe('time sync', () => {
  it('sends the hub’s clock to a device when it subscribes to its time topic', async () => {
    const shop = await TestShop.open();
    try {
      const button = await shop.connect('btn-1');
      expect(await button.next('time')).toEqual({ t: shop.clock.now() });
    } finally {
      await shop.close();
    }
  });
});
