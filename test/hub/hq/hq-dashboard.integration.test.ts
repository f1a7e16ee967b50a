// The head office's dashboard (#19) on a real PostgreSQL and in a real browser:
// its own accounts (a chain owner sees every site, an area manager only theirs,
// refused with a 403 elsewhere), the sites at a glance with the silent ones
// flagged, one site's log, and the comparison by range and by day.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HqAccounts } from '../../../hub/hq/hq-accounts.js';
import { addSite, migrate, store } from '../../../hub/hq/hq-database.js';
import { startHqServer } from '../../../hub/hq/hq-server.js';
import { createLogger } from '../../../hub/log.js';
import { publicDir } from '../../../hub/paths.js';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';

// Screenshots go to docs/screenshots when UPDATE_SCREENSHOTS=1, else to a temp dir.
const shots = process.env.UPDATE_SCREENSHOTS ? join('docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'lb-hq-shots-'));
const PASSWORD = 'head-office-password';
const DISK_ALARM = 'The hub cannot write to its disk (since {{since}}): presses stay in the buttons, unacknowledged, until it can. Free disk space or fix the data directory.';
const DAY_MS = 86_400_000;
let postgres: PostgresServer;
let pool: pg.Pool;
let server: { port: number; close: () => Promise<void> };
let base: string;

const now = Date.now();
const today = Math.floor(now / DAY_MS) * DAY_MS;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const press = (id: number, seq: number, kind: 'red' | 'green', at: number, incidentId: number | null = null) => ({ id, k: 'press' as const, at, b: { deviceId: 'btn-1', seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId } });
const incident = (id: number, incidentId: number, openedAt: number, done: { outcome: string; cause: string } | null) => ({
  id,
  k: 'incident' as const,
  at: openedAt,
  b: { id: incidentId, kind: 'red', source: 'btn-1', label: 'Counter', openedAt, lastPressAt: openedAt, count: 1, level: 1, acknowledgedAt: openedAt + 40_000, acknowledgedPerson: 'Anna', resolvedAt: done ? openedAt + 300_000 : null, resolvedPerson: done ? 'Anna' : null, outcome: done?.outcome ?? null, cause: done?.cause ?? null, reachedAt: openedAt + 90_000 },
});

beforeAll(async () => {
  postgres = await PostgresServer.start();
  pool = new pg.Pool({ connectionString: postgres.url(), max: 4 });
  await migrate(pool);
  for (const site of ['cafe-a', 'cafe-b', 'cafe-c']) await addSite(pool, site);
  const t0 = today + 60_000; // early today (UTC): the first minute, so "now" is always after it
  const yesterday = today - DAY_MS + 3_600_000;
  // cafe-a: yesterday one complaint recovered; today one open complaint and two greens; a pager offline, a button low.
  await store(pool, { v: 1, site: 'cafe-a', from: 1, to: 8, items: [press(1, 1, 'red', yesterday, 1), incident(2, 1, yesterday, { outcome: 'recovered', cause: 'Waiting time' }), press(3, 2, 'red', t0, 2), incident(4, 2, t0, null), press(5, 3, 'green', t0 + 1000), press(6, 4, 'green', t0 + 2000), { id: 7, k: 'health', at: t0, b: { deviceId: 'pgr-1', online: false } }, { id: 8, k: 'health', at: t0, b: { deviceId: 'btn-1', online: true, batteryMv: 3300 } }] });
  // cafe-a's disk is failing, and it sent yesterday's figures at closing.
  await store(pool, { v: 1, site: 'cafe-a', from: 9, to: 10, items: [
    { id: 9, k: 'alarm', at: t0, b: { active: [{ key: DISK_ALARM, values: { since: '08:00' } }] } },
    { id: 10, k: 'summary', at: t0, b: { day: isoDay(yesterday), red: 1, green: 0, customers: { red: 1, green: 0 }, complaints: 1, open: 0 } },
  ] });
  await store(pool, { v: 1, site: 'cafe-b', from: 1, to: 2, items: [press(1, 1, 'green', t0), press(2, 2, 'green', t0 + 5000)] });
  // cafe-c was let in and has never been heard from: silent.
  const accounts = new HqAccounts(pool);
  await accounts.add('olga', 'owner', null, PASSWORD);
  await accounts.add('max', 'area', ['cafe-a'], PASSWORD);
  await expect(accounts.add('max', 'area', ['cafe-b'], PASSWORD)).rejects.toThrow('exists already');
  await expect(accounts.add('nina', 'area', null, PASSWORD)).rejects.toThrow('needs --sites');
  server = await startHqServer({ pool, log: createLogger('silent'), host: '127.0.0.1', port: 0, publicDir: publicDir() });
  base = `http://127.0.0.1:${server.port}`;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await pool?.end();
  await postgres?.stop();
});

async function login(username: string, password = PASSWORD): Promise<{ status: number; cookie: string }> {
  const response = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return { status: response.status, cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] };
}

