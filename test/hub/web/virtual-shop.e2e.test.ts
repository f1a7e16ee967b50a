// The Virtual shop page in Chromium: a person presses the simulated button in
// the page, the simulated pager (real firmware) vibrates and shows it, and is
// acknowledged from the page too.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { TestShop } from '../../support/shop.js';

const shots = process.env.UPDATE_SCREENSHOTS ? join('docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'lb-shots-'));
let browser: Browser;
let shop: TestShop;

beforeAll(async () => {
  browser = await launchChromium();
  shop = await TestShop.open({ devices: [], routes: {}, managers: [] }, { realClock: true, tickMs: 250, simulate: true });
  await shop.addUser('olga', 'owner', 'correct horse battery');
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

describe('Virtual shop page', () => {
  it('presses a simulated button, sees the simulated pager vibrate and acknowledges from it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`http://127.0.0.1:${shop.hub.httpPort}/login`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForSelector('nav a[href="#shop"]');
    await page.click('nav a[href="#shop"]');
    await page.waitForSelector('text=Simulated devices, not real hardware');
    await page.waitForSelector('[data-device="sim-pgr-1"] pre:has-text("No alerts")', { timeout: 10_000 });

    await page.click('[data-device="sim-btn-1"] button.press.red');
    await page.waitForSelector('[data-device="sim-pgr-1"] pre:has-text("Sim: Counter 1")', { timeout: 5000 });
    await page.waitForSelector('[data-device="sim-pgr-1"].buzzing', { timeout: 5000 });
    await page.screenshot({ path: join(shots, 'virtual-shop.png') });

    await page.click('[data-device="sim-pgr-1"] button[data-hold="short"]');
    await page.waitForSelector('[data-device="sim-pgr-1"] pre:has-text("yours")', { timeout: 5000 });
    await page.click('nav a[href="#today"]');
    await page.waitForSelector('text=Sim: Ana on it', { timeout: 5000 });
    expect(shop.query<{ label: string }>("SELECT label FROM incidents WHERE acknowledged_by = 'sim-pgr-1'")).toEqual([{ label: 'Sim: Counter 1' }]);
    // The Devices page marks the simulated shop's devices as such (the device directory knows them).
    const devices = (await page.evaluate(() => fetch('/api/devices').then((r) => r.json()))) as { id: string; simulated: boolean }[];
    expect(devices.map((d) => [d.id, d.simulated])).toEqual([
      ['sim-btn-1', true],
      ['sim-btn-2', true],
      ['sim-pgr-1', true],
      ['sim-pgr-2', true],
    ]);
  });
});
