// Forwards what the shop committed to the head office (#19): the uplink feed
// (written in the log's own commits) in order, in batches, over MQTT with
// QoS 1 and a persistent session, to the first of the configured brokers
// that answers. The cursor that counts is the head office's: a batch is done
// when the head office says it has stored it (its watermark on
// hq/v1/<site>/ack), not when a broker PUBACKs it, so a broker that dies
// between its PUBACK and its disk costs a resend, never a row. After a
// reconnect, or when no watermark comes for a while, everything after the
// watermark is sent again; the head office takes repeats without harm.
// Paging, logging and the dashboard never wait on any of this.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import type { FeedRow, UplinkStore } from '../store/uplink-store.js';
import { phrase, type Phrase } from '../domain/phrase.js';

export interface UplinkSettings {
  brokers: string[];
  username?: string;
  password: string;
  batch: number;
  /** The CA that signed the brokers' certificates (mqtts://); without it, the system's. */
  ca?: Buffer;
}

export interface UplinkStatus {
  connected: boolean;
  /** Feed rows the head office has not confirmed. */
  backlog: number;
  confirmedAt: number | null;
  lastError: string | null;
}

/** Batches on the wire, unconfirmed, at most (the rest waits its turn). */
const WINDOW = 4;
/** With batches out and no watermark for this long, send again from the watermark. */
const RESEND_AFTER_MS = 15_000;
/** The dashboard says so when the head office has confirmed nothing for this long with records waiting. */
const STALE_MS = 10 * 60_000;

export const eventsTopic = (site: string) => `hq/v1/${site}/events`;
export const ackTopic = (site: string) => `hq/v1/${site}/ack`;

/** The message of uplink version 1 that carries these feed rows (hq/uplink-message.ts checks it at the head office). */
export function feedMessage(site: string, rows: FeedRow[]): string {
  return JSON.stringify({ v: 1, site, from: rows[0].id, to: rows[rows.length - 1].id, items: rows.map((row) => ({ id: row.id, k: row.kind, at: row.at, b: JSON.parse(row.body) as unknown })) });
}

export class UplinkForwarder {
  private client: MqttClient | null = null;
  /** The last feed id put on the wire since the last resend. */
  private sent = 0;
  private inFlight = 0;
  private lastProgress = 0;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private brokerIndex = 0;
  private readonly startedAt: number;
  private stopped = false;

  constructor(
    private readonly site: string,
    private readonly settings: UplinkSettings,
    private readonly store: UplinkStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
    this.connect();
  }

  /**
   * One broker at a time; when its connection fails or ends, the next in the
   * list after a short pause (our own rotation: mqtt.js's `servers` kept
   * retrying the first). The session is the cluster's, so any node will do.
   */
  private connect(): void {
    if (this.stopped) return;
    const url = new URL(this.settings.brokers[this.brokerIndex % this.settings.brokers.length]);
    this.log.debug({ broker: url.host }, 'uplink: connecting');
    const client = mqtt.connect({
      host: url.hostname,
      port: Number(url.port),
      protocol: url.protocol === 'mqtts:' ? 'mqtts' : 'mqtt',
      clientId: `hub-${this.site}`,
      username: this.settings.username ?? this.site,
      password: this.settings.password,
      clean: false,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      // mqtts: the broker's certificate is checked (never accepted unchecked); against the chain's CA when given.
      ...(this.settings.ca ? { ca: this.settings.ca } : {}),
      rejectUnauthorized: true,
    });
    this.client = client;
    client.once('close', () => {
      this.inFlight = 0;
      if (this.client !== client || this.stopped) return;
      this.client = null;
      this.brokerIndex++;
      const retry = setTimeout(() => this.connect(), 1000);
      retry.unref();
    });
    client.on('connect', () => {
      this.lastError = null;
      this.log.info({ broker: `${client.options.host}:${client.options.port}` }, 'uplink: connected to the head office');
      // QoS 0: a watermark lost while away is sent again with the next batch stored (and a resend brings one); a QoS 1
      // subscription would need a JetStream consumer per shop on the broker (NATS refuses it to a user limited to its own topics).
      client.subscribe(ackTopic(this.site), { qos: 0 }, (error) => {
        if (error) this.failed(error);
      });
      this.resend();
    });
    client.on('message', (_topic, payload) => this.watermark(payload.toString('utf8')));
    client.on('error', (error) => this.failed(error));
  }

  /** Something was committed: send it if the window allows (cheap when there is nothing to send). */
  poke(): void {
    this.fill();
  }

  /** What the dashboard shows while the head office is out of reach or has stopped confirming (the shop works on). */
  messages(): Phrase[] {
    const status = this.status();
    if (status.backlog === 0) return [];
    const since = status.confirmedAt ?? this.startedAt;
    if (this.now() - since < STALE_MS) return [];
    const minutes = Math.round((this.now() - since) / 60_000);
    return [phrase('The head office has confirmed nothing for {{minutes}} min ({{backlog}} records wait, kept here): {{error}}', { minutes, backlog: status.backlog, error: status.lastError ?? (status.connected ? 'connected' : 'not connected') })];
  }

  status(): UplinkStatus {
    const { confirmed, confirmedAt } = this.store.confirmed();
    return { connected: this.client?.connected ?? false, backlog: Math.max(0, this.store.last() - confirmed), confirmedAt, lastError: this.lastError };
  }

  /** Everything in the feed is on the wire with the broker's PUBACK (not necessarily stored at the head office yet). */
  allSent(): boolean {
    return this.inFlight === 0 && this.sent >= this.store.last();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    await client?.endAsync().catch(() => undefined);
  }

  private tick(): void {
    if (!this.client?.connected) return;
    if (this.sent > this.store.confirmed().confirmed && this.now() - this.lastProgress > RESEND_AFTER_MS) {
      this.log.warn({ from: this.store.confirmed().confirmed + 1 }, 'uplink: no word from the head office, sending again');
      this.resend();
    } else this.fill();
  }

  private resend(): void {
    this.sent = this.store.confirmed().confirmed;
    this.inFlight = 0;
    this.lastProgress = this.now();
    this.fill();
  }

  private fill(): void {
    const client = this.client;
    if (!client?.connected) return;
    while (this.inFlight < WINDOW) {
      const rows = this.store.after(this.sent, this.settings.batch);
      if (rows.length === 0) return;
      this.sent = rows[rows.length - 1].id;
      this.inFlight++;
      client.publish(eventsTopic(this.site), feedMessage(this.site, rows), { qos: 1 }, (error) => {
        this.inFlight = Math.max(0, this.inFlight - 1);
        if (error) this.failed(error);
        else this.fill();
      });
    }
  }

  /** The head office has stored everything up to `w`. */
  private watermark(text: string): void {
    let w: unknown;
    try {
      w = (JSON.parse(text) as { w?: unknown }).w;
    } catch {
      return;
    }
    if (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 0 || w > this.store.last()) return;
    if (this.store.confirm(w, this.now())) this.lastProgress = this.now();
  }

  private failed(error: Error): void {
    this.lastError = error.message.split('\n')[0].slice(0, 200);
    this.log.warn({ error: this.lastError }, 'uplink: trouble reaching the head office');
  }
}
