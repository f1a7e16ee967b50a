// npm run chain [-- --quick] [--shops N] [--json FILE]
//
// A chain of shops forwarding to a head office, on the real engines: a 3-node
// NATS cluster (MQTT in, JetStream inside), PostgreSQL, ingesters as their own
// processes; light shops (real SQLite logs and the hub's own forwarder, a
// thousand in this process) and a few whole hubs with buttons. Phases:
//   ingest   the shops' backlog waits in the stream; the ingesters start and drain it (rows/s)
//   steady   presses at a steady rate across all shops (commit in shop → row at HQ lag)
//   faults   presses flow on while a broker node is killed and back, an ingester
//            is killed with -9, PostgreSQL restarts, a hub is killed with -9
//            mid-forwarding, a shop is offline for a simulated day, a shop's
//            batches arrive twice and out of order, a site publishes as another
//   verdict  every shop's log against the head office's tables: lost, duplicated
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import mqtt from 'mqtt';
import pg from 'pg';
import { connect } from 'nats';
import { addSite, migrate } from '../../hub/hq/hq-database.js';
import { prepareStream } from '../../hub/hq/ingester.js';
import { createLogger } from '../../hub/log.js';
import { eventsTopic, feedMessage } from '../../hub/uplink/forwarder.js';
import { sleep } from '../lib/hub-process.js';
import { NatsCluster } from '../lib/nats-cluster.js';
import { PostgresServer } from '../lib/postgres-server.js';
import { FullShop } from './full-shop.js';
import { IngesterProcess } from './ingester-process.js';
import { LightShop } from './light-shop.js';

const say = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const DAY_MS = 86_400_000;

export interface ChainOptions {
  shops: number;
  fullHubs: number;
  ingesters: number;
  backlogPresses: number;
  steadyRate: number;
  steadySeconds: number;
  dayPresses: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ChainResult {
  date: string;
  machine: string;
  options: ChainOptions;
  setup: { connectAllMs: number };
  ingest: { feedRows: number; presses: number; seconds: number; rowsPerSecond: number };
  steady: { presses: number; rate: number; lagMs: Percentiles };
  faults: { log: string[]; dayOffline: { presses: number; feedRows: number; catchUpMs: number }; replay: { deliveries: number; rows: number }; forged: { brokerAnswer: string; refusedByIngester: number; rowsWritten: number } };
  verdict: { shops: number; pressesInShops: number; pressesAtHq: number; incidentsInShops: number; incidentsAtHq: number; eventsInShops: number; eventsAtHq: number; lost: number; duplicated: number; passed: boolean };
}

const PRESETS: Record<'quick' | 'full', ChainOptions> = {
  quick: { shops: 20, fullHubs: 1, ingesters: 2, backlogPresses: 30, steadyRate: 20, steadySeconds: 10, dayPresses: 200 },
  full: { shops: 1000, fullHubs: 3, ingesters: 2, backlogPresses: 30, steadyRate: 200, steadySeconds: 60, dayPresses: 200 },
};

async function pollUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

export async function runChain(options: ChainOptions): Promise<ChainResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-chain-'));
  const password = (site: string) => `chain-secret-${site}`;
  const lightSites = Array.from({ length: options.shops }, (_, i) => `shop-${String(i + 1).padStart(4, '0')}`);
  const fullSites = Array.from({ length: options.fullHubs }, (_, i) => `hub-${i + 1}`);
  const allSites = [...lightSites, ...fullSites];
  const quiet = createLogger('silent');
  let cluster: NatsCluster | undefined;
  let postgres: PostgresServer | undefined;
  let pool: pg.Pool | undefined;
  const ingesters: IngesterProcess[] = [];
  const light: LightShop[] = [];
  const full: FullShop[] = [];
  const faultLog: string[] = [];
  const fault = (line: string) => {
    faultLog.push(line);
    say(`  fault: ${line}`);
  };
  try {
    say(`starting a 3-node NATS cluster (${allSites.length} site users) and PostgreSQL`);
    [cluster, postgres] = await Promise.all([NatsCluster.start(allSites.map((site) => ({ site, password: password(site) }))), PostgresServer.start()]);
    const c = cluster;
    const pgServer = postgres;
    const startIngester = async () => ingesters.push(await IngesterProcess.start(c.natsServers(), c.ingestUser, pgServer.url()));
    pool = new pg.Pool({ connectionString: postgres.url(), max: 4 });
    pool.on('error', () => undefined);
    const db = pool;
    // The schema and the stream as the first ingester would make them: the ingesters start later, on a stream full of backlog.
    await migrate(db);
    const nc = await connect({ servers: c.natsServers(), user: c.ingestUser.user, pass: c.ingestUser.password });
    await prepareStream(nc, c.nodes.length);
    await nc.close();
    for (const site of allSites) await addSite(db, site);
    const hqCount = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);

