// The head office's web server (#19, `loyalty-hub hq serve`): the chain's
// dashboard for its owner and area managers (own accounts in PostgreSQL,
// hq-accounts.ts; the shop dashboard's stack, look and login page) and the
// export API for the chain's tools (token-authenticated, export-api.ts).
// Stateless: several can serve one PostgreSQL. Every query is limited to the
// sites the account may see; a site outside them is a 403.
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type pg from 'pg';
import { LANGUAGES } from '../i18n/languages.js';
import type { Logger } from '../log.js';
import { ApiError, installErrorHandling, sendError } from '../web/errors.js';
import sameSiteJson from '../web/plugins/same-site-json.js';
import securityHeaders from '../web/plugins/security-headers.js';
import { exportRoutes } from './export-api.js';
import { HQ_SESSION_MS, HqAccounts, type HqUser } from './hq-accounts.js';
import { compare, incidents, overview, summaries, type Period } from './hq-queries.js';

export const HQ_SESSION_COOKIE = 'lb_hq_session';
const DAY_MS = 86_400_000;
const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const SITE = '^[a-z0-9][a-z0-9-]{0,62}$';
/** One site's log in the dashboard, at most (a page of a busy week). */
const SITE_LOG_LIMIT = 1000;

export interface HqServerOptions {
  pool: pg.Pool;
  log: Logger;
  host: string;
  port: number;
  publicDir: string;
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    hqUser: HqUser | null;
  }
}

const dayRange = {
  type: 'object',
  properties: { from: { type: 'string', pattern: DAY }, to: { type: 'string', pattern: DAY }, by: { enum: ['range', 'day', 'week'] } },
  required: ['from', 'to'],
  additionalProperties: false,
} as const;

/** "from".."to" (UTC days, both included) as milliseconds; a range backwards or over a year is refused. */
function range(query: { from: string; to: string }): { from: number; to: number } {
  const from = Date.parse(`${query.from}T00:00:00Z`);
  const to = Date.parse(`${query.to}T00:00:00Z`) + DAY_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from || to - from > 366 * DAY_MS) throw new ApiError('bad-request', '"from" and "to" must be days of the calendar, "from" not after "to", at most a year apart');
  return { from, to };
}

/** The sites this account may see (null: all), narrowed to `site` when asked for one. */
function visible(user: HqUser, site?: string): string[] | null {
  if (site === undefined) return user.sites;
  if (user.sites && !user.sites.includes(site)) throw new ApiError('other-site');
  return [site];
}

export async function startHqServer(options: HqServerOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const { pool, log } = options;
  const now = options.now ?? Date.now;
  const accounts = new HqAccounts(pool, now);
  const app = Fastify({ logger: false, bodyLimit: 4096, connectionTimeout: 60_000, requestTimeout: 60_000 });
  installErrorHandling(app, log);
  app.decorateRequest('hqUser', null);
  await app.register(fastifyCookie);
  await app.register(fastifyStatic, { root: options.publicDir, serve: false });
  await app.register(securityHeaders);
  await app.register(sameSiteJson);
  await app.register(exportRoutes, { pool, log });

  // Public: the login page (the shop's own), what it loads, the login.
  app.get('/api/health', async () => ({ ok: true }));
  app.get('/login', (_request, reply) => reply.sendFile('login.html'));
  for (const file of ['login.js', 'style.css']) app.get(`/assets/${file}`, (_request, reply) => reply.sendFile(file));
  app.get<{ Params: { chunk: string } }>('/assets/:chunk', { schema: { params: { type: 'object', properties: { chunk: { type: 'string', pattern: '^chunk-[A-Z0-9]{8}\\.js$' } }, required: ['chunk'] } } }, (request, reply) =>
    reply.sendFile(request.params.chunk),
  );
  app.get<{ Params: { language: string } }>('/assets/i18n/:language.json', { schema: { params: { type: 'object', properties: { language: { enum: LANGUAGES } }, required: ['language'] } } }, (request, reply) =>
    reply.sendFile(`i18n/${request.params.language}.json`),
  );
  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    { schema: { body: { type: 'object', properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } }, required: ['username', 'password'], additionalProperties: false } } },
    async (request, reply) => {
      const result = await accounts.login(request.body.username, request.body.password);
      if (!result.ok) {
        log.warn({ username: request.body.username, ip: request.ip, reason: result.reason }, 'hq dashboard: login refused');
        if (result.reason === 'busy') throw new ApiError('busy');
        if (result.reason === 'locked') throw new ApiError('login-locked', `too many failed logins: try again in ${Math.ceil(result.retryAfterS! / 60)} min`, { 'Retry-After': String(result.retryAfterS) });
        throw new ApiError('wrong-credentials');
      }
      log.info({ username: result.user.username, ip: request.ip }, 'hq dashboard: login');
      reply.setCookie(HQ_SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure: 'auto', path: '/', maxAge: HQ_SESSION_MS / 1000 });
      return { username: result.user.username, role: result.user.role };
    },
  );

  // Behind a session: the dashboard and its API.
  await app.register(async (secure: FastifyInstance) => {
    secure.addHook('onRequest', async (request, reply) => {
      request.hqUser = await accounts.session(request.cookies[HQ_SESSION_COOKIE]);
      if (request.hqUser) return;
      if (request.url.startsWith('/api/')) return sendError(reply, 'not-logged-in');
      return reply.redirect('/login');
    });
    const user = (request: FastifyRequest) => request.hqUser!;
    secure.get('/', (_request, reply) => reply.sendFile('hq.html'));
    secure.get('/assets/hq.js', (_request, reply) => reply.sendFile('hq.js'));
    secure.post('/api/logout', async (request, reply) => {
      await accounts.logout(request.cookies[HQ_SESSION_COOKIE]);
      reply.clearCookie(HQ_SESSION_COOKIE, { path: '/' });
      return { ok: true };
    });
    secure.get('/api/hq/me', async (request) => user(request));
    /** Every visible site: today's presses (UTC day), open incidents, devices, silent or not. */
    secure.get('/api/hq/overview', async (request) => {
      const dayStart = Math.floor(now() / DAY_MS) * DAY_MS;
      return { day: new Date(dayStart).toISOString().slice(0, 10), sites: await overview(pool, visible(user(request)), { from: dayStart, to: dayStart + DAY_MS }, now()) };
    });
    secure.get<{ Params: { site: string }; Querystring: { from: string; to: string } }>(
      '/api/hq/sites/:site/incidents',
      { schema: { params: { type: 'object', properties: { site: { type: 'string', pattern: SITE } }, required: ['site'] }, querystring: { ...dayRange, properties: { from: dayRange.properties.from, to: dayRange.properties.to } } } },
      async (request) => {
        const sites = visible(user(request), request.params.site);
        const [{ total, items }, days] = await Promise.all([incidents(pool, { ...range(request.query), sites }, SITE_LOG_LIMIT, 0), summaries(pool, request.query, sites)]);
        return { site: request.params.site, total, incidents: items, days };
      },
    );
    secure.get<{ Querystring: { from: string; to: string; by?: Period } }>('/api/hq/compare', { schema: { querystring: dayRange } }, async (request) =>
      compare(pool, { ...range(request.query), sites: visible(user(request)) }, request.query.by ?? 'range'),
    );
  });

  await app.listen({ host: options.host, port: options.port });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}
