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
  it('says when its data is getting old, and catches up when the hub is back', async () => {
    const port = shop.hub.httpPort;
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/login`);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=No open incidents.');

    await shop.stop();
    const banner = page.locator('#stale');
    await banner.waitFor({ timeout: 5000 }); // 2.5 pings of 400 ms, checked every second
    expect(await banner.textContent()).toMatch(/^No word from the hub for \d+s: what you see is \d+s old\. Reconnecting…$/);

    // The hub comes back on the same port with a complaint waiting: the page catches up without a reload.
    shop.config.http = { host: '127.0.0.1', port };
    await shop.startHub();
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    await page.waitForSelector('tr.alert:has-text("Counter 1")', { timeout: 10_000 });
    expect(await banner.count()).toBe(0);
    await page.close();
  }, 30_000);
});
