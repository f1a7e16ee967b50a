// The head office's export API (#19) on a real PostgreSQL: a token is needed
// and may be limited to some sites; JSON a page at a time and CSV whole, by
// UTC day range and site; bad input is a 400 before any query.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToken } from '../../../hub/hq/export-api.js';
import { startHqServer } from '../../../hub/hq/hq-server.js';
import { publicDir } from '../../../hub/paths.js';
import { addSite, migrate, store } from '../../../hub/hq/hq-database.js';
import { createLogger } from '../../../hub/log.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';

const execFileAsync = promisify(execFile);
let postgres: PostgresServer;
let pool: pg.Pool;
let api: { port: number; close: () => Promise<void> };
let everything: string;
let onlyA: string;

const DAY = Date.UTC(2026, 11, 1);
const incident = (feed: number, id: number, openedAt: number, cause: string | null = null) => ({
  id: feed,
  k: 'incident' as const,
  at: openedAt,
  b: { id, kind: 'red', source: 'btn-1', label: 'Counter 1', openedAt, lastPressAt: openedAt, count: 2, level: 1, acknowledgedAt: openedAt + 30_000, acknowledgedPerson: 'Anna', resolvedAt: null, resolvedPerson: null, outcome: null, cause, reachedAt: null },
});

beforeAll(async () => {
  postgres = await PostgresServer.start();
  pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
  await migrate(pool);
  for (const site of ['cafe-a', 'cafe-b']) await addSite(pool, site);
  await store(pool, { v: 1, site: 'cafe-a', from: 1, to: 3, items: [incident(1, 1, DAY + 3_600_000), incident(2, 2, DAY + 7_200_000, '=cmd|calc'), incident(3, 3, DAY + 2 * 86_400_000)] });
  await store(pool, { v: 1, site: 'cafe-b', from: 1, to: 1, items: [incident(1, 1, DAY + 60_000)] });
  everything = await addToken(pool, 'reporting', null);
  onlyA = await addToken(pool, 'area-north', ['cafe-a']);
  api = await startHqServer({ pool, log: createLogger('silent'), host: '127.0.0.1', port: 0, publicDir: publicDir() });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await pool?.end();
  await postgres?.stop();
});

