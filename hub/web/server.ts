// The owner dashboard and its JSON API, served by the hub (fastify). Every
// page and API route needs a session except the login page, its assets and
// the health check. State-changing routes take JSON only and check Origin:
// with the SameSite=Strict cookie that shuts out cross-site requests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { stringify } from 'csv-stringify/sync';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HubConfig } from '../config/schema.js';
import type { DeviceDirectory } from '../device-directory.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import { analyticsView } from '../report/analytics.js';
import { DAILY_LOG_COLUMNS, dailyLog } from '../report/daily-log.js';
import { devicesView } from '../report/devices.js';
import { todayView } from '../report/today.js';
import type { Db } from '../store/database.js';
import { PAGER_HOLD_MS, type PagerHold, type SimulatedShop } from '../simulation/simulated-shop.js';
import { Accounts, SESSION_MS, type User } from './accounts.js';

export const SESSION_COOKIE = 'lb_session';

export type LiveTopic = 'today' | 'shop';

export interface WebDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  config(): HubConfig;
  directory(): DeviceDirectory;
  simulation(): SimulatedShop | undefined;
  /** Conditions to show above everything (the disk failing). */
  alarms(): string[];
  publicDir: string;
}

export interface WebServer {
  port: number;
  /** Something changed (the log, or the simulated shop's devices): live views refresh (coalesced). */
  changed(what: LiveTopic): void;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

const PUBLIC_PATHS = new Set(['/login', '/api/login', '/api/health', '/assets/style.css', '/assets/login.js', '/favicon.ico']);
const LIVE_COALESCE_MS = 100;

const dateQuery = { type: 'object', properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } }, required: ['date'], additionalProperties: false } as const;