    say(`opening ${options.shops} light shops and ${options.fullHubs} whole hubs`);
    const settings = (site: string) => ({ brokers: c.mqttUrls(), password: password(site), batch: 200 });
    for (const site of lightSites) light.push(new LightShop(site, join(dir, site), settings(site), quiet));
    for (const site of fullSites) full.push(await FullShop.open(site, c.mqttUrls(), password(site)));
    const connectStarted = performance.now();
    for (const shop of light) shop.online();
    await pollUntil('every shop connected', () => light.every((shop) => shop.status().connected), 300_000);
    const connectAllMs = performance.now() - connectStarted;
    say(`  ${options.shops} forwarders connected (persistent sessions) in ${(connectAllMs / 1000).toFixed(1)} s`);

    // ---- ingest: the backlog waits in the stream, then the ingesters drain it ----
    say('ingest: no ingester runs yet; every light shop commits its backlog and forwards it into the stream');
    const ingestFrom = Date.now();
    const lastBefore = new Map(light.map((shop) => [shop.site, shop.storage.uplink.last()]));
    for (let i = 0; i < options.backlogPresses; i++) for (const shop of light) shop.press(i % 3 === 0 ? 'red' : 'green');
    const feedRows = light.reduce((sum, shop) => sum + shop.storage.uplink.last() - lastBefore.get(shop.site)!, 0);
    await pollUntil('the backlog on the wire', () => light.every((shop) => shop.allSent()), 120_000);
    say(`  ${feedRows} feed rows in the stream; ${options.ingesters} ingesters start`);
    const ingestersAt = Date.now();
    await Promise.all(Array.from({ length: options.ingesters }, startIngester));
    say(`    ingesters up in ${Date.now() - ingestersAt} ms`);
    await pollUntil('the backlog stored', () => light.every((shop) => shop.backlog() === 0), Number(process.env.LB_CHAIN_WAIT ?? 600_000)).catch(async (error: Error) => {
      const stuck = light.filter((shop) => shop.backlog() > 0);
      throw new Error(`${error.message}: ${stuck.length} shops wait (${stuck[0]?.site} ${stuck[0]?.backlog()}), ${await hqCount('SELECT COUNT(*) AS n FROM hq_presses')} presses at HQ\n${ingesters.map((i) => i.output().slice(-1500)).join('\n')}`);
    });
    const window = (await db.query<{ presses: string; seconds: number; first: number }>('SELECT COUNT(*) AS presses, EXTRACT(EPOCH FROM MAX(stored_at) - MIN(stored_at))::float AS seconds, EXTRACT(EPOCH FROM MIN(stored_at))::float * 1000 AS first FROM hq_presses WHERE received_at >= $1', [ingestFrom])).rows[0];
    say(`    first row ${Math.round(window.first - ingestersAt)} ms after the ingesters were started, all confirmed after ${Date.now() - ingestersAt} ms`);
    const ingest = { feedRows, presses: Number(window.presses), seconds: window.seconds, rowsPerSecond: Math.round(feedRows / window.seconds) };
    say(`  ${ingest.feedRows} feed rows (${ingest.presses} presses) stored in ${ingest.seconds.toFixed(2)} s: ${ingest.rowsPerSecond} rows/s`);

