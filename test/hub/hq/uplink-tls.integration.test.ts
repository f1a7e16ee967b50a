// The uplink over TLS (#19): a shop forwards to brokers that speak MQTT over
// TLS only, trusting the chain's own CA (uplink.caFile); without that CA the
// broker's certificate is refused and nothing leaves in the clear.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSite } from '../../../hub/hq/hq-database.js';
import { Ingester } from '../../../hub/hq/ingester.js';
import { createLogger } from '../../../hub/log.js';
import { encodePress } from '../../../shared/payloads.js';
import { UPLINK } from '../../../shared/topics.js';
import { NatsCluster } from '../../../scripts/lib/nats-cluster.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';
import { selfSignedCertificate } from '../../support/certificate.js';
import { SITE, TestShop } from '../../support/shop.js';

const PASSWORD = 'test-cafe-tls-secret';
const tls = selfSignedCertificate();
let cluster: NatsCluster;
let postgres: PostgresServer;
let pool: pg.Pool;
let ingester: Ingester;
const shops: TestShop[] = [];

beforeAll(async () => {
  if (!tls) return;
  [cluster, postgres] = await Promise.all([NatsCluster.start([{ site: SITE, password: PASSWORD }], 3, tls), PostgresServer.start()]);
  ingester = await Ingester.start({ servers: cluster.natsServers(), user: cluster.ingestUser.user, password: cluster.ingestUser.password, postgres: postgres.url(), replicas: 3, log: createLogger('silent') });
  pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
  await addSite(pool, SITE);
}, 120_000);

afterAll(async () => {
  for (const shop of shops) await shop.close();
  await ingester?.stop();
  await pool?.end();
  await cluster?.stop();
  await postgres?.stop();
});

describe('the uplink over TLS', () => {
  it('refuses a broker certificate it cannot check, then forwards over TLS with the chain’s CA', async (context) => {
    if (!tls) return context.skip(); // no openssl here
    expect(cluster.mqttUrls()[0]).toMatch(/^mqtts:/);
    // Without the CA: the system's CAs do not know the certificate; the shop says so and keeps its presses.
    const untrusting = await TestShop.open({ uplink: { brokers: cluster.mqttUrls(), password: PASSWORD } }, { realClock: true });
    shops.push(untrusting);
    const button = await untrusting.connect('btn-1');
    await button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 1, ageMs: 0 }));
    await expect.poll(() => untrusting.hub.uplinkStatus()?.lastError ?? '', { timeout: 20_000 }).toMatch(/certificate/i);
    expect(untrusting.hub.uplinkStatus()).toMatchObject({ connected: false });
    expect(untrusting.hub.uplinkStatus()!.backlog).toBeGreaterThan(0);
    expect((await pool.query('SELECT 1 FROM hq_presses')).rows).toEqual([]);
    await untrusting.close();
    shops.pop();

    const shop = await TestShop.open({ uplink: { brokers: cluster.mqttUrls(), password: PASSWORD, caFile: tls.certFile } }, { realClock: true });
    shops.push(shop);
    const again = await shop.connect('btn-1');
    await again.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    await expect.poll(async () => (await pool.query('SELECT kind FROM hq_presses')).rows, { timeout: 30_000 }).toEqual([{ kind: 'red' }]);
    expect(shop.hub.uplinkStatus()).toMatchObject({ connected: true, lastError: null });
  }, 120_000);
});
