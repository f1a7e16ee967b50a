// "Live means live" (#17): when the hub goes quiet the Today page says so
// within seconds, with the age of what it shows, and catches up by itself
// when the hub is back. Real Chromium, a real hub stopped and started again
// on the same port.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePress } from '../../../shared/payloads.js';
import { UPLINK } from '../../../shared/topics.js';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { TestShop } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
let browser: Browser;
let shop: TestShop;

beforeAll(async () => {
  browser = await launchChromium();
  shop = await TestShop.open({}, { realClock: true, liveKeepAliveMs: 400 });
  await shop.addUser('olga', 'owner', PASSWORD);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

describe('the live Today page', () => {
  it('calls for attention on a new complaint (sound and a notification), and shows it on the wall display (#17)', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['notifications']);
    // Record notifications instead of showing them (headless Chromium has no notification centre).
    await context.addInitScript(`
      window.shown = [];
      window.Notification = class {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        constructor(title, options) { window.shown.push(title + ' | ' + options.body); }
      };
    `);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${shop.hub.httpPort}/login`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=No open incidents.');
    await page.click('#attention');
    await page.waitForSelector('#attention:has-text("Sound and notifications: on")');

    const button = await shop.connect('btn-2');
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    await page.waitForSelector('tr.alert:has-text("Counter 2")');
    // Polled from the test (the page's Content-Security-Policy forbids the eval that page.waitForFunction needs).
    const deadline = Date.now() + 5000;
    const attention = () => page.evaluate('document.body.dataset.attention');
    while ((await attention()) !== '1' && Date.now() < deadline) await page.waitForTimeout(50);
    expect(await attention()).toBe('1');
    // No pager is connected here: the one notification also says nobody could be paged, and the alarm with it.
    const shown = (await page.evaluate('window.shown')) as string[];
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^Unhappy customer: Counter 2 \| Nobody could be paged for Counter 2\nNobody can be paged for Counter 2/);

    await page.click('a[href="#wall"]');
    const card = page.locator('.wall-card', { hasText: 'Counter 2' });
    await card.waitFor();
    expect(await card.getAttribute('class')).toBe('wall-card fresh');
    expect(await page.locator('header').isVisible()).toBe(false);
    await page.screenshot({ path: `${process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : '/tmp'}/wall.png` });
    await context.close();
  }, 30_000);

  it('says when its data is getting old, and catches up when the hub is back', async () => {
    const port = shop.hub.httpPort;
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/login`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Today")');

    await shop.stop();
    const banner = page.locator('#stale');
    await banner.waitFor({ timeout: 5000 }); // 2.5 pings of 400 ms, checked every second
    expect(await banner.textContent()).toMatch(/^No word from the hub for \d+s: what you see is \d+s old\. Reconnecting…$/);

    // The hub comes back on the same port with a complaint waiting: the page catches up without a reload.
    shop.config.http = { host: '127.0.0.1', port };
    await shop.startHub();
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    await page.waitForSelector('tr:has-text("Counter 1")', { timeout: 10_000 });
    expect(await banner.count()).toBe(0);
    await page.close();
  }, 30_000);
});