    // ---- steady: presses across all shops at a steady rate ----
    const everyone = () => [...light.filter((shop) => shop.isOnline), ...full];
    let pressing = true;
    let made = 0;
    const load = (async () => {
      const tickMs = 50;
      let owed = 0;
      while (pressing) {
        owed += (options.steadyRate * tickMs) / 1000;
        const shops = everyone();
        for (; owed >= 1; owed--) {
          const shop = shops[Math.floor(Math.random() * shops.length)];
          shop.press(Math.random() < 0.3 ? 'red' : 'green');
          made++;
        }
        await sleep(tickMs);
      }
    })();
    say(`steady: ${options.steadyRate} presses/s across ${allSites.length} shops for ${options.steadySeconds} s`);
    const steadyFrom = Date.now();
    const madeBefore = made;
    await sleep(options.steadySeconds * 1000);
    const steadyTo = Date.now();
    const steadyPresses = made - madeBefore;
    await pollUntil('the steady phase stored', () => light.every((shop) => shop.backlog() === 0), 120_000);
    const lag = (await db.query<{ count: string; p50: number; p99: number; max: number }>(
      `SELECT COUNT(*) AS count, percentile_disc(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_disc(0.99) WITHIN GROUP (ORDER BY l) AS p99, MAX(l) AS max
         FROM (SELECT EXTRACT(EPOCH FROM stored_at) * 1000 - received_at AS l FROM hq_presses WHERE received_at >= $1 AND received_at < $2) lags`,
      [steadyFrom, steadyTo],
    )).rows[0];
    const steady = { presses: steadyPresses, rate: Math.round(steadyPresses / ((steadyTo - steadyFrom) / 1000)), lagMs: { count: Number(lag.count), p50: Math.round(lag.p50 * 10) / 10, p99: Math.round(lag.p99 * 10) / 10, max: Math.round(lag.max * 10) / 10 } };
    say(`  ${steady.lagMs.count} presses: lag p50 ${steady.lagMs.p50} ms, p99 ${steady.lagMs.p99} ms, max ${steady.lagMs.max} ms`);

    // ---- faults, while presses flow on ----
    say('faults (presses flow on)');
    const dayShop = light[light.length - 1];
    const replayShop = light[light.length - 2];
    const forger = light[0];
    const victim = light[1];
    await dayShop.offline();
    fault(`${dayShop.site} goes offline and its customers press through a simulated day`);
    const dayStart = Date.now() - DAY_MS;
    const dayFeedBefore = dayShop.storage.uplink.last();
    for (let i = 0; i < options.dayPresses; i++) dayShop.press(i % 4 === 0 ? 'red' : 'green', dayStart + Math.round(((i + 0.5) * DAY_MS) / options.dayPresses));
    const dayFeedRows = dayShop.storage.uplink.last() - dayFeedBefore;

    c.kill('hq-2');
    fault('broker node hq-2 killed (SIGKILL)');
    await sleep(3000);
    await ingesters[0].kill();
    ingesters.shift();
    fault('an ingester killed (SIGKILL)');
    await sleep(2000);
    await c.restart('hq-2');
    fault('broker node hq-2 back');
    await startIngester();
    fault('a new ingester started');
    await pgServer.restart();
    fault('PostgreSQL restarted');
    await sleep(2000);
    if (full.length > 0) {
      await full[0].crash();
      fault(`${full[0].site}'s hub killed with -9 while forwarding`);
      await sleep(1000);
      await full[0].start();
      fault(`${full[0].site}'s hub started again`);
    }

    // Duplicate and reordered deliveries: the replay shop's real batches, sent out of order and twice, then its forwarder sends them all again.
    await replayShop.offline();
    for (let i = 0; i < 30; i++) replayShop.press(i % 3 === 0 ? 'red' : 'green');
    const rows = replayShop.storage.uplink.after(replayShop.storage.uplink.confirmed().confirmed, 1000);
    const batches = [rows.slice(0, 10), rows.slice(10, 20), rows.slice(20)].filter((batch) => batch.length > 0);
    const order = [2, 0, 2, 1, 0, 1].filter((i) => i < batches.length);
    const replayer = await mqtt.connectAsync(c.mqttUrls()[0], { clientId: `replay-${replayShop.site}`, username: replayShop.site, password: password(replayShop.site), clean: true, reconnectPeriod: 0 });
    for (const i of order) await replayer.publishAsync(eventsTopic(replayShop.site), feedMessage(replayShop.site, batches[i]), { qos: 1 });
    await replayer.endAsync();
    replayShop.online();
    fault(`${replayShop.site}'s batches delivered ${order.length} times out of order, then all again by its forwarder`);

