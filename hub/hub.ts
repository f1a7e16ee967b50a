// The hub's composition root and lifecycle: it builds the rooms, wires them
// to the embedded broker, and starts and stops them in order.
//
// The press path: broker/ (bytes, size guard) → device-in/ (gatekeeper: who
// may connect and publish; intake: one handler per channel; press-gate:
// exactly once) → domain/ (the incident desk decides, effects as data) →
// device-out/ (pages and feedback at once) and store/ (the journal commits;
// only then the PUBACK). See docs/architecture.md.

import { unwatchFile, watchFile } from 'node:fs';
import type { Server } from 'node:net';
import type { Agent } from 'node:https';
import type { Phrase } from './i18n/translate-options.js';
import { Aedes, type PublishPacket } from 'aedes';
import { MAX_PACKET_BYTES } from '../shared/limits.js';
import { skipRoutingOfHubOnlyUplinks, writeMessageIdsOnDemand } from './broker/aedes-patches.js';
import { listenTcp, listenTls, listenWebSocket, portOf } from './broker/listeners.js';
import { loadConfig, readTlsFiles, readUplinkCa, settingsAccess } from './config/load.js';
import type { HubConfig } from './config/schema.js';
import { Gatekeeper } from './device-in/gatekeeper.js';
import { UplinkIntake } from './device-in/intake.js';
import { PressGate } from './device-in/press-gate.js';
import { RateLimiter } from './device-in/rate-limiter.js';
import { Refusals, type RefusalCounts } from './device-in/refusals.js';
import { StoredPresses } from './device-in/stored-presses.js';
import { DeviceConnections } from './device-out/connections.js';
import { DeskActions } from './desk-actions.js';
import { Clockwork } from './device-out/clockwork.js';
import { Downlink } from './device-out/downlink.js';
import { EffectRunner } from './device-out/effects.js';
import { Presence } from './device-out/presence.js';
import { Shifts } from './device-out/shifts.js';
import { UpdateSender } from './device-out/updates.js';
import { systemClock, type Clock } from './domain/clock.js';
import { DeviceWatch } from './domain/device-watch.js';
import { MoodWatch } from './domain/mood-watch.js';
import { IncidentDesk, actorName } from './domain/incident-desk.js';
import { LiveConfig } from './live-config.js';
import { createLogger, type Logger } from './log.js';
import { HubMetrics } from './metrics.js';
import { publicDir } from './paths.js';
import { issueSecrets } from './provisioning.js';
import { SIMULATED_DEVICES, hasRealDevices, withSimulatedShop } from './simulation/simulated-devices.js';
import type { SimulatedShop } from './simulation/simulated-shop.js';
import { StorageAlarm } from './storage-alarm.js';
import { TrialData } from './simulation/trial-data.js';
import { DailyBackup, dailyBackupSettings } from './store/daily-backup.js';
import { EmailDigest } from './news/email-digest.js';
import { OwnerNews } from './news/owner-news.js';
import { PushNews } from './news/push-news.js';
import type { UplinkForwarder, UplinkStatus } from './uplink/forwarder.js';
import { HeadOfficeNews } from './uplink/head-office-news.js';
import { markRunning, markStopped } from './store/hub-lock.js';
import { freeBytes } from './store/free-space.js';
import { ReservedIncidentIds } from './store/incident-ids.js';
import { Journal } from './store/journal.js';
import { TodayReader } from './store/today-reader.js';
import { CUSTOMER_GAP_MS } from './report/today.js';
import type { StorageFaults } from './store/storage-faults.js';
import { Storage } from './store/storage.js';
import { allowedHostnames, originHostname } from './web/allowed-hosts.js';
import { startWebServer, type WebServer } from './web/server.js';

export type { RefusalCounts };

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
  /** Simulated transmission trouble for updates over the air (tests): the chunk with this index goes out corrupted, once. */
  corruptUpdateChunk?: number;
  /** Run the simulated shop (2 buttons, 2 pagers on the real firmware) while no real device is configured. */
  simulate?: boolean;
  /** Record latency metrics and write them to this file on SIGUSR2 (npm run bench). */
  metricsFile?: string;
  /** How often an idle dashboard live stream hears from the hub (tests shorten it; default 5 s). */
  liveKeepAliveMs?: number;
  /** An HTTPS agent for a push service with its own certificate authority (the tests' push service). */
  pushAgent?: Agent;
  /** What happens when the journal's worker dies; by default the process exits for its service manager to start it again (tests observe it instead). */
  onJournalLost?: (error: Error) => void;
}

