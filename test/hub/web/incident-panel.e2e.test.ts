// Every hand on an incident, clicked in the incident panel in Chromium (#17):
// "I'm on it", give it to another pager, mute the button, close it with a
// reason — each reaching the pagers as a pager's action would, each in the
// incident's history with who did it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { TestShop, type TestDevice } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
let browser: Browser;
let shop: TestShop;
let page: Page;
let anna: TestDevice;
let boss: TestDevice;
let button: TestDevice;

beforeAll(async () => {
  browser = await launchChromium();
  shop = await TestShop.open({}, { realClock: true });
  await shop.addUser('olga', 'owner', PASSWORD);
  anna = await shop.connect('pgr-anna');
  boss = await shop.connect('pgr-boss');
  button = await shop.connect('btn-1');
  page = await browser.newPage({ viewport: { width: 375, height: 900 } });
  await page.goto(`http://127.0.0.1:${shop.hub.httpPort}/login`);
  await page.fill('input[name=username]', 'olga');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=No open incidents.');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

const history = () => page.locator('dialog#incident-panel ol.history li');

describe('the incident panel, on a phone', () => {
  it('takes it, gives it to the manager, mutes the button and closes it with a reason', async () => {
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    const id = (await anna.next(DOWNLINK.alert)).i as number;
    await page.click(`button[data-incident="${id}"]`);

    await page.click('#ack');
    await history().filter({ hasText: 'on it · olga (dashboard)' }).waitFor();
    expect(await anna.next(DOWNLINK.cancel)).toEqual({ i: id, w: 'a', by: 'olga (dashboard)' });

    await page.locator('form#reassign select').selectOption('pgr-boss');
    await page.click('form#reassign button[type=submit]');
    await history().filter({ hasText: 'given to · Manager' }).waitFor();
    expect(await boss.next(DOWNLINK.alert, (a) => a.i === id && a.w === 'n')).toMatchObject({ i: id, l: 'Counter 1' });

    await page.locator('form#mute select').selectOption('30');
    await page.click('form#mute button[type=submit]');
    await history().filter({ hasText: 'button muted · olga (dashboard) · muted for 30 min' }).waitFor();

    await page.fill('form#close input[name=reason]', 'a child playing with the button');
    await page.click('form#close button[type=submit]');
    await page.locator('dialog#incident-panel', { hasText: 'What happened' }).locator('text=closed').first().waitFor();
    expect(await page.locator('dialog#incident-panel form').count()).toBe(0); // closed: nothing left to do
    expect(await boss.next(DOWNLINK.cancel, (c) => c.i === id)).toEqual({ i: id, w: 'x', by: 'olga (dashboard)' });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
  }, 30_000);
});
