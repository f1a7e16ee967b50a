// Hostile input against a running hub: garbage, truncated and oversized
// packets, deep topics, malformed payloads, other devices' topics, forbidden
// subscriptions, wrong and reused secrets, floods. The hub must stay up with
// bounded memory, store nothing invalid, and count every refusal it makes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectPacket, publishPacket, subscribePacket } from '../../firmware/lib/mqtt-packets.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { PRESS_BURST } from '../../shared/limits.js';
import { encodePress } from '../../shared/payloads.js';
import { deviceTopic } from '../../shared/topics.js';
import { RawMqttClient } from '../bench/raw-mqtt.js';
import { HubProcess, provision, sleep, until } from '../lib/hub-process.js';

const SITE = 'hostile';
const PARALLEL = 25;

export interface HostileResult {
  cases: number;
  byCategory: Record<string, number>;
  hubAlive: boolean;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  /** Genuine presses sent (by the flooding button), acknowledged by the hub, and rows in the log. */
  validPresses: number;
  acknowledged: number;
  rowsStored: number;
  refusals: Record<string, number>;
  passed: boolean;
  problems: string[];
}

const CATEGORIES = [
  'random bytes',
  'truncated packets',
  'oversized packets',
  'deep topics',
  'malformed payloads',
  'foreign topics',
  'forbidden subscriptions',
  'wrong secrets',
  'reused secrets',
  'floods',
] as const;
type Category = (typeof CATEGORIES)[number];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Writes bytes on a fresh connection and waits until the hub closes it (or `ms` pass). */
async function raw(port: number, bytes: Buffer, ms = 300): Promise<void> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect', () => socket.write(bytes));
  });
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** An authenticated device sends `bytes` after its CONNECT; resolves when the hub closes it (or `ms` pass). */
async function asDevice(port: number, id: string, secret: string, after: string, ms = 300): Promise<void> {
  await raw(port, Buffer.concat([latin1(connectPacket({ clientId: id, username: id, password: secret, keepaliveSeconds: 0, cleanSession: true, will: null })), latin1(after)]), ms);
}

function malformedPayload(): string {
  return pick([
    () => randomBytes(Math.floor(Math.random() * 60)).toString('latin1'),
    () => JSON.stringify({ k: pick(['r', 'g', 'x', 1, null]), q: pick([0, -1, 1.5, '7', 2 ** 40, null]), a: pick([-5, 'x', 1e12, null]) }),
    () => JSON.stringify([1, 2, 3]),
    () => JSON.stringify({ k: 'r', q: 1, a: 0, pad: 'x'.repeat(300) }),
    () => '{"k":"r","q":',
    () => 'null',
  ])();
}