    // A site publishing as another: on the other's topic (the broker's permissions), and with the other's name on its own (the ingester).
    const forgedItems = [{ id: 1, kind: 'press' as const, body: JSON.stringify({ deviceId: 'forged', seq: 1, kind: 'red', pressedAt: Date.now(), receivedAt: Date.now(), ageMs: 0, incidentId: null, trial: false }), at: Date.now() }];
    const refusalsBefore = await hqCount("SELECT COUNT(*) AS n FROM hq_refusals WHERE reason LIKE 'site %'");
    const intruder = await mqtt.connectAsync(c.mqttUrls()[0], { clientId: `forger-${forger.site}`, username: forger.site, password: password(forger.site), clean: true, reconnectPeriod: 0 });
    intruder.on('error', () => undefined);
    const onOthersTopic = await Promise.race([intruder.publishAsync(eventsTopic(victim.site), feedMessage(victim.site, forgedItems), { qos: 1 }).then(() => 'accepted', () => 'refused'), sleep(5000).then(() => 'no answer')]);
    await intruder.endAsync(true).catch(() => undefined);
    const own = await mqtt.connectAsync(c.mqttUrls()[0], { clientId: `forger2-${forger.site}`, username: forger.site, password: password(forger.site), clean: true, reconnectPeriod: 0 });
    await own.publishAsync(eventsTopic(forger.site), feedMessage(victim.site, forgedItems), { qos: 1 });
    await own.endAsync();
    // MQTT 3.1.1 has no negative PUBACK: NATS acknowledges a publish its permissions forbid and drops it (the verdict counts the rows: none).
    fault(`${forger.site} published as ${victim.site}: on ${victim.site}'s topic (broker: ${onOthersTopic}, dropped by its permissions) and on its own topic with ${victim.site}'s name`);
    await pollUntil('the ingester refused the forged site', async () => (await hqCount("SELECT COUNT(*) AS n FROM hq_refusals WHERE reason LIKE 'site %'")) > refusalsBefore, 60_000);
    await sleep(2000);

    dayShop.online();
    fault(`${dayShop.site} back online with a day's backlog`);
    const catchUpMs = await pollUntil('the offline day caught up', () => dayShop.backlog() === 0, 300_000, 5);
    say(`  ${dayFeedRows} feed rows of a day caught up in ${(catchUpMs / 1000).toFixed(2)} s`);

    pressing = false;
    await load;
    say('verdict: waiting for every shop to be confirmed');
    await pollUntil('every press made at a hub', () => full.every((shop) => shop.buttonsDone()), 60_000);
    await pollUntil('every shop confirmed', () => light.every((shop) => shop.backlog() === 0) && full.every((shop) => shop.backlog() === 0), 300_000);

