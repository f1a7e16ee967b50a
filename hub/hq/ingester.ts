// A head-office ingester (#19): reads the shops' messages from the cluster's
// replicated stream through one durable consumer that every ingester shares
// (so more ingesters take more of the load, and a killed one's unacknowledged
// messages go to the others), checks each, writes it to PostgreSQL in one
// transaction, acknowledges it to the stream only after the commit, and tells
// the shop its new watermark. At-least-once on the wire, exactly once in the
// tables (hq-database.ts). A refused message is recorded with its reason and
// never redelivered; a database that is away makes the message come back.
import { AckPolicy, RetentionPolicy, StorageType, connect, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import pg from 'pg';
import type { Logger } from '../log.js';
import { migrate, refused, store } from './hq-database.js';
import { parseUplink } from './uplink-message.js';

export const HQ_STREAM = 'HQ';
export const HQ_CONSUMER = 'hq-ingest';
/** A message is stored in milliseconds; one not acknowledged in this time was taken by an ingester that died. */
export const ACK_WAIT_MS = 10_000;

export interface IngesterOptions {
  /** NATS servers of the cluster, host:port. */
  servers: string[];
  user: string;
  password: string;
  postgres: string;
  /** Stream replicas (3 on a 3-node cluster). */
  replicas: number;
  log: Logger;
}

export interface IngestCounts {
  stored: number;
  refused: number;
  /** Tried again later (the database was away). */
  retried: number;
}

/**
 * The replicated stream of the shops' messages and the ingesters' shared
 * durable consumer, made if they are not there (by whichever ingester starts
 * first). A message an ingester took and did not acknowledge (it died) goes
 * to another after ACK_WAIT.
 */
export async function prepareStream(nc: NatsConnection, replicas: number): Promise<void> {
  await whileClusterSettles(async () => {
    const jsm = await nc.jetstreamManager({ timeout: 20_000 });
    const stream = { name: HQ_STREAM, subjects: ['hq.v1.*.events'], num_replicas: replicas, storage: StorageType.File, retention: RetentionPolicy.Limits };
    await jsm.streams.add(stream).catch((error: Error) => {
      if (!/already in use/.test(error.message)) throw error;
    });
    await jsm.consumers.add(HQ_STREAM, { durable_name: HQ_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: ACK_WAIT_MS * 1_000_000, max_ack_pending: 1000 }).catch((error: Error) => {
      if (!/already in use|exists/.test(error.message)) throw error;
    });
    // A stream just made elects its leader among the replicas; until then a shop's QoS 1 publish waits for its PUBACK.
    if (replicas > 1 && !(await jsm.streams.info(HQ_STREAM)).cluster?.leader) throw new Error('TIMEOUT: the stream has no leader yet');
  });
}

/**
 * Runs `attempt` until it succeeds, again after a pause while the cluster
 * answers with a timeout or has no responders (a node just restarted, a
 * leader being elected): for up to a minute. Other errors are final.
 */
async function whileClusterSettles<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const settling = /TIMEOUT|503|no responders|leader/i.test((error as Error).message);
      if (!settling || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export class Ingester {
  readonly counts: IngestCounts = { stored: 0, refused: 0, retried: 0 };
  private messages: ConsumerMessages | null = null;
  private running: Promise<void> | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  static async start(options: IngesterOptions): Promise<Ingester> {
    const pool = new pg.Pool({ connectionString: options.postgres, max: 4 });
    pool.on('error', (error) => options.log.warn({ error: error.message }, 'hq: database connection lost'));
    await migrate(pool);
    const nc = await connect({ servers: options.servers, user: options.user, pass: options.password, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    await prepareStream(nc, options.replicas);
    const ingester = new Ingester(nc, pool, options.log);
    const consumer = await whileClusterSettles(() => nc.jetstream({ timeout: 20_000 }).consumers.get(HQ_STREAM, HQ_CONSUMER));
    // Pull requests that expire in 5 s: one left by an ingester that died stops taking messages soon.
    ingester.messages = await consumer.consume({ max_messages: 100, expires: 5000 });
    ingester.running = ingester.loop();
    return ingester;
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.running?.catch(() => undefined);
    await this.nc.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    for await (const message of this.messages!) await this.take(message);
  }

  private async take(message: JsMsg): Promise<void> {
    const site = /^hq\.v1\.([a-z0-9][a-z0-9-]*)\.events$/.exec(message.subject)?.[1];
    const parsed = site ? parseUplink(site, message.data) : { ok: false as const, reason: 'not a site topic' };
    try {
      if (!parsed.ok) return await this.refuse(message, parsed.reason);
      const watermark = await store(this.pool, parsed.message);
      if (watermark === null) return await this.refuse(message, `unknown site "${parsed.message.site}"`);
      message.ack();
      this.counts.stored++;
      this.nc.publish(`hq.v1.${parsed.message.site}.ack`, JSON.stringify({ w: watermark }));
    } catch (error) {
      // The database is away (a restart): the message comes back in a second; nothing was committed.
      this.counts.retried++;
      this.log.warn({ subject: message.subject, error: (error as Error).message }, 'hq: not stored, trying again');
      message.nak(1000);
    }
  }

  private async refuse(message: JsMsg, reason: string): Promise<void> {
    this.counts.refused++;
    this.log.warn({ subject: message.subject, reason }, 'hq: refused');
    await refused(this.pool, message.subject, reason).catch(() => undefined);
    message.term();
  }
}