/**
 * The journal's worker died (a native crash, an out-of-memory end): nothing
 * more can be stored, so no press would be confirmed again. Rather than run on
 * refusing every press, the hub exits with EX_SOFTWARE (70); the service unit's
 * Restart=on-failure starts it again, and a start restores the state from the
 * log as after any crash. The devices keep their unconfirmed presses meanwhile
 * and send them again (the log takes each once).
 */
function exitForRestart(error: Error): void {
  process.stderr.write(`loyalty-hub: ${error.message}: nothing more can be stored; exiting so that the service manager starts the hub again\n`);
  process.exit(70);
}

const SIMULATED_IDS = SIMULATED_DEVICES.map((device) => device.id);

export class Hub {
  private readonly live: LiveConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly storage: Storage;
  private readonly journal: Journal;
  /** The "Today" view's facts, from the journal's worker. */
  private readonly today: TodayReader;
  private readonly desk: IncidentDesk;
  private readonly watch: DeviceWatch;
  private readonly metrics: HubMetrics | undefined;
  private readonly refusalLog: Refusals;
  private readonly connections = new DeviceConnections();
  private readonly downlink: Downlink;
  private readonly effects: EffectRunner;
  private readonly presence: Presence;
  private readonly shifts: Shifts;
  private readonly trial: TrialData;
  private readonly news: OwnerNews;
  private readonly updates: UpdateSender;
  private readonly mood: MoodWatch;
  private readonly gatekeeper: Gatekeeper;
  private readonly storageAlarm: StorageAlarm;
  private stopMetrics: (() => void) | undefined;
  private broker!: Aedes;
  private tcp!: Server;
  private mqttTls: Server | undefined;
  private ws!: Server;
  private web: WebServer | undefined;
  private simulation: SimulatedShop | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly clockwork: Clockwork;
  private uplink: UplinkForwarder | undefined;

  private constructor(private readonly options: HubOptions) {
    const simulating = options.simulate === true && !hasRealDevices(options.config);
    this.live = new LiveConfig(simulating ? withSimulatedShop(options.config) : options.config, simulating ? SIMULATED_IDS : []);
    const config = this.live.config;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? createLogger(config.logLevel);
    this.refusalLog = new Refusals(this.log);
    this.storage = Storage.open(options.dataDir, { fsync: config.durability === 'fsync', integrityCheck: true });
    if (options.metricsFile) {
      this.metrics = new HubMetrics(() => ({ ...this.refusals }));
      this.stopMetrics = this.metrics.serveOnSignal(options.metricsFile);
    }
    this.journal = new Journal({ dataDir: options.dataDir, fsync: config.durability === 'fsync', faults: options.storageFaults, feed: config.uplink !== undefined });
    this.today = new TodayReader(this.journal);
    this.journal.onLost((error) => {
      this.log.fatal({ error: error.message }, 'the journal worker stopped: the hub cannot store presses');
      (options.onJournalLost ?? exitForRestart)(error);
    });
    this.desk = new IncidentDesk(this.clock, this.live.deskTimings(), this.live.directory, new ReservedIncidentIds(this.storage.db));
    this.watch = new DeviceWatch(this.live.watchSettings(), this.clock.now());
    this.mood = new MoodWatch(this.live.moodSettings());
    this.watch.watch(this.live.directory.ids(), this.neverConnected());

    this.downlink = new Downlink(this.live, this.connections, (packet, callback) => this.broker.publish(packet, callback), this.log);
    this.news = new OwnerNews(
      new EmailDigest({
        reports: this.storage.reports,
        log: this.log,
        config: () => this.live.config,
        nameOf: (id) => actorName(id, (pager) => this.live.directory.personOf(pager)),
        placeOf: (id) => this.live.directory.placeOf(id),
        deviceProblems: () => this.storage.reports.openDeviceProblems().map((p) => ({ device: this.live.directory.labelOf(p.source), kind: p.kind })),
      }),
      new PushNews({ store: this.storage.push, config: () => this.live.config, clock: this.clock, log: this.log, agent: options.pushAgent }),
    );
    this.effects = new EffectRunner(this.downlink, this.journal, this.metrics, (effects) => this.news.observe(effects));
    const { live, clock, log, desk, watch, journal, connections, downlink, effects, metrics } = this;
    const shifts = new Shifts({ live, clock, log, desk, journal, downlink, effects });
    this.shifts = shifts;
    this.presence = new Presence({ live, clock, log, desk, watch, journal, connections, downlink, effects, shifts });
    const gate = new PressGate(new StoredPresses(this.storage.log), new RateLimiter(config.pressRate.perSecond, config.pressRate.burst));
    this.updates = new UpdateSender({
      store: this.storage.updates,
      clock,
      log,
      connected: (id) => this.connections.newest(id) !== undefined,
      kindOf: (id) => this.live.directory.kindOf(id),
      send: (id, text) => this.downlink.update(id, text),
      trialS: config.timings.updateTrialS,
      changed: () => this.web?.changed('today'),
      corruptChunk: options.corruptUpdateChunk,
    });
    const updates = this.updates;
    const mood = this.mood;
    const backups = new DailyBackup(options.dataDir, () => dailyBackupSettings(this.live.config, options.dataDir), log);
    const headOffice = config.uplink
      ? new HeadOfficeNews({ submit: (op) => journal.submit(op), reports: this.storage.reports, timeZone: () => live.config.timeZone, alarms: () => [...this.storageAlarm.messages(), ...this.desk.alarms(), ...this.news.messages()] })
      : undefined;
    this.clockwork = new Clockwork({ live, clock, log, desk, watch, effects, updates, shifts, backups, news: this.news, headOffice });
    const intake = new UplinkIntake({ live, clock, log, desk, watch, journal, gate, effects, downlink, updates, mood, shifts, refusals: this.refusalLog, metrics });
    this.gatekeeper = new Gatekeeper(live, this.storage.devices, intake, this.refusalLog, clock, (error) => this.storageAlarm.failed(error));
    this.storageAlarm = new StorageAlarm(
      clock,
      log,
      (raised) => {
        this.effects.apply(raised ? this.desk.raiseDeviceProblem('hub', 'storage') : this.desk.clearDeviceProblem('hub', 'storage', 'the disk accepts writes again'));
        this.web?.changed('today');
      },
      () => freeBytes(options.dataDir),
    );
    this.trial = new TrialData(this.storage, this.desk, this.journal, this.clock, this.log);
    this.trial.setSimulating(simulating);
    this.restoreState();
  }