const get = async (cookie: string, path: string) => {
  const response = await fetch(`${base}${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? ((await response.json()) as unknown) : null, location: response.headers.get('location') };
};

describe('head-office dashboard API', () => {
  it('lets nobody in without an account, and a wrong password no further', async () => {
    expect((await get('', '/api/hq/overview')).status).toBe(401);
    expect(await get('', '/')).toMatchObject({ status: 302, location: '/login' });
    expect((await login('olga', 'not-the-password')).status).toBe(401);
    expect((await login('nobody-here')).status).toBe(401);
    // The export API is not opened by a dashboard session, nor the dashboard by a token.
    const { cookie } = await login('olga');
    expect((await get(cookie, '/api/v1/sites')).status).toBe(401);
  });

  it('shows a chain owner every site, the silent one flagged, with today’s presses, open incidents and device health', async () => {
    const { status, cookie } = await login('olga');
    expect(status).toBe(200);
    const { body } = await get(cookie, '/api/hq/overview');
    const sites = (body as { sites: { site: string; silent: boolean; today: object; openIncidents: number; devices: object }[] }).sites;
    expect(sites.map((s) => [s.site, s.silent])).toEqual([['cafe-a', false], ['cafe-b', false], ['cafe-c', true]]);
    expect(sites[0]).toMatchObject({ today: { red: 1, green: 2 }, openIncidents: 1, devices: { total: 2, offline: 1, lowBattery: 1 }, alarms: [{ key: DISK_ALARM, values: { since: '08:00' } }] });
    expect(sites[1]).toMatchObject({ today: { red: 0, green: 2 }, openIncidents: 0 });
  });

  it('shows an area manager their sites only, and refuses another site with a 403', async () => {
    const { cookie } = await login('max');
    const overview = (await get(cookie, '/api/hq/overview')).body as { sites: { site: string }[] };
    expect(overview.sites.map((s) => s.site)).toEqual(['cafe-a']);
    const compare = (await get(cookie, `/api/hq/compare?from=${isoDay(today - DAY_MS)}&to=${isoDay(today)}`)).body as { site: string }[];
    expect(compare.map((row) => row.site)).toEqual(['cafe-a']);
    const other = await get(cookie, `/api/hq/sites/cafe-b/incidents?from=${isoDay(today)}&to=${isoDay(today)}`);
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'other-site' } } });
    const own = (await get(cookie, `/api/hq/sites/cafe-a/incidents?from=${isoDay(today - DAY_MS)}&to=${isoDay(today)}`)).body as { total: number; days: { day: string; complaints: number }[] };
    expect(own.total).toBe(2);
    expect(own.days).toEqual([expect.objectContaining({ day: isoDay(today - DAY_MS), complaints: 1 })]);
  });

  it('compares the sites over a range and day by day, and refuses a range backwards', async () => {
    const { cookie } = await login('olga');
    const range = `from=${isoDay(today - DAY_MS)}&to=${isoDay(today)}`;
    const whole = (await get(cookie, `/api/hq/compare?${range}`)).body as { site: string; redShare: number; recoveredShare: number | null; medianAcknowledgeS: number }[];
    expect(whole.find((row) => row.site === 'cafe-a')).toMatchObject({ redShare: 0.5, recoveredShare: 1, medianAcknowledgeS: 40, topCause: 'Waiting time' });
    const daily = (await get(cookie, `/api/hq/compare?${range}&by=day`)).body as { site: string; period: string; presses: { red: number } }[];
    expect(daily.filter((row) => row.site === 'cafe-a').map((row) => [row.period, row.presses.red])).toEqual([
      [isoDay(today - DAY_MS), 1],
      [isoDay(today), 1],
    ]);
    expect((await get(cookie, `/api/hq/compare?from=${isoDay(today)}&to=${isoDay(today - DAY_MS)}`)).status).toBe(400);
    expect((await get(cookie, `/api/hq/compare?from=yesterday&to=${isoDay(today)}`)).status).toBe(400);
  });

  it('makes a name with five wrong passwords wait', async () => {
    const accounts = new HqAccounts(pool);
    await accounts.add('lena', 'owner', null, PASSWORD);
    for (let i = 0; i < 5; i++) expect((await login('lena', `wrong-${i}-password`)).status).toBe(401);
    expect((await login('lena')).status).toBe(429);
  });
});

describe('head-office dashboard in a browser', () => {
  it('logs a chain owner in, flags the silent site, opens a site’s log and the comparison', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      await page.goto(`${base}/`);
      await page.waitForURL(/\/login$/);
      await page.fill('input[name=username]', 'olga');
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector('#silent');
      expect(await page.textContent('#silent')).toContain('1 site went silent');
      // The silent site first, marked.
      expect(await page.textContent('tbody tr:first-child')).toContain('cafe-c');
      expect(await page.textContent('#who')).toContain('olga · chain owner');
      expect(await page.textContent('main table')).toContain('The hub cannot write to its disk (since 08:00)');
      await page.screenshot({ path: join(shots, 'hq-sites.png'), fullPage: true });
      await page.click('a[href="#site/cafe-a"]');
      await page.waitForSelector('h1:text("cafe-a")');
      expect(await page.textContent('main')).toContain('2 incidents');
      expect(await page.textContent('main')).toContain('Waiting time');
      await page.click('nav a[href="#compare"]');
      await page.waitForSelector('h1:text("Comparison")');
      expect(await page.textContent('main table')).toContain('50%');
      await page.screenshot({ path: join(shots, 'hq-comparison.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