    // ---- verdict: each shop's log against the head office ----
    const atHq = new Map<string, Set<string>>();
    for (const row of (await db.query<{ site: string; device_id: string; seq: string }>('SELECT site, device_id, seq FROM hq_presses')).rows) {
      if (!atHq.has(row.site)) atHq.set(row.site, new Set());
      atHq.get(row.site)!.add(`${row.device_id}/${row.seq}`);
    }
    let lost = 0;
    let inShops = 0;
    let incidentsInShops = 0;
    let eventsInShops = 0;
    const keysAt = (site: string) => atHq.get(site) ?? new Set<string>();
    const shopLogs = [
      ...light.map((shop) => ({ site: shop.site, q: <T>(sql: string) => shop.storage.db.prepare(sql).all() as T[] })),
      ...full.map((shop) => ({ site: shop.site, q: <T>(sql: string) => shop.query<T>(sql) })),
    ];
    for (const { site, q } of shopLogs) {
      const presses = q<{ device_id: string; seq: number }>('SELECT device_id, seq FROM presses WHERE trial = 0');
      inShops += presses.length;
      const hq = keysAt(site);
      lost += presses.filter((p) => !hq.has(`${p.device_id}/${p.seq}`)).length;
      incidentsInShops += q<{ n: number }>('SELECT COUNT(*) AS n FROM incidents WHERE trial = 0')[0].n;
      eventsInShops += q<{ n: number }>('SELECT COUNT(*) AS n FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE i.trial = 0')[0].n;
    }
    const pressesAtHq = [...atHq.values()].reduce((sum, set) => sum + set.size, 0);
    const forgedRows = await hqCount("SELECT COUNT(*) AS n FROM hq_presses WHERE device_id = 'forged'");
    const incidentsAtHq = await hqCount('SELECT COUNT(*) AS n FROM hq_incidents');
    const eventsAtHq = await hqCount('SELECT COUNT(*) AS n FROM hq_events');
    const duplicated = pressesAtHq - (inShops - lost);
    const verdict = { shops: allSites.length, pressesInShops: inShops, pressesAtHq, incidentsInShops, incidentsAtHq, eventsInShops, eventsAtHq, lost, duplicated, passed: false };
    verdict.passed = lost === 0 && duplicated === 0 && incidentsAtHq === incidentsInShops && eventsAtHq === eventsInShops && forgedRows === 0;
    say(`  presses: ${inShops} in the shops, ${pressesAtHq} at the head office: ${lost} lost, ${duplicated} duplicated; incidents ${incidentsInShops}/${incidentsAtHq}, events ${eventsInShops}/${eventsAtHq}`);
    return {
      date: new Date().toISOString(),
      machine: `${(await import('node:os')).cpus().length} cores, ${Math.round((await import('node:os')).totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      options,
      setup: { connectAllMs: Math.round(connectAllMs) },
      ingest,
      steady,
      faults: {
        log: faultLog,
        dayOffline: { presses: options.dayPresses, feedRows: dayFeedRows, catchUpMs: Math.round(catchUpMs) },
        replay: { deliveries: order.length, rows: rows.length },
        forged: { brokerAnswer: onOthersTopic, refusedByIngester: (await hqCount("SELECT COUNT(*) AS n FROM hq_refusals WHERE reason LIKE 'site %'")) - refusalsBefore, rowsWritten: forgedRows },
      },
      verdict,
    };
  } finally {
    for (const shop of light) await shop.close().catch(() => undefined);
    for (const shop of full) await shop.close().catch(() => undefined);
    for (const ingester of ingesters) await ingester.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await cluster?.stop();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const program = new Command()
    .name('npm run chain --')
    .description('a chain of shops forwarding to a head office through faults: nothing lost, ingest rate, lag, catch-up (docs/head-office.md)')
    .option('--quick', `a short run: ${PRESETS.quick.shops} shops, ${PRESETS.quick.steadySeconds} s steady (what npm test runs)`)
    .option('--shops <n>', `light shops (default ${PRESETS.full.shops}; --quick ${PRESETS.quick.shops})`, (value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 4 || n > 5000) throw new Error('--shops must be a whole number from 4 to 5000');
      return n;
    })
    .option('--json <file>', 'also write the result as JSON to FILE')
    .parse();
  const flags = program.opts<{ quick?: boolean; shops?: number; json?: string }>();
  const options = { ...PRESETS[flags.quick ? 'quick' : 'full'], ...(flags.shops ? { shops: flags.shops } : {}) };
  runChain(options).then(
    (result) => {
      if (flags.json) writeFileSync(flags.json, JSON.stringify(result, null, 2));
      process.stdout.write(JSON.stringify(result.verdict) + '\n');
      process.exit(result.verdict.passed ? 0 : 1);
    },
    (error: Error) => {
      process.stderr.write(`chain: ${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
