// The head office's engines as the tests run them (#19): a real 3-node NATS
// cluster (MQTT in, JetStream inside) and a real PostgreSQL, started here.
// A shop may publish only under its own site; a message a shop published
// over MQTT with QoS 1 is in the replicated stream the ingesters read, and
// survives one node killed.
import { AckPolicy, connect, type JsMsg, type NatsConnection } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsCluster } from '../../../scripts/lib/nats-cluster.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';
import { connectOnce } from '../../support/mqtt-once.js';

let cluster: NatsCluster;
let postgres: PostgresServer;
let nc: NatsConnection;

beforeAll(async () => {
  [cluster, postgres] = await Promise.all([NatsCluster.start([{ site: 'cafe-a', password: 'a-secret' }, { site: 'cafe-b', password: 'b-secret' }]), PostgresServer.start()]);
  nc = await connect({ servers: cluster.natsServers(), user: cluster.ingestUser.user, pass: cluster.ingestUser.password });
  const jsm = await nc.jetstreamManager({ timeout: 20_000 });
  await jsm.streams.add({ name: 'HQ', subjects: ['hq.v1.*.events'], num_replicas: 3 });
}, 90_000);

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
  await postgres?.stop();
});

describe('head-office engines', () => {
  it('takes a shop’s QoS 1 message into a 3-replica stream, refuses a site publishing as another, and keeps the stream through a node killed', async () => {
    // The account's first MQTT client: its CONNACK waits for the cluster to create the MQTT streams (three replicas).
    // Connected once: the forged publish below ends the connection, and nothing should send it again.
    const shop = await connectOnce(cluster.mqttUrls()[0], { clientId: 'cafe-a', username: 'cafe-a', password: 'a-secret', clean: false, connectTimeout: 20_000 });
    await shop.publishAsync('hq/v1/cafe-a/events', JSON.stringify({ n: 1 }), { qos: 1 });
    // As another site: the broker drops it (NATS answers a denied MQTT publish by closing the connection, or by silence).
    await shop.publishAsync('hq/v1/cafe-b/events', JSON.stringify({ forged: true }), { qos: 1 }).catch(() => undefined);
    await shop.endAsync(true).catch(() => undefined);

    // Generous timeouts: a busy machine (this 2-core one, with other tests) answers JetStream's API slowly after a node dies.
    const js = nc.jetstream({ timeout: 20_000 });
    const jsm = await nc.jetstreamManager({ timeout: 20_000 });
    await expect.poll(async () => (await jsm.streams.info('HQ')).state.messages, { timeout: 10_000 }).toBe(1);
    await jsm.consumers.add('HQ', { durable_name: 'ingest', ack_policy: AckPolicy.Explicit });
    cluster.kill('hq-1');
    // The client moves to another node; the stream and its consumer have replicas there (a new leader is elected).
    let message: JsMsg | null = null;
    for (let tries = 0; !message && tries < 15; tries++) {
      message = await js.consumers
        .get('HQ', 'ingest')
        .then((consumer) => consumer.next({ expires: 2000 }))
        .catch(() => null);
    }
    expect(message?.subject).toBe('hq.v1.cafe-a.events');
    expect(JSON.parse(message!.string())).toEqual({ n: 1 });
    message!.ack();
    await cluster.restart('hq-1');
    // By now anything the broker took is in the stream: the forged message never was.
    await expect.poll(async () => (await jsm.streams.info('HQ').catch(() => null))?.state.messages, { timeout: 20_000 }).toBe(1);
   }, 120_000);

  it('runs PostgreSQL, and it comes back after a restart', async () => {
    const client = new pg.Client({ connectionString: postgres.url() });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.query('CREATE TABLE t (x int)');
    await client.query('INSERT INTO t VALUES (7)');
    await client.end();
    await postgres.restart();
    const again = new pg.Client({ connectionString: postgres.url() });
    await again.connect();
    expect((await again.query('SELECT x FROM t')).rows).toEqual([{ x: 7 }]);
    await again.end();
  });
});
