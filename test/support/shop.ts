// A real hub on ephemeral ports with a real SQLite file in a temp dir, and
// real mqtt.js clients acting as buttons and pagers.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig, writeConfigFile } from '../../hub/config/load.js';
import type { ConfigFile } from '../../hub/config/schema.js';
import { ManualClock, systemClock } from '../../hub/domain/clock.js';
import { Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/log.js';
import { issueSecret } from '../../hub/provisioning.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { Accounts } from '../../hub/web/accounts.js';
import type { StorageFaults } from '../../hub/store/storage-faults.js';
import { withStorage } from '../../hub/store/storage.js';
import { deviceTopic, downlinkChannels, type DeviceKind } from '../../shared/topics.js';

export const SITE = 'test-cafe';
export const START = Date.UTC(2026, 10, 22, 12, 0, 0);

/** Two counters, each with its own waiter as tier 1 and the manager as tier 2. */
export function shopConfig(overrides: Partial<ConfigFile> = {}): ConfigFile {
  return {
    site: SITE,
    timeZone: 'Europe/Berlin',
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0 },
    devices: [
      { id: 'btn-1', kind: 'button', label: 'Counter 1' },
      { id: 'btn-2', kind: 'button', label: 'Counter 2' },
      { id: 'pgr-anna', kind: 'pager', label: 'Anna' },
      { id: 'pgr-ben', kind: 'pager', label: 'Ben' },
      { id: 'pgr-boss', kind: 'pager', label: 'Manager' },
    ],
    routes: { 'btn-1': [['pgr-anna'], ['pgr-boss']], 'btn-2': [['pgr-ben'], ['pgr-boss']] },
    managers: ['pgr-boss'],
    // Off unless a test is about it: a few presses would raise one and page the manager.
    moodAlert: { enabled: false },
    ...overrides,
  };
}

export interface ShopOptions {
  /** Simulated disk trouble. */
  storageFaults?: StorageFaults;
  corruptUpdateChunk?: number;
  /** The hub uses the real clock (true press times), not the hand-moved one; `jumpClock` moves it on. */
  realClock?: boolean;
  /** The hub's own timer for escalation and supervision; 0 (default) = only when the test calls advance(). */
  tickMs?: number;
  /** Run the simulated shop (only when the configuration has no devices). */
  simulate?: boolean;
  /** The data directory (default: a fresh one under the system's temp folder). */
  dir?: string;
  /** How often an idle dashboard live stream hears from the hub. */
  liveKeepAliveMs?: number;
  /** Run from a configuration file in the data directory (the settings page writes it), as `loyalty-hub start` does. */
  configFile?: boolean;
  /** Trusts the tests' push service (its own certificate). */
  pushAgent?: Agent;
  /** Called instead of the process exiting when the journal's worker dies. */
  onJournalLost?: (error: Error) => void;
}

export interface Message {
  topic: string;
  payload: string;
}

