// A shop's hub forwarding to the head office (#19), end to end on the real
// engines: the hub's uplink (the feed written in the log's commits) over MQTT
// to a 3-node NATS cluster, two ingesters sharing one durable consumer,
// PostgreSQL. What the shop committed is at the head office exactly once —
// also through a broker node killed, an ingester stopped and PostgreSQL
// restarted while presses flow — and the shop's backlog drains to nothing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../../hub/hq/hq-database.js';
import { Ingester } from '../../../hub/hq/ingester.js';
import { createLogger } from '../../../hub/log.js';
import { encodeAck, encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { NatsCluster } from '../../../scripts/lib/nats-cluster.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';
import { SITE, TestShop, eventually, type TestDevice } from '../../support/shop.js';
import { connectOnce } from '../../support/mqtt-once.js';
import { PASSWORD, as } from '../../support/dashboard.js';

const SHOP_PASSWORD = 'test-cafe-uplink-secret';
let cluster: NatsCluster;
let postgres: PostgresServer;
let pool: pg.Pool;
const ingesters: Ingester[] = [];
let shop: TestShop;

const log = createLogger(process.env.LB_TEST_LOG ?? 'silent');
const startIngester = async () => {
  const ingester = await Ingester.start({ servers: cluster.natsServers(), user: cluster.ingestUser.user, password: cluster.ingestUser.password, postgres: postgres.url(), replicas: 3, log });
  ingesters.push(ingester);
  return ingester;
};

beforeAll(async () => {
  [cluster, postgres] = await Promise.all([NatsCluster.start([{ site: SITE, password: SHOP_PASSWORD }]), PostgresServer.start()]);
  await startIngester();
  await startIngester();
  pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
  pool.on('error', () => undefined); // its idle connections end with the restart; the next query opens new ones
  await addSite(pool, SITE);
  shop = await TestShop.open({ uplink: { brokers: cluster.mqttUrls(), password: SHOP_PASSWORD } }, { realClock: true });
  // The tests start from a head office the shop is connected to: its first CONNACK is the one that makes
  // the cluster create the account's MQTT streams (three replicas each), the slowest connect of all.
  await eventually(() => shop.hub.uplinkStatus()?.connected === true, 60_000, () => `the shop's uplink connecting\n${cluster.recentLog()}`);
}, 120_000);

afterAll(async () => {
  await shop?.close();
  for (const ingester of ingesters) await ingester.stop();
  await pool?.end();
  await cluster?.stop();
  await postgres?.stop();
});

/** The shop's log and the head office's tables, side by side. */
async function counts(): Promise<{ shop: number[]; hq: number[] }> {
  const one = (sql: string) => (shop.query<{ n: number }>(sql)[0].n);
  const hq = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0].n);
  return {
    shop: [one('SELECT COUNT(*) AS n FROM presses'), one('SELECT COUNT(*) AS n FROM incidents'), one('SELECT COUNT(*) AS n FROM incident_events')],
    hq: await Promise.all([hq('SELECT COUNT(*) AS n FROM hq_presses'), hq('SELECT COUNT(*) AS n FROM hq_incidents'), hq('SELECT COUNT(*) AS n FROM hq_events')]),
  };
}

