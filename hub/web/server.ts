// The owner dashboard and its JSON API, served by the hub (fastify), built
// from plugins: security headers and the same-site JSON rule for the whole
// server; the public routes (login, health); and, in a context that requires
// a session, the dashboard page, the reports, the simulated shop and the
// live feed. Errors come from one catalogue (errors.ts).
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { HubConfig } from '../config/schema.js';
import type { DeviceDirectory } from '../device-directory.js';
import type { BatteryOutlook } from '../domain/battery-gauge.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Phrase } from '../i18n/translate-options.js';
import type { Language } from '../i18n/languages.js';
import type { AnalyticsView } from '../contract/api-types.js';
import { say, translator } from '../i18n/translate.js';
import { requestLanguage } from './request-language.js';
import { localDays, todayHead, todayView } from '../report/today.js';
import type { TodayFacts } from '../store/read-ops.js';
import type { SimulatedShop } from '../simulation/simulated-shop.js';
import type { Storage } from '../store/storage.js';
import { capConnectionsPerSource, type ConnectionLimits } from '../broker/connection-guard.js';
import { Accounts } from './accounts.js';
import { installErrorHandling } from './errors.js';
import { LoginGuard } from './login-guard.js';
import { LiveFeed, type LiveTopic, type LiveView } from './live-feed.js';
import { SESSION_COOKIE, publicRoutes, withSession } from './plugins/authentication.js';
import { reportRoutes } from './plugins/report-routes.js';
import { staffRoutes, type StaffRouteOptions } from './plugins/staff-routes.js';
import { incidentRoutes, type IncidentActions } from './plugins/incident-routes.js';
import { accountRoutes } from './plugins/account-routes.js';
import { pushRoutes } from './plugins/push-routes.js';
import type { PushNews } from '../news/push-news.js';
import type { UplinkStatus } from '../uplink/forwarder.js';
import { settingsRoutes, type SettingsAccess } from './plugins/settings-routes.js';
import allowedHost from './plugins/allowed-host.js';
import sameSiteJson from './plugins/same-site-json.js';
import securityHeaders from './plugins/security-headers.js';
import { shopState, simulationRoutes } from './plugins/simulation-routes.js';
import type { TrialData } from '../simulation/trial-data.js';

export { SESSION_COOKIE };
export type { LiveTopic };

export interface WebDeps {
  storage: Storage;
  clock: Clock;
  log: Logger;
  config(): HubConfig;
  directory(): DeviceDirectory;
  simulation(): SimulatedShop | undefined;
  /** Conditions to show above everything (the disk failing). */
  alarms(): Phrase[];
  /** The facts of the "Today" view for the local day [from, to), read off the event loop. */
  todayFacts(from: number, to: number): Promise<TodayFacts>;
  /** The analytics view of the last `days` local days, read off the event loop (store/read-ops.ts). */
  analytics(days: number, openHours: boolean[], language: Language): Promise<AnalyticsView>;
  /** A device's charge and time to empty, as supervision estimates it now. */
  batteryOutlook(deviceId: string): BatteryOutlook | null;
  publicDir: string;
  staff: Omit<StaffRouteOptions, 'changed'>;
  trial: Pick<TrialData, 'counts' | 'goLive'>;
  settings: SettingsAccess;
  incidents: IncidentActions;
  push: PushNews;
  /** The uplink to a head office, when configured. */
  uplinkStatus(): UplinkStatus | null;
}

export interface WebServer {
  port: number;
  /** Something changed (the log, or the simulated shop's devices): live views refresh (coalesced). */
  changed(what: LiveTopic): void;
  close(): Promise<void>;
}