const get = (path: string, token?: string) => fetch(`http://127.0.0.1:${api.port}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe('head-office export API', () => {
  it('answers only to a known token, and a limited token only about its sites', async () => {
    expect((await get('/api/v1/sites')).status).toBe(401);
    expect((await get('/api/v1/sites', 'lbhq_not-a-real-token')).status).toBe(401);
    expect(await (await get('/api/v1/sites', everything)).json()).toEqual([expect.objectContaining({ site: 'cafe-a', watermark: 3, silent: false }), expect.objectContaining({ site: 'cafe-b', watermark: 1, silent: false })]);
    expect(((await (await get('/api/v1/sites', onlyA)).json()) as { site: string }[]).map((s) => s.site)).toEqual(['cafe-a']);
    const refused = await get('/api/v1/incidents?from=2026-12-01&to=2026-12-01&site=cafe-b', onlyA);
    expect(refused.status).toBe(403);
    // Without a site filter, a limited token sees its own sites only.
    const mine = (await (await get('/api/v1/incidents?from=2026-12-01&to=2026-12-03', onlyA)).json()) as { incidents: { site: string }[] };
    expect(new Set(mine.incidents.map((i) => i.site))).toEqual(new Set(['cafe-a']));
  });

  it('filters by UTC day range and site, pages JSON and writes CSV', async () => {
    const day = (await (await get('/api/v1/incidents?from=2026-12-01&to=2026-12-01', everything)).json()) as { total: number; pages: number; incidents: { site: string; id: number; openedAt: string; acknowledgedBy: string }[] };
    expect(day).toMatchObject({ total: 3, pages: 1 });
    expect(day.incidents.map((i) => `${i.site}#${i.id}`)).toEqual(['cafe-b#1', 'cafe-a#1', 'cafe-a#2']);
    expect(day.incidents[1]).toMatchObject({ openedAt: '2026-12-01T01:00:00.000Z', acknowledgedBy: 'Anna' });
    const csv = await get('/api/v1/incidents.csv?from=2026-12-01&to=2026-12-03&site=cafe-a', everything);
    const text = Buffer.from(await csv.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\uFEFFsite,id,kind,openedAt')).toBe(true);
    expect(text.split('\r\n').filter((line) => line.startsWith('cafe-a'))).toHaveLength(3);
    expect(text).toContain("'=cmd|calc"); // never a formula in a spreadsheet
  });

  it('lets a site in, makes a token and a dashboard account the documented way (loyalty-hub hq site, hq token, hq account)', async () => {
    const cli = (...args: string[]) => execFileAsync(process.execPath, [resolve('dist/hub/cli.js'), 'hq', ...args, '--postgres', postgres.url()], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    expect((await cli('site', 'cafe-c')).stdout).toBe('Site "cafe-c" may forward to the head office.\n');
    const token = /Token: (\S+)/.exec((await cli('token', 'tool', '--sites', 'cafe-c')).stdout)?.[1];
    // Let in, never heard from: flagged silent.
    expect(await (await get('/api/v1/sites', token)).json()).toEqual([{ site: 'cafe-c', watermark: 0, lastSeen: null, silent: true }]);
    await expect(cli('site', 'Not A Site')).rejects.toMatchObject({ stderr: 'loyalty-hub: a site id is lowercase letters, digits and "-"\n' });
    const added = await cli('account', 'north', '--role', 'area', '--sites', 'cafe-a,cafe-c');
    expect(added.stdout).toMatch(/^Added area manager "north"\.\nPassword: \S{16}\n/);
    expect((await pool.query('SELECT role, sites FROM hq_accounts WHERE username = $1', ['north'])).rows).toEqual([{ role: 'area', sites: ['cafe-a', 'cafe-c'] }]);
    await expect(cli('account', 'south', '--role', 'area')).rejects.toMatchObject({ stderr: 'loyalty-hub: an area manager needs --sites\n' });
  });

  it('compares the sites over a range: unhappy share, complaints, reaction, what went wrong most', async () => {
    await store(pool, { v: 1, site: 'cafe-b', from: 2, to: 3, items: [
      { id: 2, k: 'press', at: DAY, b: { deviceId: 'btn-1', seq: 1, kind: 'red', pressedAt: DAY + 60_000, receivedAt: DAY + 60_000, ageMs: 0, incidentId: 1 } },
      { id: 3, k: 'press', at: DAY, b: { deviceId: 'btn-1', seq: 2, kind: 'green', pressedAt: DAY + 90_000, receivedAt: DAY + 90_000, ageMs: 0, incidentId: null } },
    ] });
    const rows = (await (await get('/api/v1/compare?from=2026-12-01&to=2026-12-03', everything)).json()) as { site: string; complaints: number; redShare: number | null; medianAcknowledgeS: number | null; topCause: string | null }[];
    expect(rows.map((r) => r.site)).toEqual(['cafe-a', 'cafe-b']);
    expect(rows[0]).toMatchObject({ complaints: 3, medianAcknowledgeS: 30, topCause: '=cmd|calc' });
    expect(rows[1]).toMatchObject({ complaints: 1, redShare: 0.5 });
  });

  it('refuses bad input before any query', async () => {
    for (const path of ['/api/v1/incidents?from=2026-13-45&to=2026-12-01', '/api/v1/incidents?from=2026-12-02&to=2026-12-01', '/api/v1/incidents?from=x&to=y', '/api/v1/incidents?from=2026-12-01&to=2026-12-01&site=DROP TABLE', '/api/v1/incidents?from=2026-12-01&to=2026-12-01&page=0']) {
      expect((await get(path, everything)).status, path).toBe(400);
    }
  });
});
