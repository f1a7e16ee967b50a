// Settings from the browser (#17): the owner's only, checked by the same
// schema with the same field-named problems, written to the same file and
// applied at once; the listeners and the data directory are not the page's.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { PASSWORD, login } from '../../support/dashboard.js';
import { TestShop, eventually } from '../../support/shop.js';

let shop: TestShop;
let base: string;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  shop = await TestShop.open({}, { configFile: true });
  base = `http://127.0.0.1:${shop.hub.httpPort}`;
  await shop.addUser('olga', 'owner', PASSWORD);
  await shop.addUser('mia', 'manager', PASSWORD);
});

afterEach(async () => {
  await shop.close();
});

const session = (username: string) => login(base, username);

const fileNow = () => JSON.parse(readFileSync(shop.configPath, 'utf8')) as Record<string, unknown>;

describe('settings', () => {
  it('checks the whole file with the schema, writes it only when valid, keeps the listeners, and applies it at once', async () => {
    const olga = await session('olga');
    const put = (body: unknown) => fetch(`${base}/api/settings`, { method: 'PUT', headers: { cookie: olga, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const file = (await (await fetch(`${base}/api/settings`, { headers: { cookie: olga } })).json()) as Record<string, unknown>;
    expect(file).toMatchObject({ site: 'test-cafe', routes: { 'btn-1': [['pgr-anna'], ['pgr-boss']] } });

    const bad = await put({ ...file, timings: { rebuzzS: 0 }, causes: ['Food', 'Food'] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { message: '2 settings to fix' },
      problems: [
        { field: 'timings.rebuzzS', message: 'must be more than 0 seconds' },
        { field: 'causes[1]', message: '"Food" is listed twice' },
      ],
    });
    expect(fileNow()).not.toHaveProperty('timings'); // nothing written

    const devices = (file.devices as { id: string; label: string }[]).map((d) => (d.id === 'btn-1' ? { ...d, label: 'Bar' } : d));
    const saved = await put({ ...file, devices, timings: { rebuzzS: 20 }, mqtt: { host: '0.0.0.0', port: 1 }, dataDir: '/somewhere/else' });
    expect(saved.status).toBe(200);
    expect(fileNow()).toMatchObject({ timings: { rebuzzS: 20 }, mqtt: { host: '127.0.0.1', port: 0 }, dataDir: '.' }); // listeners and data kept
    const today = await (await fetch(`${base}/api/devices`, { headers: { cookie: olga } })).json();
    expect((today as { id: string; label: string }[]).find((d) => d.id === 'btn-1')!.label).toBe('Bar'); // applied without a restart

    const mia = await session('mia');
    expect((await fetch(`${base}/api/settings`, { headers: { cookie: mia } })).status).toBe(403);
    expect((await fetch(`${base}/api/settings`, { method: 'PUT', headers: { cookie: mia, 'Content-Type': 'application/json' }, body: JSON.stringify(file) })).status).toBe(403);
  });

  it('lets an owner change a label and a timing in the browser, with the problem named beside the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.click('nav a[href="#settings"]');
    await page.fill('input[name="label-btn-1"]', 'Bar');
    await page.fill('input[name="timings.rebuzzS"]', '0');
    await page.click('form#settings button[type=submit]');
    await page.locator('#settings-problems li', { hasText: 'timings.rebuzzS: must be more than 0 seconds' }).waitFor();
    await page.fill('input[name="timings.rebuzzS"]', '20');
    await page.click('form#settings button[type=submit]');
    await page.locator('text=Saved and applied.').waitFor();
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/settings.png' });
    await eventually(() => (fileNow().devices as { id: string; label: string }[]).find((d) => d.id === 'btn-1')?.label === 'Bar', 3000, 'file written');
    expect(fileNow()).toMatchObject({ timings: { rebuzzS: 20 } });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(100);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    await page.close();
  });
});
