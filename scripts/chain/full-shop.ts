// A whole shop among the light ones: the hub as its own process (its journal
// writes the uplink feed, its forwarder sends it) with buttons that are MQTT
// clients speaking the device protocol. It can be killed with -9 while it
// forwards and started again on the same data.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import type { ConfigFile } from '../../hub/config/schema.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { encodePress } from '../../shared/payloads.js';
import { UPLINK, deviceTopic } from '../../shared/topics.js';
import { freePort } from '../lib/nats-cluster.js';
import { HubProcess, provision } from '../lib/hub-process.js';

export class FullShop {
  private readonly dir = mkdtempSync(join(tmpdir(), 'lb-chain-hub-'));
  private hub: HubProcess | null = null;
  private config!: ConfigFile;
  private readonly buttons: { id: string; client: MqttClient; seq: number }[] = [];
  private secrets = new Map<string, string>();

  private constructor(readonly site: string) {}

  static async open(site: string, brokers: string[], password: string, buttons = 3): Promise<FullShop> {
    const shop = new FullShop(site);
    const ids = Array.from({ length: buttons }, (_, i) => `btn-${i + 1}`);
    shop.config = {
      site,
      dataDir: 'data',
      logLevel: 'warn',
      mqtt: { host: '127.0.0.1', port: await freePort(), wsPort: await freePort() },
      http: { host: '127.0.0.1', port: await freePort() },
      openingHours: {},
      devices: [...ids.map((id) => ({ id, kind: 'button' as const, label: id })), { id: 'pgr-1', kind: 'pager' as const, label: 'Pager 1' }],
      defaultRoute: [['pgr-1']],
      uplink: { brokers, password },
    } as ConfigFile;
    mkdirSync(join(shop.dir, 'data'), { recursive: true });
    shop.secrets = await provision(join(shop.dir, 'data'), [...ids, 'pgr-1']);
    await shop.start();
    for (const id of ids) {
      // A persistent session and reconnects, as the firmware keeps them: presses made while the hub is down go when it is back.
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${shop.config.mqtt!.port}`, { clientId: id, username: id, password: shop.secrets.get(id), clean: false, reconnectPeriod: 500 });
      client.on('error', () => undefined);
      shop.buttons.push({ id, client, seq: 0 });
    }
    return shop;
  }

  async start(): Promise<void> {
    this.hub = await HubProcess.start(this.dir, this.config);
  }

  /** A customer presses on one of the buttons (QoS 1; the hub's PUBACK follows its commit). */
  press(kind: 'red' | 'green'): void {
    const button = this.buttons[Math.floor(Math.random() * this.buttons.length)];
    button.client.publish(deviceTopic(this.site, button.id, UPLINK.press), encodePress({ kind, seq: ++button.seq, ageMs: 0 }), { qos: 1 });
  }

  /** kill -9 of the hub while it forwards. */
  async crash(): Promise<void> {
    await this.hub?.crash();
    this.hub = null;
  }

  /** Every press the buttons made has its PUBACK (nothing waits in their sessions). */
  buttonsDone(): boolean {
    return this.buttons.every((button) => button.client.connected && Object.keys((button.client as unknown as { outgoing: object }).outgoing).length === 0);
  }

  /** What the shop's log holds now, read by a connection of its own. */
  query<T>(sql: string): T[] {
    const db = new Database(join(this.dir, 'data', DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }

  backlog(): number {
    const [state] = this.query<{ last: number; confirmed: number }>("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'uplink_feed'), 0) AS last, confirmed FROM uplink_state");
    return Math.max(0, state.last - state.confirmed);
  }

  async close(): Promise<void> {
    for (const button of this.buttons) await button.client.endAsync(true).catch(() => undefined);
    await this.hub?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