export async function startWebServer(deps: WebDeps, host: string, port: number): Promise<WebServer> {
  const accounts = new Accounts(deps.db);
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 4096 });
  await app.register(fastifyCookie);
  await app.register(fastifyStatic, { root: deps.publicDir, prefix: '/assets/', index: false, wildcard: false });

  const nameOf = (id: string) => deps.directory().labelOf(id);
  const live = new Set<ServerResponse<IncomingMessage>>();

  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cache-Control', 'no-store');
    const path = request.url.split('?')[0];
    request.user = accounts.session(request.cookies[SESSION_COOKIE], deps.clock.now());
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      // Cross-site forms cannot send JSON without a preflight, and browsers always send Origin on POST.
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) return reply.code(403).send({ error: 'cross-site request refused' });
      if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) return reply.code(415).send({ error: 'send JSON' });
    }
    if (PUBLIC_PATHS.has(path) || request.user) return;
    if (path.startsWith('/api/')) return reply.code(401).send({ error: 'log in first' });
    return reply.redirect('/login');
  });

  app.get('/api/health', async () => ({ ok: true }));
  app.get('/login', (_request, reply) => reply.sendFile('login.html'));
  app.get('/', (_request, reply) => reply.sendFile('index.html'));

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      schema: {
        body: {
          type: 'object',
          properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
          required: ['username', 'password'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const result = await accounts.login(request.body.username, request.body.password, deps.clock.now());
      if (!result.ok) {
        deps.log.warn({ username: request.body.username, ip: request.ip, reason: result.reason }, 'dashboard login refused');
        if (result.reason === 'locked') return reply.code(429).header('Retry-After', String(result.retryAfterS)).send({ error: `too many failed logins: try again in ${Math.ceil((result.retryAfterS ?? 60) / 60)} min` });
        return reply.code(401).send({ error: 'wrong user name or password' });
      }
      deps.log.info({ username: result.user.username, ip: request.ip }, 'dashboard login');
      reply.setCookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_MS / 1000 });
      return result.user;
    },
  );

  app.post('/api/logout', async (request, reply) => {
    accounts.logout(request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', async (request) => ({ ...request.user, site: deps.config().site, timeZone: deps.config().timeZone, simulation: deps.simulation()?.running ?? false }));

  const today = () => todayView(deps.db, deps.clock.now(), deps.config().timeZone, nameOf, deps.alarms());
  app.get('/api/today', async () => today());

  const logFor = (request: FastifyRequest<{ Querystring: { date: string } }>, reply: FastifyReply) => {
    try {
      return dailyLog(deps.db, request.query.date, deps.config().timeZone, nameOf);
    } catch (error) {
      reply.code(400).send({ error: (error as Error).message });
      return null;
    }
  };
  app.get<{ Querystring: { date: string } }>('/api/log', { schema: { querystring: dateQuery } }, async (request, reply) => logFor(request, reply) ?? reply);
  app.get<{ Querystring: { date: string } }>('/api/log.csv', { schema: { querystring: dateQuery } }, async (request, reply) => {
    const log = logFor(request, reply);
    if (!log) return reply;
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="complaints-${log.date}.csv"`);
    return stringify(log.incidents, { header: true, columns: DAILY_LOG_COLUMNS });
  });

  // Digits only: a numeric schema would let "1e999" through as Infinity (Ajv's coercion).
  app.get<{ Querystring: { days: string } }>(
    '/api/analytics',
    { schema: { querystring: { type: 'object', properties: { days: { type: 'string', pattern: '^[0-9]{1,2}$', default: '7' } }, additionalProperties: false } } },
    async (request, reply) => {
      const days = Number(request.query.days);
      if (days < 1 || days > 90) return reply.code(400).send({ error: 'days must be a whole number from 1 to 90' });
      return analyticsView(deps.db, deps.clock.now(), days, deps.config().timeZone, deps.config().reactionTargetS, nameOf);
    },
  );

  app.get('/api/devices', async () => devicesView(deps.db, deps.config().devices));

  // ---- the simulated shop -------------------------------------------------------
  const shopState = () => ({ running: deps.simulation()?.running ?? false, devices: deps.simulation()?.state() ?? [] });
  /** Does something with the running simulated shop and answers its new state; a device it refuses is a 400. */
  const actOnShop = async (reply: FastifyReply, action: (shop: SimulatedShop) => Promise<unknown>) => {
    const shop = deps.simulation();
    if (!shop?.running) {
      return reply.code(404).send({ error: 'the simulated shop is not running (it runs while no real device is configured, unless started with --no-sim)' });
    }
    try {
      await action(shop);
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    return shopState();
  };
  app.get('/api/sim', async () => shopState());
  app.post<{ Body: { device: string; kind: 'red' | 'green' } }>(
    '/api/sim/press',
    { schema: { body: { type: 'object', properties: { device: { type: 'string', maxLength: 32 }, kind: { enum: ['red', 'green'] } }, required: ['device', 'kind'], additionalProperties: false } } },
    async (request, reply) => actOnShop(reply, (shop) => shop.press(request.body.device, request.body.kind)),
  );
  app.post<{ Body: { device: string; hold: PagerHold } }>(
    '/api/sim/pager',
    { schema: { body: { type: 'object', properties: { device: { type: 'string', maxLength: 32 }, hold: { enum: Object.keys(PAGER_HOLD_MS) } }, required: ['device', 'hold'], additionalProperties: false } } },
    async (request, reply) => actOnShop(reply, (shop) => shop.hold(request.body.device, request.body.hold)),
  );

  app.get('/api/live', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(`event: today\ndata: ${JSON.stringify(today())}\n\n`);
    if (deps.simulation()?.running) res.write(`event: shop\ndata: ${JSON.stringify(shopState())}\n\n`);
    live.add(res);
    request.raw.on('close', () => live.delete(res));
  });

  await app.listen({ host, port });
  const actualPort = (app.server.address() as AddressInfo).port;

  const pending = new Map<LiveTopic, NodeJS.Timeout>();
  const snapshot = (topic: LiveTopic) => JSON.stringify(topic === 'today' ? today() : shopState());
  const keepAlive = setInterval(() => {
    for (const res of live) res.write(': keep-alive\n\n');
  }, 15_000);
  return {
    port: actualPort,
    changed(topic) {
      if (pending.has(topic) || live.size === 0) return;
      pending.set(
        topic,
        setTimeout(() => {
          pending.delete(topic);
          const message = `event: ${topic}\ndata: ${snapshot(topic)}\n\n`;
          for (const res of live) res.write(message);
        }, LIVE_COALESCE_MS),
      );
    },
    async close() {
      clearInterval(keepAlive);
      for (const timer of pending.values()) clearTimeout(timer);
      for (const res of live) res.end();
      live.clear();
      await app.close();
    },
  };
}