export class TestDevice {
  readonly received: Message[] = [];
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(
    readonly id: string,
    readonly client: MqttClient,
  ) {
    client.on('message', (topic, payload) => {
      const message = { topic, payload: payload.toString() };
      this.received.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  topic(channel: string): string {
    return deviceTopic(SITE, this.id, channel);
  }

  /** QoS 1 publish on one of this device's channels; resolves on PUBACK. */
  publish(channel: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    return this.client.publishAsync(this.topic(channel), payload, { qos: 1, retain: options.retain ?? false }).then(() => undefined);
  }

  /** The next message on `channel` that satisfies `match` (already received ones count). */
  next(channel: string, match: (payload: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const topic = this.topic(channel);
    const test = (m: Message) => m.topic === topic && match(JSON.parse(m.payload));
    const seen = this.received.find(test);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(JSON.parse(seen.payload));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.id}: nothing on ${channel} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match: test,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(JSON.parse(m.payload));
        },
      });
    });
  }

  messages(channel: string): Record<string, unknown>[] {
    return this.received.filter((m) => m.topic === this.topic(channel)).map((m) => JSON.parse(m.payload));
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export class TestShop {
  readonly clock = new ManualClock(START);
  /** Added to the real clock (realClock): a test skips hours ahead, e.g. to closing time, with the firmware still on real time. */
  private realClockJumpMs = 0;
  readonly devices: TestDevice[] = [];
  secrets: Record<string, string> = {};
  options: ShopOptions = {};
  hub!: Hub;

  constructor(
    readonly dir: string,
    readonly config: ConfigFile,
  ) {}

  static async open(overrides: Partial<ConfigFile> = {}, options: ShopOptions = {}): Promise<TestShop> {
    const shop = new TestShop(options.dir ?? mkdtempSync(join(tmpdir(), 'loyalty-hub-test-')), shopConfig(overrides));
    shop.options = options;
    for (const device of shop.config.devices ?? []) shop.secrets[device.id] = await issueSecret(shop.dir, device.id);
    await shop.startHub();
    return shop;
  }

  /** The configuration file, when the shop runs from one (options.configFile). */
  get configPath(): string {
    return join(this.dir, 'loyalty-hub.json');
  }

  async startHub(): Promise<void> {
    if (this.options.configFile) writeConfigFile(this.configPath, { ...this.config, dataDir: '.' });
    this.hub = await Hub.start({
      configPath: this.options.configFile ? this.configPath : undefined,
      config: parseConfig(this.config, 'test config'),
      dataDir: this.dir,
      clock: this.options.realClock ? { now: () => systemClock.now() + this.realClockJumpMs } : this.clock,
      logger: createLogger(process.env.LB_TEST_LOG ?? 'silent'), // LB_TEST_LOG=warn to see the hub's log in a test
      tickMs: this.options.tickMs ?? 0,
      storageFaults: this.options.storageFaults,
      corruptUpdateChunk: this.options.corruptUpdateChunk,
      simulate: this.options.simulate,
      liveKeepAliveMs: this.options.liveKeepAliveMs,
      pushAgent: this.options.pushAgent,
      onJournalLost: this.options.onJournalLost,
    });
  }

  /** Connects as a configured device and subscribes to its downlink channels (a pager becomes reachable). */
  async connect(id: string, options: { secret?: string; clientId?: string; clean?: boolean } = {}): Promise<TestDevice> {
    const kind = (this.config.devices ?? []).find((d) => d.id === id)?.kind as DeviceKind;
    // Devices keep a persistent session, as the firmware does; the broker records deliveries only for those.
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${this.hub.mqttPort}`, {
      clientId: options.clientId ?? id,
      username: id,
      password: options.secret ?? this.secrets[id],
      clean: options.clean ?? false,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const device = new TestDevice(id, client);
    for (const channel of downlinkChannels(kind)) await client.subscribeAsync(deviceTopic(SITE, id, channel), { qos: 1 });
    this.devices.push(device);
    return device;
  }

  /** A dashboard account, added through a connection of its own, as the CLI does. */
  async addUser(username: string, role: 'owner' | 'manager' | 'viewer', password: string): Promise<void> {
    await withStorage(this.dir, (storage) => new Accounts(storage.accounts).add(username, role, password, Date.now()));
  }

  /** What `loyalty-hub user unlock` does: through a connection of its own. */
  async unlockUser(username: string): Promise<void> {
    await withStorage(this.dir, (storage) => new Accounts(storage.accounts).unlock(username));
  }

  /** A separate read-only connection to the hub's database file: sees only what was committed. */
  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(join(this.dir, DATABASE_FILE), { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** With the real clock: moves the hub's clock on by `ms` and runs its timers once. */
  jumpClock(ms: number): void {
    this.realClockJumpMs += ms;
    this.hub.tick();
  }

  /** Moves the hub's clock and runs its timers once. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.hub.tick();
  }

  /** Disconnects every device and stops the hub; the files stay. */
  async stop(): Promise<void> {
    await Promise.all(this.devices.splice(0).map((d) => d.close().catch(() => undefined)));
    await this.hub.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `check` returns true, polling; fails after `timeoutMs`, saying `what` (a function: what the state was then). */
export async function eventually(check: () => boolean, timeoutMs = 5000, what: string | (() => string) = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
