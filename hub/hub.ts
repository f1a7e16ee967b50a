// The hub: an embedded MQTT broker whose hooks turn device traffic into
// domain calls, and domain effects into pages, feedback and durable writes.
//
// The one rule that shapes everything here: a press is acknowledged to the
// button (PUBACK) only after it is committed to disk, but the pager is paged
// before the commit. aedes sends PUBACK as soon as authorizePublish calls
// back, so the press is handled inside authorizePublish: page, queue the
// write, call back after the group commit.

import { unwatchFile, watchFile } from 'node:fs';
import type { Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { WebSocketServer } from 'ws';
import { HEARTBEAT_PERIOD_S, MAX_PACKET_BYTES } from '../shared/limits.js';
import {
  decodeAck,
  decodeAlert,
  decodeHeartbeat,
  decodeOutcome,
  decodePress,
  decodeShift,
  decodeStatus,
  encodeAlert,
  encodeCancel,
  encodeFeedback,
  encodeTime,
  type Feedback,
} from '../shared/payloads.js';
import { DOWNLINK, UPLINK, deviceTopic } from '../shared/topics.js';
import { verifySecret, VerifiedSecretCache } from './auth/secrets.js';
import { checkSubscribe, UplinkAccess, type DeviceIdentity } from './broker/access.js';
import { flushAfterQueuedImmediates, whenSent } from './broker/coalesced-writes.js';
import { listenTcp, listenWebSocket, portOf } from './broker/listeners.js';
import { AlertFlow, type HeldAlert } from './alert-flow.js';
import { loadConfig } from './config/load.js';
import { weeklyHours, type HubConfig } from './config/schema.js';
import { DeviceDirectory } from './device-directory.js';
import { systemClock, type Clock } from './domain/clock.js';
import { DeviceWatch, type WatchSettings } from './domain/device-watch.js';
import { ReservedIncidentIds } from './store/incident-ids.js';
import { IncidentDesk, type DeskTimings, type Effect, type Refusal } from './domain/incident-desk.js';
import { isOpenAt, type WeeklyHours } from './domain/opening-hours.js';
import { RateLimiter } from './domain/rate-limiter.js';
import { createLogger, type Logger } from './log.js';
import { HubMetrics } from './metrics.js';
import { publicDir } from './paths.js';
import { issueSecrets } from './provisioning.js';
import { SIMULATED_DEVICES, SimulatedShop, hasRealDevices, withSimulatedShop } from './simulation/simulated-shop.js';
import { startWebServer, type WebServer } from './web/server.js';
import { openDatabase, type Db } from './store/database.js';
import { Journal } from './store/journal.js';
import type { StorageFaults } from './store/storage-faults.js';
import { LogStore } from './store/log-store.js';
import { StoredPresses } from './store/stored-presses.js';

export interface HubOptions {
  config: HubConfig;
  dataDir: string;
  /** When given, the file is watched and devices, routes and timings reload on change. */
  configPath?: string;
  clock?: Clock;
  logger?: Logger;
  /** How often escalation and supervision are checked; 0 leaves it to the caller (tests). */
  tickMs?: number;
  /** Simulated disk trouble, for tests of what the hub does when storage is slow or fails. */
  storageFaults?: StorageFaults;
  /** Run the simulated shop (2 buttons, 2 pagers on the real firmware) while no real device is configured. */
  simulate?: boolean;
  /** Record latency metrics and write them to this file on SIGUSR2 (npm run bench). */
  metricsFile?: string;
}

/** Why connections and messages were refused, counted since start. */
export interface RefusalCounts {
  connect: number;
  publish: number;
  subscribe: number;
  oversized: number;
  /** Connections closed for bytes that are not MQTT (or not in order). */
  protocol: number;
}

type Callback = (error?: Error | null) => void;

function timingsOf(config: HubConfig): DeskTimings {
  const t = config.timings;
  return { foldWindowMs: t.foldWindowS * 1000, rebuzzMs: t.rebuzzS * 1000, escalateMs: t.escalateS * 1000, retriggerMs: t.retriggerS * 1000 };
}

function watchSettingsOf(config: HubConfig): WatchSettings {
  return { heartbeatMs: HEARTBEAT_PERIOD_S * 1000, offlineGraceMs: config.timings.offlineGraceS * 1000, lowBatteryMv: config.lowBatteryMv };
}

function authError(message: string, returnCode: AuthenticateError['returnCode']): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

function isRefusal(result: Effect[] | Refusal): result is Refusal {
  return !Array.isArray(result);
}

export class Hub {
  readonly refusals: RefusalCounts = { connect: 0, publish: 0, subscribe: 0, oversized: 0, protocol: 0 };

  private config: HubConfig;
  private directory: DeviceDirectory;
  private uplinkAccess: UplinkAccess;
  private hours: WeeklyHours;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly db: Db;
  private readonly store: LogStore;
  private readonly storedPresses: StoredPresses;
  /** Count updates held while the pager has not acknowledged the previous alert of the incident. */
  private readonly alertFlow = new AlertFlow();
  /** The incident of each alert payload sent, so a pager's PUBACK needs no parsing. */
  private readonly alertIncidents = new WeakMap<Buffer, number>();
  private readonly journal: Journal;
  private readonly desk: IncidentDesk;
  private readonly watch: DeviceWatch;
  private readonly limiter: RateLimiter;
  private readonly metrics: HubMetrics | undefined;
  private stopMetrics: (() => void) | undefined;
  private readonly secrets = new VerifiedSecretCache();
  /** Presses being committed, by "device:seq", with the callbacks of their retransmissions. */
  private readonly inFlight = new Map<string, Callback[]>();
  /** Live connections per device (a reconnect can overlap the old connection's close). */
  private readonly connections = new Map<string, Set<Client>>();
  private readonly readyClients = new WeakSet<Client>();
  private broker!: Aedes;
  private tcp!: Server;
  private ws!: WebSocketServer;
  private web: WebServer | undefined;
  private simulation: SimulatedShop | undefined;
  private readonly dataDir: string;
  private ticker: NodeJS.Timeout | undefined;
  private readonly configPath: string | undefined;
  /** Since when commits fail (the disk is full or read-only), or null. */
  private storageFailingSince: number | null = null;

  private constructor(options: HubOptions) {
    this.dataDir = options.dataDir;
    this.config = options.simulate && !hasRealDevices(options.config) ? withSimulatedShop(options.config) : options.config;
    this.configPath = options.configPath;
    this.directory = new DeviceDirectory(this.config);
    this.uplinkAccess = new UplinkAccess(this.config.site);
    this.hours = weeklyHours(this.config);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? createLogger(this.config.logLevel);
    this.db = openDatabase(options.dataDir, { fsync: this.config.durability === 'fsync' });
    this.limiter = new RateLimiter(this.config.pressRate.perSecond, this.config.pressRate.burst);
    if (options.metricsFile) {
      this.metrics = new HubMetrics(() => ({ ...this.refusals }));
      this.stopMetrics = this.metrics.serveOnSignal(options.metricsFile);
    }
    this.store = new LogStore(this.db);
    this.storedPresses = new StoredPresses(this.store);
    this.journal = new Journal({ dataDir: options.dataDir, fsync: this.config.durability === 'fsync', faults: options.storageFaults });
    this.desk = new IncidentDesk(this.clock, timingsOf(this.config), this.directory, new ReservedIncidentIds(this.db));
    this.watch = new DeviceWatch(watchSettingsOf(this.config), this.clock.now());
    this.watch.watch(this.directory.ids());
    this.restoreState();
  }

  /** Opens the database, restores open incidents, starts the broker and its listeners. */
  static async start(options: HubOptions): Promise<Hub> {
    const hub = new Hub(options);
    try {
      await hub.listen();
      if (options.simulate && !hasRealDevices(options.config)) await hub.startSimulation();
    } catch (error) {
      await hub.stop();
      throw error;
    }
    const tickMs = options.tickMs ?? 250;
    if (tickMs > 0) hub.ticker = setInterval(() => hub.tick(), tickMs);
    if (hub.configPath) {
      watchFile(hub.configPath, { interval: 1000 }, (current, previous) => {
        if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) hub.reloadConfig();
      });
    }
    return hub;
  }

  get mqttPort(): number {
    return portOf(this.tcp);
  }

  get wsPort(): number {
    return portOf(this.ws);
  }

  get httpPort(): number {
    if (!this.web) throw new Error('the dashboard is not running');
    return this.web.port;
  }

  get site(): string {
    return this.config.site;
  }

  /** Runs escalation and supervision for the current time. */
  tick(): void {
    const now = this.clock.now();
    const siteOpen = isOpenAt(this.hours, this.config.timeZone, now);
    for (const change of this.watch.check(now, siteOpen)) {
      this.log.warn({ device: change.device, problem: change.problem, change: change.change, detail: change.detail }, 'device problem');
      this.apply(
        change.change === 'raise'
          ? this.desk.raiseDeviceProblem(change.device, change.problem)
          : this.desk.clearDeviceProblem(change.device, change.problem, change.detail),
      );
    }
    this.apply(this.desk.tick());
  }

  /** The simulated shop, while it runs. */
  get simulatedShop(): SimulatedShop | undefined {
    return this.simulation;
  }

  /** Stops accepting, lets pending writes commit, closes the database. */
  async stop(): Promise<void> {
    this.simulation?.stop();
    this.stopMetrics?.();
    if (this.ticker) clearInterval(this.ticker);
    if (this.configPath) unwatchFile(this.configPath);
    await this.web?.close();
    await Promise.all([
      this.tcp ? new Promise<void>((resolve) => this.tcp.close(() => resolve())) : undefined,
      this.ws ? new Promise<void>((resolve) => this.ws.close(() => resolve())) : undefined,
      this.broker ? new Promise<void>((resolve) => this.broker.close(() => resolve())) : undefined,
    ]);
    await this.journal.close();
    if (this.db.open) this.db.close();
  }

  // ---- start-up -------------------------------------------------------------

  private restoreState(): void {
    this.store.markAllOffline();
    for (const state of this.store.deviceStates()) {
      if (this.directory.kindOf(state.deviceId) === 'pager' && !state.onShift) this.desk.setPagerOnShift(state.deviceId, false);
    }
    const open = this.store.openIncidents();
    for (const incident of open) this.desk.restore(incident.record, incident.paged, incident.delivered, incident.seqs);
    if (open.length > 0) this.log.info({ incidents: open.map((i) => i.record.id) }, 'restored open incidents');
  }

  private async listen(): Promise<void> {
    this.broker = await Aedes.createBroker({
      // Bounded so a burst of QoS 1 publishes cannot recurse through mqemitter until the stack overflows.
      concurrency: 1000,
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => this.authorizeSubscribe(client, subscription, done),
    });
    this.skipRoutingOfHubOnlyUplinks();
    this.broker.on('clientReady', (client) => this.clientReady(client));
    this.broker.on('clientDisconnect', (client) => this.clientGone(client));
    this.broker.on('subscribe', (subscriptions, client) => this.subscribed(subscriptions, client));
    this.broker.on('ack', (packet, client) => this.acknowledgedByDevice(packet as PublishPacket | undefined, client));
    this.broker.on('clientError', (client, error) => this.log.info({ device: client?.id, error: error.message }, 'client connection error'));
    this.broker.on('connectionError', (_client, error) => {
      this.refusals.protocol++;
      this.log.info({ error: error.message }, 'connection closed: not a valid MQTT connection');
    });

    const common = {
      host: this.config.mqtt.host,
      maxPacketBytes: MAX_PACKET_BYTES,
      log: this.log,
      onOversized: () => this.refusals.oversized++,
    };
    this.tcp = await listenTcp(this.broker, { ...common, port: this.config.mqtt.port });
    this.ws = await listenWebSocket(this.broker, { ...common, port: this.config.mqtt.wsPort });
    this.web = await startWebServer(
      {
        db: this.db,
        clock: this.clock,
        log: this.log,
        config: () => this.config,
        directory: () => this.directory,
        simulation: () => this.simulation,
        alarms: () => this.alarms(),
        publicDir: publicDir(),
      },
      this.config.http.host,
      this.config.http.port,
    );
    this.journal.onCommit(() => {
      if (this.storageFailingSince !== null) this.storageRecovered();
      this.web?.changed('today');
    });
    this.journal.onCommitFailed((error) => this.storageFailed(error));
    this.log.info(
      { mqtt: `${this.config.mqtt.host}:${this.mqttPort}`, ws: `${this.config.mqtt.host}:${this.wsPort}`, dashboard: `http://${this.config.http.host}:${this.httpPort}/`, site: this.site },
      'hub listening',
    );
  }

  /**
   * A device's uplinks other than its retained status end at the hub: the
   * ACLs let no client subscribe to another device's topics, so aedes'
   * routing of them after the PUBACK (retained store, a topic match for
   * offline sessions, the emitter's own match, the published hook) finds
   * nobody, yet it was a large share of the broker's work per press. They
   * skip it; every other publish, the hub's own included, is routed as usual.
   * A device's publish (or will) reaches this point only after
   * authorizePublish allowed it, i.e. on one of its own uplink topics, so its
   * topic alone tells whether it is the status.
   */
  private skipRoutingOfHubOnlyUplinks(): void {
    // At run time aedes calls publish(packet, client, done) for device publishes; its typings declare only the public (packet, done).
    const route = this.broker.publish.bind(this.broker) as unknown as (packet: PublishPacket, client: Client | null, done?: Callback) => void;
    const statusSuffix = `/${UPLINK.status}`;
    const publish = (packet: PublishPacket, client: Client | null | Callback, done?: Callback): void => {
      if (typeof client === 'function') return route(packet, null, client);
      if (client && !packet.topic.endsWith(statusSuffix)) return done?.(null);
      route(packet, client, done);
    };
    this.broker.publish = publish as unknown as Aedes['publish'];
  }

  /** Conditions the dashboard shows above everything else. */
  alarms(): string[] {
    if (this.storageFailingSince === null) return [];
    const since = new Date(this.storageFailingSince).toISOString();
    return [`The hub cannot write to its disk (since ${since}): presses stay in the buttons, unacknowledged, until it can. Free disk space or fix the data directory.`];
  }

  /** A commit failed: page the managers once, show it on the dashboard; the presses stay unacknowledged in the buttons. */
  private storageFailed(error: Error): void {
    if (this.storageFailingSince !== null) return;
    this.storageFailingSince = this.clock.now();
    this.log.error({ error: error.message }, 'storage failing: presses are not acknowledged until the disk accepts writes');
    this.apply(this.desk.raiseDeviceProblem('hub', 'storage'));
    this.web?.changed('today');
  }

  private storageRecovered(): void {
    this.storageFailingSince = null;
    this.log.warn('storage recovered');
    this.apply(this.desk.clearDeviceProblem('hub', 'storage', 'the disk accepts writes again'));
  }

  private async startSimulation(): Promise<void> {
    // Fresh secrets at every start: the simulated devices' flash is rewritten with them.
    const secrets = await issueSecrets(this.store, SIMULATED_DEVICES.map((device) => device.id), this.clock.now());
    this.simulation = new SimulatedShop({ dataDir: this.dataDir, site: this.site, mqttPort: this.mqttPort, secrets, log: this.log });
    this.simulation.onChange(() => this.web?.changed('shop'));
    this.simulation.start();
  }

  private reloadConfig(): void {
    if (!this.configPath) return;
    let next: HubConfig;
    try {
      next = loadConfig(this.configPath);
    } catch (error) {
      this.log.error({ error: (error as Error).message }, 'configuration change ignored: the file is invalid');
      return;
    }
    if (this.simulation && hasRealDevices(next)) {
      this.log.info('a real device is configured: the simulated shop stops');
      this.simulation.stop();
      this.simulation = undefined;
    }
    if (this.simulation) next = withSimulatedShop(next);
    this.config = { ...next, mqtt: this.config.mqtt, http: this.config.http, dataDir: this.config.dataDir };
    this.directory = new DeviceDirectory(this.config);
    this.uplinkAccess = new UplinkAccess(this.config.site);
    this.hours = weeklyHours(this.config);
    this.desk.reconfigure(timingsOf(this.config), this.directory);
    this.watch.reconfigure(watchSettingsOf(this.config));
    this.watch.watch(this.directory.ids());
    for (const [deviceId, clients] of this.connections) {
      if (this.directory.get(deviceId)) continue;
      this.log.warn({ device: deviceId }, 'device removed from the configuration: disconnecting it');
      for (const client of clients) client.close();
    }
    this.log.info({ devices: this.directory.ids().length }, 'configuration reloaded');
  }

  // ---- access ---------------------------------------------------------------

  private identityOf(client: Client): DeviceIdentity | undefined {
    return this.directory.get(client.id);
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const refuse = (reason: string, code: AuthenticateError['returnCode']) => {
      this.refusals.connect++;
      this.log.warn({ clientId: client.id, username, reason }, 'connection refused');
      done(authError(reason, code), false);
    };
    if (!username || !password) return refuse('no username or password', 4);
    if (username !== client.id) return refuse(`client id "${client.id}" differs from username "${username}"`, 2);
    if (!this.directory.get(username)) return refuse(`unknown device "${username}"`, 5);
    const hash = this.store.secretHashOf(username);
    if (!hash) return refuse(`device "${username}" has no secret: provision it with "loyalty-hub device add"`, 5);
    const secret = password.toString('utf8');
    if (this.secrets.matches(username, hash, secret)) return done(null, true);
    verifySecret(secret, hash).then(
      (valid) => {
        if (!valid) return refuse(`wrong secret for device "${username}"`, 4);
        this.secrets.remember(username, hash, secret);
        done(null, true);
      },
      (error: Error) => refuse(`secret check failed: ${error.message}`, 3),
    );
  }

  private authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const device = this.identityOf(client);
    const verdict = device ? checkSubscribe(this.site, device, subscription.topic) : { allowed: false as const, reason: 'device is no longer configured' };
    if (!verdict.allowed) {
      this.refusals.subscribe++;
      this.log.warn({ device: client.id, topic: subscription.topic, reason: verdict.reason }, 'subscription refused');
      return done(null, null);
    }
    done(null, { ...subscription, qos: Math.min(subscription.qos, 1) as Subscription['qos'] });
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: Callback): void {
    if (!client) return done(null); // the hub's own publishes
    const device = this.identityOf(client);
    if (!device) return this.refusePublish(client, 'device is no longer configured', done);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const verdict = this.uplinkAccess.check(device, { topic: packet.topic, retain: packet.retain, payloadBytes: payload.length });
    if (!verdict.allowed) return this.refusePublish(client, verdict.reason, done);
    const text = payload.toString('utf8');
    switch (verdict.value) {
      case UPLINK.press:
        return this.intakePress(client, device.id, text, done);
      case UPLINK.ack:
        return this.intakeAck(client, device.id, text, done);
      case UPLINK.outcome:
        return this.intakeOutcome(client, device.id, text, done);
      case UPLINK.shift:
        return this.intakeShift(client, device.id, text, done);
      case UPLINK.heartbeat:
        return this.intakeHeartbeat(client, device.id, text, done);
      case UPLINK.status:
        return this.intakeStatus(client, text, done);
      default:
        return this.refusePublish(client, `no handler for channel "${verdict.value}"`, done);
    }
  }

  /**
   * MQTT 3.1.1 has no negative PUBACK: a refused publish closes the
   * connection, so nothing is acknowledged and nothing is stored.
   */
  private refusePublish(client: Client, reason: string, done: Callback): void {
    this.refusals.publish++;
    this.log.warn({ device: client.id, reason }, 'publish refused');
    done(new Error(reason));
  }

  // ---- uplink ---------------------------------------------------------------

  private intakePress(client: Client, deviceId: string, text: string, done: Callback): void {
    // Monotonic: wall-clock steps (NTP) must not distort latency figures.
    const arrived = performance.now();
    const decoded = decodePress(text);
    if (!decoded.ok) return this.refusePublish(client, `bad press: ${decoded.error}`, done);
    const press = decoded.value;
    const key = `${deviceId}:${press.seq}`;

    // A retransmission: acknowledge it again, store and page nothing new.
    const waiting = this.inFlight.get(key);
    if (waiting) return void waiting.push(done);
    if (this.storedPresses.has(deviceId, press.seq)) return done(null);

    const receivedAt = this.clock.now();
    if (!this.limiter.take(deviceId, receivedAt)) {
      const rate = this.config.pressRate;
      return this.refusePublish(client, `more than ${rate.perSecond} presses per second (burst ${rate.burst})`, done);
    }
    const pressedAt = receivedAt - press.ageMs;
    const { incidentId, effects } = this.desk.press({ button: deviceId, kind: press.kind, seq: press.seq, pressedAt });
    // Page first: the pager must not wait for the disk.
    this.apply(effects, arrived);

    const row = { deviceId, seq: press.seq, kind: press.kind, pressedAt, receivedAt, ageMs: press.ageMs, incidentId };
    this.storedPresses.submitted(deviceId, press.seq);
    if (this.config.durability === 'none') {
      // Measuring only: acknowledge before the write (a crash can lose what was acknowledged).
      this.journal.submit({ op: 'press', row });
      return done(null);
    }
    const callbacks = [done];
    this.inFlight.set(key, callbacks);
    this.journal.submit(
      { op: 'press', row },
      (error) => {
        this.inFlight.delete(key);
        if (error) {
          this.log.error({ device: deviceId, seq: press.seq, error: error.message }, 'press not stored: withholding PUBACK so the button keeps it');
        } else {
          this.metrics?.pressDurable(arrived);
        }
        for (const callback of callbacks) callback(error);
      },
    );
  }

  private intakeAck(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeAck(text);
    if (!decoded.ok) return this.refusePublish(client, `bad ack: ${decoded.error}`, done);
    this.applyPagerAction(pagerId, decoded.value.incident, this.desk.acknowledge(pagerId, decoded.value.incident), done);
  }

  private intakeOutcome(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeOutcome(text);
    if (!decoded.ok) return this.refusePublish(client, `bad outcome: ${decoded.error}`, done);
    const { incident, outcome } = decoded.value;
    this.applyPagerAction(pagerId, incident, this.desk.recordOutcome(pagerId, incident, outcome), done);
  }

  /** A pager acting on an incident it no longer holds is told to drop it; that is not a protocol error. */
  private applyPagerAction(pagerId: string, incident: number, result: Effect[] | Refusal, done: Callback): void {
    if (isRefusal(result)) {
      this.log.info({ pager: pagerId, incident, reason: result.refused }, 'pager action ignored');
      this.send(pagerId, DOWNLINK.cancel, encodeCancel({ incident, reason: 'withdrawn' }));
      return done(null);
    }
    this.apply(result);
    this.afterCommit(done);
  }

  private intakeShift(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeShift(text);
    if (!decoded.ok) return this.refusePublish(client, `bad shift: ${decoded.error}`, done);
    const onShift = decoded.value.onShift;
    this.log.info({ pager: pagerId, onShift }, 'shift change');
    this.journal.submit({ op: 'shift', deviceId: pagerId, onShift });
    this.apply(this.desk.setPagerOnShift(pagerId, onShift));
    this.afterCommit(done);
  }

  private intakeHeartbeat(client: Client, deviceId: string, text: string, done: Callback): void {
    const decoded = decodeHeartbeat(text);
    if (!decoded.ok) return this.refusePublish(client, `bad heartbeat: ${decoded.error}`, done);
    const now = this.clock.now();
    this.watch.heartbeat(deviceId, decoded.value.batteryMv, now);
    this.journal.submit({ op: 'heartbeat', deviceId, heartbeat: decoded.value, at: now });
    this.afterCommit(done);
  }

  private intakeStatus(client: Client, text: string, done: Callback): void {
    const decoded = decodeStatus(text);
    if (!decoded.ok) return this.refusePublish(client, `bad status: ${decoded.error}`, done);
    // Presence itself comes from the connection; the retained status is for other subscribers.
    done(null);
  }

  /** Calls back once everything queued so far is committed. */
  private afterCommit(done: Callback): void {
    this.journal.submit({ op: 'barrier' }, (error) => done(error));
  }

  // ---- presence -------------------------------------------------------------

  private clientReady(client: Client): void {
    const device = this.identityOf(client);
    if (!device) return;
    this.readyClients.add(client);
    const clients = this.connections.get(device.id) ?? new Set<Client>();
    clients.add(client);
    this.connections.set(device.id, clients);
    if (clients.size === 1) this.presenceChanged(device.id, true);
    // A persistent session restores its subscriptions before the client is ready.
    const restored = (client as Client & { subscriptions: Record<string, unknown> }).subscriptions;
    if (device.kind === 'pager' && restored[deviceTopic(this.site, device.id, DOWNLINK.alert)]) {
      this.apply(this.desk.setPagerOnline(device.id, true));
    }
  }

  private subscribed(subscriptions: Subscription[], client: Client): void {
    const device = this.identityOf(client);
    if (!device) return;
    const granted = (channel: string) => {
      const topic = deviceTopic(this.site, device.id, channel);
      return subscriptions.some((s) => s.topic === topic && (s.qos as number) !== 128 /* refused */);
    };
    // QoS 0: a clock reading retransmitted late would be wrong; the next subscription brings a fresh one.
    if (granted(DOWNLINK.time)) this.send(device.id, DOWNLINK.time, encodeTime({ time: this.clock.now() }), 0);
    if (device.kind === 'pager' && this.readyClients.has(client) && granted(DOWNLINK.alert)) this.apply(this.desk.setPagerOnline(device.id, true));
  }

  private clientGone(client: Client): void {
    const clients = this.connections.get(client.id);
    if (!clients || !clients.delete(client)) return;
    if (clients.size > 0) return;
    this.connections.delete(client.id);
    this.alertFlow.pagerGone(client.id);
    this.presenceChanged(client.id, false);
    if (this.directory.kindOf(client.id) === 'pager') this.apply(this.desk.setPagerOnline(client.id, false));
  }

  private presenceChanged(deviceId: string, online: boolean): void {
    const now = this.clock.now();
    this.log.info({ device: deviceId, online }, online ? 'device online' : 'device offline');
    if (online) this.watch.connected(deviceId, now);
    else this.watch.disconnected(deviceId, now);
    this.journal.submit({ op: 'online', deviceId, online, at: now });
  }

  /** A pager's PUBACK for an alert: the alert was delivered. */
  private acknowledgedByDevice(packet: PublishPacket | undefined, client: Client): void {
    if (!packet || !client) return;
    // aedes hands back the packet it stored, with the payload Buffer the hub made: no need to parse our own JSON again.
    let incident = this.alertIncidents.get(packet.payload as Buffer);
    if (incident === undefined) {
      if (packet.topic !== deviceTopic(this.site, client.id, DOWNLINK.alert)) return;
      const alert = decodeAlert(packet.payload.toString());
      if (!alert.ok) return;
      incident = alert.value.incident;
    }
    const next = this.alertFlow.acknowledged(client.id, incident);
    if (next) this.sendAlert(client.id, next);
    this.apply(this.desk.delivered(client.id, incident));
  }

  // ---- downlink and effects ---------------------------------------------------

  /** `pressArrived` (performance.now()) times the pages a press causes, when metrics are on. */
  private apply(effects: Effect[], pressArrived?: number): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'page': {
          const metrics = this.metrics;
          const written = metrics && pressArrived !== undefined ? () => metrics.alertWritten(pressArrived) : undefined;
          const alert = { alert: effect.alert, written };
          if (this.alertFlow.offer(effect.pager, alert)) this.sendAlert(effect.pager, alert);
          break;
        }
        case 'cancel':
          this.send(effect.pager, DOWNLINK.cancel, encodeCancel(effect.cancel));
          break;
        case 'feedback':
          this.sendFeedback(effect.button, effect.feedback);
          break;
        case 'save':
          this.journal.submit({ op: 'incident', record: effect.incident });
          break;
        case 'event':
          this.journal.submit({ op: 'event', event: effect.event });
          break;
      }
    }
  }

  private sendAlert(pagerId: string, { alert, written }: HeldAlert): void {
    const payload = this.send(pagerId, DOWNLINK.alert, encodeAlert(alert), 1, written);
    this.alertIncidents.set(payload, alert.incident);
  }

  private sendFeedback(buttonId: string, feedback: Feedback): void {
    this.send(buttonId, DOWNLINK.feedback, encodeFeedback(feedback));
  }

  /** `written` runs when the packet has been handed to the device's socket. */
  private send(deviceId: string, channel: string, text: string, qos: 0 | 1 = 1, written?: () => void): Buffer {
    const payload = Buffer.from(text);
    const packet = {
      cmd: 'publish',
      topic: deviceTopic(this.site, deviceId, channel),
      payload,
      qos,
      retain: false,
      dup: false,
    } as PublishPacket;
    const callback = (error?: Error | null) => {
      if (error) this.log.error({ device: deviceId, channel, error: error.message }, 'publish to device failed');
    };
    // Straight to the device's connection when it has one: skips the topic
    // match, the offline queue pass and the emitter (about half the hub's
    // per-alert work). A device without a connection gets it the broker's way,
    // queued in its persistent session for when it returns.
    let client: Client | undefined;
    for (const connection of this.connections.get(deviceId) ?? []) client = connection; // the newest
    if (client && !client.closed) {
      if (written) whenSent(payload, written);
      client.publish(packet, callback);
      flushAfterQueuedImmediates();
    } else {
      this.broker.publish(packet, callback);
    }
    return payload;
  }
}