export async function runHostileInput(cases: number, log: (line: string) => void): Promise<HostileResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-hostile-'));
  // One attacking device per parallel slot: two connections with one client id would take each other over.
  const attackers = Array.from({ length: PARALLEL }, (_, i) => `atk-${i + 1}`);
  const devices = [...attackers, 'btn-flood', 'pgr-1'];
  const secrets = await provision(join(dir, 'data'), devices);
  const hub = await HubProcess.start(dir, {
    site: SITE,
    dataDir: 'data',
    logLevel: 'silent',
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0 },
    openingHours: {},
    devices: devices.map((id) => ({ id, kind: id.startsWith('pgr') ? 'pager' : 'button', label: id })),
    defaultRoute: [['pgr-1']],
  });
  const port = hub.mqttPort;
  const byCategory: Record<string, number> = {};
  const expected = { connect: 0, publish: 0, subscribe: 0, oversized: 0 };
  let floodSeq = 0;
  const sentSeqs = new Set<number>();
  const ackedSeqs = new Set<number>();
  const problems: string[] = [];

  const runCase = async (category: Category, slot: number): Promise<void> => {
    byCategory[category] = (byCategory[category] ?? 0) + 1;
    const me = attackers[slot];
    const other = attackers[(slot + 1) % attackers.length];
    switch (category) {
      case 'random bytes':
        return raw(port, randomBytes(1 + Math.floor(Math.random() * 300)), 150);
      case 'truncated packets': {
        const full = latin1(connectPacket({ clientId: me, username: me, password: secrets.get(me)!, keepaliveSeconds: 10, cleanSession: true, will: null }));
        return raw(port, full.subarray(0, 1 + Math.floor(Math.random() * (full.length - 1))), 150);
      }
      case 'oversized packets': {
        expected.oversized++;
        const length = 2048 + Math.floor(Math.random() * 256 * 2 ** 20);
        const header = [0x30];
        let n = length;
        do {
          header.push((n % 128) | (n >= 128 ? 0x80 : 0));
          n = Math.floor(n / 128);
        } while (n > 0);
        return raw(port, Buffer.concat([Buffer.from(header), randomBytes(64)]));
      }
      case 'deep topics': {
        expected.publish++;
        const levels = 6 + Math.floor(Math.random() * 90); // aedes itself refuses more than 100 levels
        const topic = `lb/1/${SITE}/${me}/press/${Array.from({ length: levels - 5 }, (_, i) => `x${i}`).join('/')}`;
        return asDevice(port, me, secrets.get(me)!, publishPacket(topic, encodePress({ kind: 'red', seq: 1, ageMs: 0 }), 1, 1, false, false));
      }
      case 'malformed payloads':
        expected.publish++;
        return asDevice(port, me, secrets.get(me)!, publishPacket(deviceTopic(SITE, me, 'press'), malformedPayload(), 1, 1, false, false));
      case 'foreign topics': {
        expected.publish++;
        const topic = pick([deviceTopic(SITE, other, 'press'), deviceTopic(SITE, 'btn-flood', 'press'), deviceTopic(SITE, 'pgr-1', 'ack'), deviceTopic('other-site', me, 'press'), deviceTopic(SITE, me, 'alert'), 'anything/else']);
        return asDevice(port, me, secrets.get(me)!, publishPacket(topic, encodePress({ kind: 'red', seq: 1, ageMs: 0 }), 1, 1, false, false));
      }
      case 'forbidden subscriptions': {
        expected.subscribe++;
        const filter = pick(['#', '$SYS/#', '+/+/+/+/+', deviceTopic(SITE, 'pgr-1', 'alert'), deviceTopic(SITE, other, 'fb'), `lb/1/${SITE}/+/fb`]);
        return asDevice(port, me, secrets.get(me)!, subscribePacket(1, [filter], 1), 400);
      }
      case 'wrong secrets':
        expected.connect++;
        return raw(port, latin1(connectPacket({ clientId: me, username: me, password: randomBytes(12).toString('base64url'), keepaliveSeconds: 10, cleanSession: true, will: null })));
      case 'reused secrets': {
        expected.connect++;
        // A genuine secret, used by another device, or under another client id.
        const [clientId, username] = pick([
          [other, other],
          [other, me],
          ['pgr-1', 'pgr-1'],
        ]);
        return raw(port, latin1(connectPacket({ clientId, username, password: secrets.get(me)!, keepaliveSeconds: 10, cleanSession: true, will: null })));
      }
      case 'floods': {
        // Twice the burst at once from one genuine button: what fits the rate limit is stored, the rest is refused unacknowledged.
        const client = await RawMqttClient.connect({ port, clientId: 'btn-flood', password: secrets.get('btn-flood')!, clean: true });
        for (let i = 0; i < PRESS_BURST * 2; i++) {
          const seq = ++floodSeq;
          sentSeqs.add(seq);
          client.publish(deviceTopic(SITE, 'btn-flood', 'press'), encodePress({ kind: 'green', seq, ageMs: 0 }), () => ackedSeqs.add(seq));
        }
        await until(() => client.closed || client.inFlight === 0, 3000);
        await sleep(50);
        client.end();
        return;
      }
    }
  };

  try {
    const before = await hub.metrics();
    const floodEvery = Math.max(1, Math.floor(cases / 20)); // floods are costly: a few of them
    const queue: Category[] = [];
    for (let i = 0; i < cases; i++) queue.push(i % floodEvery === 0 ? 'floods' : CATEGORIES[i % (CATEGORIES.length - 1)]);
    const started = performance.now();
    for (let at = 0; at < queue.length; at += 25) {
      const batch = queue.slice(at, at + 25);
      // Floods run alone (they share one device and its rate limit); the rest in parallel.
      await Promise.all(batch.map((c, slot) => (c === 'floods' ? Promise.resolve() : runCase(c, slot))));
      for (const flood of batch.filter((c) => c === 'floods')) await runCase(flood, 0);
      if (!hub.alive) {
        problems.push(`the hub died after ${at} cases`);
        break;
      }
      if (at % 2000 === 0 && at > 0) log(`  ${at} cases, ${Math.round((performance.now() - started) / 1000)} s`);
    }
    await sleep(500);
    const after = hub.alive ? await hub.metrics() : before;
    // Still serving: a genuine press after all that is stored.
    if (hub.alive) {
      await sleep(1000); // let btn-3's rate-limit bucket refill a little
      const client = await RawMqttClient.connect({ port, clientId: 'btn-flood', password: secrets.get('btn-flood')!, clean: true });
      const seq = ++floodSeq;
      sentSeqs.add(seq);
      client.publish(deviceTopic(SITE, 'btn-flood', 'press'), encodePress({ kind: 'red', seq, ageMs: 0 }), () => ackedSeqs.add(seq));
      await until(() => ackedSeqs.has(seq), 5000);
      client.end();
      if (!ackedSeqs.has(seq)) problems.push('a genuine press after the attack was not acknowledged');
    }
    const db = new Database(join(dir, 'data', DATABASE_FILE), { readonly: true });
    const rows = db.prepare('SELECT device_id, seq FROM presses').all() as { device_id: string; seq: number }[];
    db.close();
    const rowsStored = rows.length;
    const stored = new Set(rows.filter((r) => r.device_id === 'btn-flood').map((r) => r.seq));
    // Nothing but genuine presses; every acknowledged press stored (a stored press may miss its PUBACK when the flood is cut off: the button sends it again).
    const foreign = rows.filter((r) => r.device_id !== 'btn-flood' || !sentSeqs.has(r.seq));
    if (foreign.length > 0) problems.push(`invalid presses stored: ${JSON.stringify(foreign.slice(0, 5))}`);
    const unstored = [...ackedSeqs].filter((seq) => !stored.has(seq));
    if (unstored.length > 0) problems.push(`${unstored.length} acknowledged presses are not stored`);
    const refusals = after.refusals;
    for (const [kind, count] of Object.entries(expected)) {
      if ((refusals[kind] ?? 0) < count) problems.push(`${kind} refusals counted ${refusals[kind] ?? 0}, expected at least ${count}`);
    }
    const rssBeforeMiB = Math.round(before.rssBytes / 2 ** 20);
    const rssAfterMiB = Math.round(after.rssBytes / 2 ** 20);
    if (rssAfterMiB > rssBeforeMiB + 100) problems.push(`RSS grew from ${rssBeforeMiB} to ${rssAfterMiB} MiB`);
    if (!hub.alive) problems.push('the hub is down');
    return { cases, byCategory, hubAlive: hub.alive, rssBeforeMiB, rssAfterMiB, validPresses: sentSeqs.size, acknowledged: ackedSeqs.size, rowsStored, refusals, passed: problems.length === 0, problems };
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
