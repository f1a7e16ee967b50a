// The head office's export API for a chain's own tools (#19): token
// authenticated (Authorization: Bearer …; only the token's SHA-256 is kept,
// and a token may be limited to some sites), JSON a page at a time or CSV
// whole, by UTC date range and site. Every input is checked before a query
// runs; an unknown token is a 401, a site outside the token's a 403.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { stringify } from 'csv-stringify/sync';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../log.js';

export const EXPORT_PAGE = 500;
const CSV_LIMIT = 100_000;
const DAY_MS = 86_400_000;
/** A site that has forwarded nothing for this long is flagged silent. */
export const SILENT_MS = 30 * 60_000;

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
}

const query = {
  type: 'object',
  properties: {
    from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    site: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}(,[a-z0-9][a-z0-9-]{0,62}){0,99}$' },
    page: { type: 'string', pattern: '^[1-9]\\d{0,6}$' },
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

export async function startExportApi(pool: pg.Pool, log: Logger, host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  const app = Fastify({ logger: false, bodyLimit: 1024 });
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

  const incidents = async (f: { from: number; to: number; sites: string[] | null }, limit: number, offset: number) => {
    const where = 'opened_at >= $1 AND opened_at < $2 AND ($3::text[] IS NULL OR site = ANY($3))';
    const [rows, total] = await Promise.all([
      pool.query<{ site: string; id: string; kind: string; opened_at: string; outcome: string | null; cause: string | null; record: Record<string, unknown> }>(
        `SELECT site, id, kind, opened_at, outcome, cause, record FROM hq_incidents WHERE ${where} ORDER BY opened_at, site, id LIMIT $4 OFFSET $5`,
        [f.from, f.to, f.sites, limit, offset],
      ),
      pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM hq_incidents WHERE ${where}`, [f.from, f.to, f.sites]),
    ]);
    const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : null);
    return {
      total: Number(total.rows[0].n),
      items: rows.rows.map((row) => ({
        site: row.site,
        id: Number(row.id),
        kind: row.kind,
        openedAt: new Date(Number(row.opened_at)).toISOString(),
        presses: row.record.count as number,
        acknowledgedAt: iso(row.record.acknowledgedAt),
        acknowledgedBy: (row.record.acknowledgedPerson as string | null) ?? null,
        reachedAt: iso(row.record.reachedAt),
        resolvedAt: iso(row.record.resolvedAt),
        outcome: row.outcome,
        cause: row.cause,
      })),
    };
  };

  app.get('/api/v1/sites', async (request) => {
    const allowed = await authorize(request);
    const sites = await pool.query<{ site: string; watermark: string; last_seen: Date | null }>('SELECT site, watermark, last_seen FROM hq_sites WHERE $1::text[] IS NULL OR site = ANY($1) ORDER BY site', [allowed]);
    // Silent: nothing stored from it for SILENT_MS (a shop forwards at least its presses while open; a closed one is quiet too, so this is a flag to look at, not an alarm).
    const now = Date.now();
    return sites.rows.map((row) => ({ site: row.site, watermark: Number(row.watermark), lastSeen: row.last_seen?.toISOString() ?? null, silent: row.last_seen === null || now - row.last_seen.getTime() > SILENT_MS }));
  });

  /** Each device's latest health as its shop forwarded it (device health at a glance). */
  app.get<{ Querystring: { site?: string } }>(
    '/api/v1/devices',
    { schema: { querystring: { type: 'object', properties: { site: query.properties.site }, additionalProperties: false } } },
    async (request) => {
      const allowed = await authorize(request);
      const wanted = request.query.site ? request.query.site.split(',') : null;
      if (wanted && allowed && wanted.some((site) => !allowed.includes(site))) throw new ExportError(403, `this token may read only: ${allowed.join(', ')}`);
      const rows = await pool.query<{ site: string; device_id: string; online: boolean; battery_mv: number | null; rssi: number | null; firmware: string | null; at: string }>(
        'SELECT site, device_id, online, battery_mv, rssi, firmware, at FROM hq_devices WHERE $1::text[] IS NULL OR site = ANY($1) ORDER BY site, device_id',
        [wanted ?? allowed],
      );
      return rows.rows.map((row) => ({ site: row.site, device: row.device_id, online: row.online, batteryMv: row.battery_mv, rssi: row.rssi, firmware: row.firmware, at: new Date(Number(row.at)).toISOString() }));
    },
  );

  /** Each site's figures over the range, side by side: what a chain's owner compares. */
  app.get<{ Querystring: Query }>('/api/v1/compare', { schema: { querystring: query } }, async (request) => {
    const f = await filter(request);
    const presses = await pool.query<{ site: string; red: string; green: string }>(
      `SELECT site, COUNT(*) FILTER (WHERE kind = 'red') AS red, COUNT(*) FILTER (WHERE kind = 'green') AS green
         FROM hq_presses WHERE pressed_at >= $1 AND pressed_at < $2 AND ($3::text[] IS NULL OR site = ANY($3)) GROUP BY site`,
      [f.from, f.to, f.sites],
    );
    const incidents = await pool.query<{ site: string; complaints: string; resolved: string; recovered: string; ack_median: number | null; reach_median: number | null; top_cause: string | null }>(
      `SELECT site,
              COUNT(*) AS complaints,
              COUNT(*) FILTER (WHERE outcome IS NOT NULL) AS resolved,
              COUNT(*) FILTER (WHERE outcome IS NOT NULL AND outcome <> 'left') AS recovered,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ((record->>'acknowledgedAt')::bigint - opened_at) / 1000.0) FILTER (WHERE record->>'acknowledgedAt' IS NOT NULL) AS ack_median,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ((record->>'reachedAt')::bigint - opened_at) / 1000.0) FILTER (WHERE record->>'reachedAt' IS NOT NULL) AS reach_median,
              mode() WITHIN GROUP (ORDER BY cause) FILTER (WHERE cause IS NOT NULL) AS top_cause
         FROM hq_incidents WHERE kind = 'red' AND opened_at >= $1 AND opened_at < $2 AND ($3::text[] IS NULL OR site = ANY($3)) GROUP BY site`,
      [f.from, f.to, f.sites],
    );
    const sites = new Set([...presses.rows.map((row) => row.site), ...incidents.rows.map((row) => row.site)]);
    return [...sites].sort().map((site) => {
      const p = presses.rows.find((row) => row.site === site);
      const i = incidents.rows.find((row) => row.site === site);
      const red = Number(p?.red ?? 0);
      const green = Number(p?.green ?? 0);
      const resolved = Number(i?.resolved ?? 0);
      return {
        site,
        presses: { red, green },
        redShare: red + green === 0 ? null : red / (red + green),
        complaints: Number(i?.complaints ?? 0),
        medianAcknowledgeS: i?.ack_median === null || i?.ack_median === undefined ? null : Number(i.ack_median),
        medianReachS: i?.reach_median === null || i?.reach_median === undefined ? null : Number(i.reach_median),
        recoveredShare: resolved === 0 ? null : Number(i!.recovered) / resolved,
        topCause: i?.top_cause ?? null,
      };
    });
  });

  app.get<{ Querystring: Query }>('/api/v1/incidents', { schema: { querystring: query } }, async (request) => {
    const f = await filter(request);
    const page = Number(request.query.page ?? '1');
    const { total, items } = await incidents(f, EXPORT_PAGE, (page - 1) * EXPORT_PAGE);
    return { page, pages: Math.max(1, Math.ceil(total / EXPORT_PAGE)), total, incidents: items };
  });

  app.get<{ Querystring: Query }>('/api/v1/incidents.csv', { schema: { querystring: query } }, async (request, reply: FastifyReply) => {
    const f = await filter(request);
    const { total, items } = await incidents(f, CSV_LIMIT, 0);
    if (total > CSV_LIMIT) throw new ExportError(413, `${total} incidents: narrow the range or the sites (at most ${CSV_LIMIT} a file)`);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="incidents-${request.query.from}-${request.query.to}.csv"`);
    const columns = ['site', 'id', 'kind', 'openedAt', 'presses', 'acknowledgedAt', 'acknowledgedBy', 'reachedAt', 'resolvedAt', 'outcome', 'cause'] as const;
    // A cell a spreadsheet would take for a formula (a cause typed as "=…") is written as text.
    const cell = (value: unknown) => (typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? ''));
    return '\uFEFF' + stringify(items.map((item) => columns.map((column) => cell(item[column]))), { header: true, columns: [...columns], record_delimiter: 'windows' });
  });

  await app.listen({ host, port });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}