  /** Opens the database, restores open incidents, starts the broker and its listeners. */
  static async start(options: HubOptions): Promise<Hub> {
    const hub = new Hub(options);
    try {
      // Storage first: a hub that listens is one that can confirm presses.
      await hub.journal.ready();
      await hub.listen();
      // Only now that the ports are ours: a second start that fails on them must not touch the running hub's state.
      hub.storage.devices.markOfflineExcept(hub.connections.ids());
      markRunning(options.dataDir);
      if (options.simulate && !hasRealDevices(options.config)) await hub.startSimulation();
    } catch (error) {
      await hub.stop();
      throw error;
    }
    const tickMs = options.tickMs ?? 250;
    if (tickMs > 0) hub.ticker = setInterval(() => hub.tick(), tickMs);
    const configPath = options.configPath;
    if (configPath) {
      watchFile(configPath, { interval: 1000 }, (current, previous) => {
        if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) hub.reloadConfig(configPath);
      });
    }
    return hub;
  }

  /** Why connections and messages were refused, counted since start. */
  get refusals(): RefusalCounts {
    return this.refusalLog.counts;
  }

  get mqttPort(): number {
    return portOf(this.tcp);
  }

  /** MQTT over TLS, when tls is configured. */
  get mqttTlsPort(): number | undefined {
    return this.mqttTls ? portOf(this.mqttTls) : undefined;
  }

  get wsPort(): number {
    return portOf(this.ws);
  }

  get httpPort(): number {
    if (!this.web) throw new Error('the dashboard is not running');
    return this.web.port;
  }

  get site(): string {
    return this.live.site;
  }

  /** The simulated shop, while it runs. */
  get simulatedShop(): SimulatedShop | undefined {
    return this.simulation;
  }

  /** Conditions the dashboard shows above everything else. */
  /** The uplink to the head office, when one is configured: connected, backlog, last confirmation, last error. */
  uplinkStatus(): UplinkStatus | null {
    return this.uplink?.status() ?? null;
  }

  /** Resolves when every phone notification due has been tried once (tests). */
  pushSettled(): Promise<void> {
    return this.news.push.settled();
  }

  alarms(): Phrase[] {
    return [...this.storageAlarm.messages(), ...this.desk.alarms(), ...this.news.messages(), ...(this.uplink?.messages() ?? [])];
  }

  /** Runs escalation and supervision for the current time. */
  tick(): void {
    this.clockwork.tick();
  }

  /** Stops accepting, lets pending writes commit, closes the database. */
  async stop(): Promise<void> {
    this.simulation?.stop();
    this.stopMetrics?.();
    if (this.ticker) clearInterval(this.ticker);
    if (this.options.configPath) unwatchFile(this.options.configPath);
    await this.uplink?.stop();
    await this.web?.close();
    await Promise.all([
      this.tcp ? new Promise<void>((resolve) => this.tcp.close(() => resolve())) : undefined,
      this.mqttTls ? new Promise<void>((resolve) => this.mqttTls!.close(() => resolve())) : undefined,
      this.ws ? new Promise<void>((resolve) => this.ws.close(() => resolve())) : undefined,
      this.broker ? new Promise<void>((resolve) => this.broker.close(() => resolve())) : undefined,
    ]);
    await this.journal.close();
    this.storage.close();
    markStopped(this.options.dataDir);
  }

  /** Devices that have not connected once (registered before they were flashed): waiting, not missing. */
  private neverConnected(): Set<string> {
    const seen = new Set(this.storage.devices.deviceStates().filter((state) => state.lastSeenAt !== null).map((state) => state.deviceId));
    return new Set(this.live.directory.ids().filter((id) => !seen.has(id)));
  }

  // ---- start-up -------------------------------------------------------------

  private restoreState(): void {
    this.shifts.restore(this.storage.devices.deviceStates());
    const open = this.trial.toRestore(this.storage.log.openIncidents());
    for (const incident of open) this.desk.restore(incident.record, incident.paged, incident.delivered, incident.seqs);
    if (open.length > 0) this.log.info({ incidents: open.map((i) => i.record.id) }, 'restored open incidents');
  }

  private async listen(): Promise<void> {
    const gate = this.gatekeeper;
    writeMessageIdsOnDemand();
    this.broker = await Aedes.createBroker({
      // Bounded so a burst of QoS 1 publishes cannot recurse through mqemitter until the stack overflows.
      concurrency: 1000,
      authenticate: (client, username, password, done) => gate.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => gate.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => gate.authorizeSubscribe(client, subscription, done),
    });
    skipRoutingOfHubOnlyUplinks(this.broker);
    this.broker.on('clientReady', (client) => this.presence.ready(client));
    this.broker.on('clientDisconnect', (client) => {
      this.presence.gone(client);
      this.updates.disconnected(client.id);
    });
    this.broker.on('subscribe', (subscriptions, client) => this.presence.subscribed(subscriptions, client));
    this.broker.on('ack', (packet, client) => this.presence.acknowledged(packet as PublishPacket | undefined, client));
    this.broker.on('clientError', (client, error) => this.log.info({ device: client?.id, error: error.message }, 'client connection error'));
    this.broker.on('connectionError', (_client, error) => this.refusalLog.protocol(error));

    const config = this.live.config;
    const common = { host: config.mqtt.host, maxPacketBytes: MAX_PACKET_BYTES, log: this.log, onOversized: () => this.refusalLog.oversized() };
    const tls = config.tls ? readTlsFiles(config.tls) : undefined;
    const uplinkCa = config.uplink ? readUplinkCa(config.uplink) : undefined;
    this.tcp = await listenTcp(this.broker, { ...common, port: config.mqtt.port });
    if (tls && config.tls) this.mqttTls = await listenTls(this.broker, { ...common, port: config.tls.mqttPort, ...tls });
    const limits = { idleTimeoutMs: config.http.idleTimeoutS * 1000, maxPerSource: config.http.maxConnectionsPerSource };
    const hosts = allowedHostnames(config.http.allowedHosts);
    const originAllowed = (origin: string) => hosts.has(originHostname(origin) ?? '');
    this.ws = await listenWebSocket(this.broker, {
      ...common,
      port: config.mqtt.wsPort,
      limits,
      onRefused: () => this.refusalLog.crowded(),
      originAllowed,
      onForeignOrigin: () => this.refusalLog.foreignOrigin(),
    });
    this.web = await startWebServer(
      {
        storage: this.storage,
        clock: this.clock,
        log: this.log,
        config: () => this.live.config,
        directory: () => this.live.directory,
        simulation: () => this.simulation,
        alarms: () => this.alarms(),
        todayFacts: (from, to) => {
          const directory = this.live.directory;
          const names = new Map(directory.pagers().map((pager) => [pager, directory.personOf(pager)]));
          return this.today.facts({ read: 'today', from, to, customerGapMs: CUSTOMER_GAP_MS, showTrial: this.storage.reports.showTrial, names });
        },
        analytics: (days, openHours, language) => {
          const { config: current, directory } = this.live;
          const devices = directory.all();
          const names = new Map(devices.map((device) => [device.id, directory.labelOf(device.id)]));
          const places = new Map(devices.map((device) => [device.id, directory.placeOf(device.id)]));
          const { timeZone, reactionTargetS: targetS, apologyRecovers } = current;
          return this.journal.read({ read: 'analytics', now: this.clock.now(), days, timeZone, targetS, names, places, apologyRecovers, openHours, language, showTrial: this.storage.reports.showTrial });
        },
        batteryOutlook: (deviceId) => this.watch.batteryOutlook(deviceId),
        publicDir: publicDir(),
        staff: { view: () => this.shifts.view((id) => this.connections.newest(id) !== undefined), wear: (pager, person) => this.shifts.wear(pager, person), shift: (pager, on, user) => this.shifts.fromDashboard(pager, on, user) },
        trial: this.trial,
        settings: settingsAccess(this.options.configPath, (path) => this.reloadConfig(path), this.log),
        push: this.news.push,
        uplinkStatus: () => this.uplinkStatus(),
        incidents: new DeskActions({ desk: this.desk, effects: this.effects, live: this.live, reports: this.storage.reports, journal: this.journal, log: this.log }),
      },
      config.http.host,
      config.http.port,
      { ...limits, onRefused: () => this.refusalLog.crowded(), hosts, https: tls, liveKeepAliveMs: this.options.liveKeepAliveMs },
    );
    this.journal.onCommit((ops) => {
      this.metrics?.committed(ops);
      this.storageAlarm.committed();
      this.web?.changed('today');
      this.uplink?.poke();
    });
    if (config.uplink) {
      // The MQTT client is loaded only by a shop that forwards to a head office.
      const { UplinkForwarder } = await import('./uplink/forwarder.js');
      this.uplink = new UplinkForwarder(this.site, { ...config.uplink, ca: uplinkCa }, this.storage.uplink, this.log, () => this.clock.now());
      this.uplink.start();
    }
    this.journal.onCommitFailed((error) => this.storageAlarm.failed(error));
    this.log.info(
      { mqtt: `${config.mqtt.host}:${this.mqttPort}`, ws: `${config.mqtt.host}:${this.wsPort}`, dashboard: `http://${config.http.host}:${this.httpPort}/`, site: this.site },
      'hub listening',
    );
  }

  private async startSimulation(): Promise<void> {
    // Fresh secrets at every start: the simulated devices' flash is rewritten with them.
    const secrets = await issueSecrets(this.storage.devices, SIMULATED_DEVICES.map((device) => device.id), this.clock.now());
    // Loaded only now: a hub with real devices never holds the shim and the firmware bundles.
    const { SimulatedShop } = await import('./simulation/simulated-shop.js');
    this.simulation = new SimulatedShop({ dataDir: this.options.dataDir, site: this.site, mqttPort: this.mqttPort, secrets, log: this.log, language: this.live.config.language });
    this.simulation.onChange(() => this.web?.changed('shop'));
    this.simulation.start();
  }

  private reloadConfig(configPath: string): void {
    let next: HubConfig;
    try {
      next = loadConfig(configPath);
    } catch (error) {
      this.log.error({ error: (error as Error).message }, 'configuration change ignored: the file is invalid');
      return;
    }
    if (this.simulation && hasRealDevices(next)) {
      this.log.info('a real device is configured: the simulated shop stops');
      this.simulation.stop();
      this.simulation = undefined;
      this.trial.setSimulating(false);
    }
    if (this.simulation) next = withSimulatedShop(next);
    const current = this.live.config;
    const before = new Map(this.live.directory.ids().map((id) => [id, this.live.directory.labelOf(id)]));
    this.live.replace({ ...next, mqtt: current.mqtt, http: current.http, dataDir: current.dataDir }, this.simulation ? SIMULATED_IDS : []);
    this.desk.reconfigure(this.live.deskTimings(), this.live.directory);
    for (const [id, label] of before) if (!this.live.directory.get(id)) this.effects.apply(this.desk.deviceRemoved(id, label));
    this.watch.reconfigure(this.live.watchSettings());
    this.mood.reconfigure(this.live.moodSettings());
    this.watch.watch(this.live.directory.ids(), this.neverConnected());
    // Names and causes may have changed: every connected pager hears its duty again.
    for (const pager of this.live.directory.pagers()) if (this.connections.newest(pager)) this.shifts.tell(pager);
    this.connections.closeUnless(
      (deviceId) => this.live.directory.get(deviceId) !== undefined,
      (deviceId) => this.log.warn({ device: deviceId }, 'device removed from the configuration: disconnecting it'),
    );
    this.log.info({ devices: this.live.directory.ids().length }, 'configuration reloaded');
  }
}