/** `promise`, or a failure naming what did not happen within `ms` (instead of the test's timeout saying nothing). */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${(ms / 1000).toFixed(1)} s\n${cluster.recentLog()}`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Steps of one test, each bounded by what is left of the test's time (`ms`, a
 * little under vitest's timeout): whatever stalls fails naming its step, with
 * the cluster's log. Bounds per step added up to more than the test's time, so
 * a slow-but-moving chain hit vitest's timeout first, which names nothing.
 */
function stepsWithin(ms: number) {
  const end = Date.now() + ms;
  return <T>(what: string, promise: Promise<T>): Promise<T> => within(Math.max(0, end - Date.now()), what, promise);
}

async function arrived(what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { shop: here, hq } = await counts();
    if (here.join() === hq.join() && shop.hub.uplinkStatus()?.backlog === 0) return;
    if (Date.now() > deadline) throw new Error(`${what}: shop ${here.join('/')} vs head office ${hq.join('/')}, backlog ${shop.hub.uplinkStatus()?.backlog}\n${cluster.recentLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a shop forwarding to the head office', () => {
  it('refuses a malformed, an oversized and a forged-site message with their reasons, and goes on with the next', async () => {
    const step = stepsWithin(110_000);
    // The subject here is the ingesters' refusals, not a first connect (a message sent twice would be refused twice).
    const intruder = await step("the intruder's CONNACK", connectOnce(cluster.mqttUrls()[1], { clientId: 'intruder', username: SITE, password: SHOP_PASSWORD, clean: true, connectTimeout: 20_000 }));
    const publish = (text: string) => step('the PUBACK for a refused message', intruder.publishAsync(`hq/v1/${SITE}/events`, text, { qos: 1 }));
    await publish('{"v":1,"site":');
    await publish(JSON.stringify({ v: 1, site: SITE, from: 1, to: 1, items: [{ id: 1, k: 'press', at: 1, b: { deviceId: 'x'.repeat(600_000) } }] }));
    await publish(JSON.stringify({ v: 1, site: 'cafe-other', from: 1, to: 1, items: [{ id: 1, k: 'health', at: 1, b: { deviceId: 'x', online: true } }] }));
    await publish(JSON.stringify({ v: 9, site: SITE }));
    // Its PUBACKs are in; nothing waits on its goodbye (awaiting even a forced end hung once in CI, past the test's timeout, with no word of where).
    intruder.end(true);
    await step(
      'the four refusals in hq_refusals',
      expect
        // Two ingesters share the work: the order they finish in is theirs.
        .poll(async () => (await pool.query<{ reason: string }>('SELECT reason FROM hq_refusals')).rows.map((row) => row.reason.split(':')[0]).sort(), { timeout: 30_000 })
        .toEqual(['not JSON', 'oversized', 'site "cafe-other" on the topic of "test-cafe"', 'unknown version 9']),
    );
    expect(ingesters.reduce((sum, ingester) => sum + ingester.counts.refused, 0)).toBe(4);
    // The consumer goes on: the shop's next press arrives.
    const button = await step('btn-2 connecting to the shop', shop.connect('btn-2'));
    await step("the shop's PUBACK for the press after the refusals", button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 5001, ageMs: 0 })));
    await step('the press after the refusals at the head office', arrived('the press after the refusals'));
  }, 120_000);

  it('keeps what it commits while the head office is gone, through its own restart, and catches up when it is back', async () => {
    const step = stepsWithin(230_000);
    const button = await step('btn-1 connecting to the shop', shop.connect('btn-1'));
    const before = (await counts()).shop[0];
    for (const node of cluster.nodes) cluster.kill(node.name);
    for (let seq = 1001; seq <= 1010; seq++) await step(`the shop's PUBACK for press ${seq}`, button.publish(UPLINK.press, encodePress({ kind: 'green', seq, ageMs: 0 })));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shop.hub.uplinkStatus()!.backlog).toBeGreaterThanOrEqual(10);
    // The hub restarts while the head office is away: the feed and the cursor are in its database.
    await step("the shop's hub stopping", shop.stop());
    await step("the shop's hub starting again", shop.startHub());
    expect(shop.hub.uplinkStatus()!.backlog).toBeGreaterThanOrEqual(10);
    const again = await step('btn-1 connecting again', shop.connect('btn-1'));
    for (let seq = 1011; seq <= 1015; seq++) await step(`the shop's PUBACK for press ${seq}`, again.publish(UPLINK.press, encodePress({ kind: 'green', seq, ageMs: 0 })));
    await step('the cluster back', cluster.restartAll());
    await step('the backlog at the head office', arrived('after the head office came back', 90_000));
    expect((await counts()).shop[0]).toBe(before + 15);
  }, 240_000);

  it('gets every press, incident and event there once, through a broker node killed, an ingester stopped and PostgreSQL restarted', async () => {
    const step = stepsWithin(230_000);
    const before = (await counts()).shop[0];
    const anna = await step('pgr-anna connecting', shop.connect('pgr-anna'));
    const buttons: TestDevice[] = [await step('btn-1 connecting', shop.connect('btn-1')), await step('btn-2 connecting', shop.connect('btn-2'))];
    let seq = 0;
    const press = async (n: number) => {
      for (let i = 0; i < n; i++) await buttons[i % 2].publish(UPLINK.press, encodePress({ kind: i % 3 === 0 ? 'green' : 'red', seq: ++seq, ageMs: 0 }));
    };
    await step('the first ten presses', press(10));
    const alert = await step("anna's alert", anna.next(DOWNLINK.alert));
    await step("anna's acknowledgement", anna.publish(UPLINK.ack, encodeAck({ incident: alert.i as number })));
    await step('the first presses at the head office', arrived('the first presses'));

    cluster.kill('hq-1');
    await step('ten presses with hq-1 gone', press(10));
    await step('ingester 1 stopping', ingesters[0].stop());
    await step('ten presses with one ingester', press(10));
    await step('PostgreSQL restarting', postgres.restart());
    await step('ten presses after the restart', press(10));
    await step('everything at the head office after the faults', arrived('after the faults', 90_000));
    await step('hq-1 back', cluster.restart('hq-1'));
    // Exactly once: the keys would refuse a second row, and the counts are equal, so nothing is missing either.
    expect((await counts()).shop[0]).toBe(before + 40);
    expect(shop.hub.uplinkStatus()).toMatchObject({ connected: true, backlog: 0 });
    // The shop's alarms went along (none: an empty list, said at its first tick).
    shop.jumpClock(0);
    await step('the alarms at the head office', expect.poll(async () => (await pool.query('SELECT active FROM hq_alarms')).rows, { timeout: 20_000 }).toEqual([{ active: [] }]));
    // Device health went along: the pager and the buttons, online.
    const devices = (await pool.query<{ device_id: string; online: boolean }>('SELECT device_id, online FROM hq_devices ORDER BY device_id')).rows;
    expect(devices).toEqual(expect.arrayContaining([{ device_id: 'pgr-anna', online: true }, { device_id: 'btn-2', online: true }]));
    // The shop's dashboard says how its uplink is doing.
    await shop.addUser('olga', 'owner', PASSWORD);
    const owner = await as(`http://127.0.0.1:${shop.hub.httpPort}`, 'olga');
    expect((await owner('GET', '/api/uplink')).body).toMatchObject({ uplink: { connected: true, backlog: 0, lastError: null } });
  }, 240_000);
});