export async function startWebServer(
  deps: WebDeps,
  host: string,
  port: number,
  limits: ConnectionLimits & {
    onRefused: () => void;
    /** Names the dashboard answers to (allowed-hosts.ts). */
    hosts: Set<string>;
    /** A certificate and key: the dashboard is served over HTTPS. */
    https?: { key: Buffer; cert: Buffer };
    /** How often an idle live stream hears from the hub (tests shorten it). */
    liveKeepAliveMs?: number;
  },
): Promise<WebServer> {
  const accounts = new Accounts(deps.storage.accounts);
  const simulating = () => deps.simulation()?.running ?? false;
  /** Today's facts as of now, to be rendered in each reader's language. */
  const dayOf = localDays();
  const todayNow = async (): Promise<LiveView & { whole(language: Language): string }> => {
    const now = deps.clock.now();
    const day = dayOf(now, deps.config().timeZone);
    const facts = await deps.todayFacts(day.from, day.to);
    const alarmsIn = (language: Language) => {
      const t = translator(language);
      return deps.alarms().map((alarm) => say(t, alarm));
    };
    return {
      // The hub's time as the view is written, not as its facts were fetched: a stream that
      // connects gets the last round's view (up to 5 s old) and sets its clock by this.
      head: (language) => todayHead(facts, deps.clock.now(), day, alarmsIn(language)),
      list: { field: 'open', items: facts.open },
      madeInMs: facts.madeInMs,
      whole: (language: Language) => todayView(facts, now, day, alarmsIn(language)),
    };
  };
  const todayIn = async (language: Language) => (await todayNow()).whole(language);
  const live = new LiveFeed(
    async (topic) => {
      if (topic === 'today') return todayNow();
      const shop = JSON.stringify(shopState(deps.simulation()));
      return { head: () => shop };
    },
    (topic) => topic === 'today' || simulating(),
    limits.liveKeepAliveMs,
  );

  // connectionTimeout: a socket that sends nothing for this long is closed (an open live stream writes a keep-alive every 15 s).
  const app = Fastify({
    logger: false,
    bodyLimit: 4096,
    connectionTimeout: limits.idleTimeoutMs,
    requestTimeout: Math.min(limits.idleTimeoutMs, 60_000),
    ...(limits.https ? { https: limits.https } : {}),
  });
  capConnectionsPerSource(app.server, limits, deps.log, 'http', limits.onRefused);
  installErrorHandling(app, deps.log);
  app.decorateRequest('user', null);
  await app.register(fastifyCookie);
  // Files are served only by the routes that name them, public or behind the session.
  await app.register(fastifyStatic, { root: deps.publicDir, serve: false });
  await app.register(securityHeaders);
  await app.register(allowedHost, { hosts: limits.hosts });
  await app.register(sameSiteJson);

  const auth = { accounts, guard: new LoginGuard(deps.storage.accounts, deps.clock), clock: deps.clock, log: deps.log, onLogout: (token: string) => live.endSession(token) };
  await app.register(publicRoutes, auth);
  await app.register(
    withSession(auth, async (secure) => {
      secure.get('/', (_request, reply) => reply.sendFile('index.html'));
      secure.get('/assets/app.js', (_request, reply) => reply.sendFile('app.js'));
      await secure.register(reportRoutes, { storage: deps.storage, clock: deps.clock, config: deps.config, directory: deps.directory, batteryOutlook: deps.batteryOutlook, today: todayIn, analytics: deps.analytics, simulating });
      await secure.register(simulationRoutes, { simulation: deps.simulation, trial: deps.trial, changed: () => live.changed('today') });
      await secure.register(staffRoutes, { ...deps.staff, changed: () => live.changed('today') });
      await secure.register(incidentRoutes, { actions: deps.incidents, changed: () => live.changed('today') });
      await secure.register(accountRoutes, { accounts, now: () => deps.clock.now() });
      secure.get('/api/uplink', async () => ({ uplink: deps.uplinkStatus() }));
      await secure.register(pushRoutes, { news: deps.push, store: deps.storage.push, now: () => deps.clock.now() });
      await secure.register(settingsRoutes, { settings: deps.settings, changed: () => live.changed('today') });
      secure.get('/api/live', (request, reply) => {
        const token = request.cookies[SESSION_COOKIE] as string; // the session hook let it in
        reply.hijack();
        live.attach(request.raw, reply.raw, token, requestLanguage(request), () => accounts.session(token, deps.clock.now()) !== null);
      });
    }),
  );

  await app.listen({ host, port });
  return {
    port: (app.server.address() as AddressInfo).port,
    changed: (topic) => live.changed(topic),
    async close() {
      live.close();
      await app.close();
    },
  };
}
