// The head office's export API for a chain's own tools (#19): token
// authenticated (Authorization: Bearer …; only the token's SHA-256 is kept,
// and a token may be limited to some sites), JSON a page at a time or CSV
// whole, by UTC date range and site. Every input is checked before a query
// runs; an unknown token is a 401, a site outside the token's a 403.
import { createHash, randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../log.js';
import { compare, devices, incidents, sites, summaries, type Period } from './hq-queries.js';

export const EXPORT_PAGE = 500;
const CSV_LIMIT = 100_000;
const DAY_MS = 86_400_000;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token for `name` (printed once); `sites` limits what it may read. */
export async function addToken(pool: pg.Pool, name: string, sites: string[] | null): Promise<string> {
  const token = `lbhq_${randomBytes(24).toString('base64url')}`;
  await pool.query('INSERT INTO hq_tokens (hash, name, sites) VALUES ($1, $2, $3)', [sha256(token), name, sites]);
  return token;
}

interface Query {
  from: string;
  to: string;
  site?: string;
  page?: string;
  by?: Period;
}

const query = {
  type: 'object',
  properties: {
    from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    site: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}(,[a-z0-9][a-z0-9-]{0,62}){0,99}$' },
    page: { type: 'string', pattern: '^[1-9]\\d{0,6}$' },
    by: { enum: ['range', 'day', 'week'] },
  },
  required: ['from', 'to'],
  additionalProperties: false,
} as const;

class ExportError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The export API's routes under /api/v1, with their own errors ({ "error": "…" }); hq-server.ts serves them. */
export async function exportRoutes(app: FastifyInstance, { pool, log }: { pool: pg.Pool; log: Logger }): Promise<void> {
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _request, reply) => {
    const status = error instanceof ExportError ? error.status : error.validation ? 400 : (error.statusCode ?? 500);
    if (status >= 500) log.error({ error: error.message }, 'hq export: failed');
    return reply.code(status).send({ error: status >= 500 ? 'the head office could not answer: see its log' : error.message });
  });

  /** The token's sites (null: all), or a refusal. */
  const authorize = async (request: FastifyRequest): Promise<string[] | null> => {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (\S{10,200})$/.exec(header)?.[1];
    if (!token) throw new ExportError(401, 'send Authorization: Bearer <token> (loyalty-hub hq token add)');
    const found = await pool.query<{ sites: string[] | null }>('SELECT sites FROM hq_tokens WHERE hash = $1', [sha256(token)]);
    if (found.rows.length === 0) {
      log.warn({ ip: request.ip }, 'hq export: unknown token refused');
      throw new ExportError(401, 'unknown token');
    }
    return found.rows[0].sites;
  };

  /** The filter of a request: the range as ms and the sites it may and wants to see. */
  const filter = async (request: FastifyRequest<{ Querystring: Query }>) => {
    const allowed = await authorize(request);
    const from = Date.parse(`${request.query.from}T00:00:00Z`);
    const to = Date.parse(`${request.query.to}T00:00:00Z`) + DAY_MS;
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new ExportError(400, '"from" and "to" must be days of the calendar, "from" not after "to"');
    const wanted = request.query.site ? request.query.site.split(',') : null;
    if (wanted && allowed && wanted.some((site) => !allowed.includes(site))) throw new ExportError(403, `this token may read only: ${allowed.join(', ')}`);
    return { from, to, sites: wanted ?? allowed };
  };

  app.get('/api/v1/sites', async (request) => sites(pool, await authorize(request)));

  /** Each device's latest health as its shop forwarded it (device health at a glance). */
  app.get<{ Querystring: { site?: string } }>(
    '/api/v1/devices',
    { schema: { querystring: { type: 'object', properties: { site: query.properties.site }, additionalProperties: false } } },
    async (request) => {
      const allowed = await authorize(request);
      const wanted = request.query.site ? request.query.site.split(',') : null;
      if (wanted && allowed && wanted.some((site) => !allowed.includes(site))) throw new ExportError(403, `this token may read only: ${allowed.join(', ')}`);
      return devices(pool, wanted ?? allowed);
    },
  );

  /** Each site's figures over the range, side by side: what a chain's owner compares. */
  app.get<{ Querystring: Query }>('/api/v1/compare', { schema: { querystring: query } }, async (request) => compare(pool, await filter(request), request.query.by ?? 'range'));

  /** Each shop's figures per day as it sent them at closing (its own calendar day). */
  app.get<{ Querystring: Query }>('/api/v1/summaries', { schema: { querystring: query } }, async (request) => {
    const f = await filter(request);
    return summaries(pool, { from: request.query.from, to: request.query.to }, f.sites);
  });

  app.get<{ Querystring: Query }>('/api/v1/incidents', { schema: { querystring: query } }, async (request) => {
    const f = await filter(request);
    const page = Number(request.query.page ?? '1');
    const { total, items } = await incidents(pool, f, EXPORT_PAGE, (page - 1) * EXPORT_PAGE);
    return { page, pages: Math.max(1, Math.ceil(total / EXPORT_PAGE)), total, incidents: items };
  });

  app.get<{ Querystring: Query }>('/api/v1/incidents.csv', { schema: { querystring: query } }, async (request, reply: FastifyReply) => {
    const f = await filter(request);
    const { total, items } = await incidents(pool, f, CSV_LIMIT, 0);
    if (total > CSV_LIMIT) throw new ExportError(413, `${total} incidents: narrow the range or the sites (at most ${CSV_LIMIT} a file)`);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="incidents-${request.query.from}-${request.query.to}.csv"`);
    const columns = ['site', 'id', 'kind', 'openedAt', 'presses', 'acknowledgedAt', 'acknowledgedBy', 'reachedAt', 'resolvedAt', 'outcome', 'cause'] as const;
    // A cell a spreadsheet would take for a formula (a cause typed as "=…") is written as text.
    const cell = (value: unknown) => (typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? ''));
    return '\uFEFF' + stringify(items.map((item) => columns.map((column) => cell(item[column]))), { header: true, columns: [...columns], record_delimiter: 'windows' });
  });
}
