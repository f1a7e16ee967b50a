// The dashboard in a real browser (Debian's chromium driven by playwright-core)
// against a real hub, with the real firmware bundles in the shim as the shop.
// Screenshots go to docs/screenshots when UPDATE_SCREENSHOTS=1, else to a temp dir.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedDevice } from '../../../firmware/shim/simulated-device.js';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { BUTTON_PINS, PAGER_PINS, simulate } from '../../support/devices.js';
import { TestShop, eventually, shopConfig } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
const HOSTILE_LABEL = '<img src=x onerror=alert(1)>';
const shots = process.env.UPDATE_SCREENSHOTS ? join('docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'lb-shots-'));

let browser: Browser;
let shop: TestShop;
let page: Page;
let button: SimulatedDevice;
let pager: SimulatedDevice;
const dialogs: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const devices = shopConfig().devices!.map((d) => (d.id === 'btn-2' ? { ...d, label: HOSTILE_LABEL } : d));
  shop = await TestShop.open({ devices }, { realClock: true, tickMs: 250 });
  await shop.addUser('olga', 'owner', PASSWORD);
  pager = simulate(shop, 'pgr-anna', 'pager');
  button = simulate(shop, 'btn-1', 'button');
  await eventually(() => shop.query('SELECT 1 FROM device_state WHERE online = 1').length === 2, 10_000, 'devices online');
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  button?.powerOff();
  pager?.powerOff();
  await browser?.close();
  await shop?.close();
});

const base = () => `http://127.0.0.1:${shop.hub.httpPort}`;

describe('dashboard in Chromium', () => {
  it('sends a visitor to the login page, and logs in', async () => {
    await page.goto(base() + '/');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=password]', 'wrong password!');
    await page.fill('input[name=username]', 'olga');
    await page.click('button[type=submit]');
    await page.waitForSelector('#message:has-text("wrong user name or password")');
    await page.screenshot({ path: join(shots, 'login.png') });
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Today")');
    expect(await page.textContent('#who')).toContain('olga (owner)');
  });

  it('shows a press on a simulated button live on Today within a second, then who took it', async () => {
    await page.waitForSelector('text=No open incidents.');
    const pressed = performance.now();
    await button.press(BUTTON_PINS.red, 40);
    await page.waitForSelector('tr.alert:has-text("Counter 1")', { timeout: 1000 });
    const appearedMs = performance.now() - pressed;
    expect(appearedMs).toBeLessThan(1000);
    expect(await page.textContent('#red-count')).toBe('1');

    await eventually(() => pager.pin(PAGER_PINS.motor) === 1, 5000, 'pager vibrates');
    await pager.press(PAGER_PINS.button, 100);
    await page.waitForSelector('text=Anna on it', { timeout: 3000 });
    await page.screenshot({ path: join(shots, 'today.png') });
  });

  it('lists the incident in the daily log with its acknowledgement, and downloads the CSV', async () => {
    await page.click('nav a[href="#log"]');
    const row = page.locator('tbody tr', { hasText: 'Counter 1' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Anna');
    expect(await row.locator('td').nth(7).textContent()).toMatch(/^\d\d:\d\d:\d\d$/); // acknowledged at
    expect(await row.locator('td').nth(9).textContent()).toMatch(/^\d+(\.\d)? s$/); // time to acknowledge
    await page.screenshot({ path: join(shots, 'daily-log.png') });
    // Printed: one page, without the navigation and the controls (#18).
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header').isVisible()).toBe(false);
    expect(await page.locator('#csv').isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const file = join(mkdtempSync(join(tmpdir(), 'lb-download-')), 'download.csv');
    await download.saveAs(file);
    const raw = readFileSync(file);
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the byte-order mark: Excel then reads UTF-8
    const csv = raw.subarray(3).toString('utf8').trim().split('\r\n');
    expect(csv[0]).toBe(
      'Incident,Date,Opened (local time),UTC offset,Opened (ISO 8601),What,Place,Presses,Paged,Pager received it,Acknowledged at,Acknowledged by,Seconds to acknowledge,At the customer at,Seconds to reach the customer,Escalations,Re-triggers,Outcome,What went wrong,Resolved at,Resolved by',
    );
    expect(csv[1]).toContain('Counter 1');
    expect(csv[1]).toContain('Anna');
  });

  it('shows analytics and devices; a hostile label is shown as text, never run', async () => {
    await page.click('nav a[href="#analytics"]');
    await page.waitForSelector('#within-target');
    expect(await page.textContent('#summary')).toMatch(/^Unhappy presses (were|rose|fell|stayed)/); // the change in words (#18)
    await page.screenshot({ path: join(shots, 'analytics.png'), fullPage: true });

    await page.click('nav a[href="#devices"]');
    const hostile = page.locator('tbody tr', { hasText: HOSTILE_LABEL });
    await hostile.waitFor();
    expect(await hostile.getAttribute('class')).toBe('alert'); // offline: stands out
    expect(await page.locator('main img').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'devices.png') });
    expect(dialogs).toEqual([]);
  });

  it('fits a 375-pixel phone: no page wider than the screen (tables scroll inside their box)', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const hash of ['#today', '#log', '#analytics', '#history', '#staff', '#devices', '#settings', '#accounts']) {
      await page.click(`nav a[href="${hash}"]`);
      await page.waitForSelector('main h1');
      await page.waitForTimeout(150);
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, hash).toBeLessThanOrEqual(375);
    }
    await page.click('nav a[href="#today"]');
    await page.waitForSelector('text=Anna on it');
    await page.screenshot({ path: join(shots, 'today-phone.png') });
    // The phone first (#18): Today's incidents are cards, the header does not stick, every tap target is 44 px, badges are readable (WCAG AA).
    const phone = (await page.evaluate(`(() => {
      const luminance = (rgb) => {
        const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map((v) => { const c = Number(v) / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (el) => {
        const s = getComputedStyle(el);
        const [a, b] = [luminance(s.color), luminance(s.backgroundColor)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      };
      const targets = [...document.querySelectorAll('nav a, main button, header button')].filter((el) => el.offsetParent !== null);
      return {
        cell: getComputedStyle(document.querySelector('.cards-on-phone td')).display,
        header: getComputedStyle(document.querySelector('header')).position,
        smallestTarget: Math.min(...targets.map((el) => el.getBoundingClientRect().height)),
        badgeContrast: Math.min(...[...document.querySelectorAll('.badge')].map(contrast)),
      };
    })()`)) as { cell: string; header: string; smallestTarget: number; badgeContrast: number };
    expect(phone.cell).toBe('flex');
    expect(phone.header).toBe('static');
    expect(phone.smallestTarget).toBeGreaterThanOrEqual(44);
    expect(phone.badgeContrast).toBeGreaterThanOrEqual(4.5);
  });

  it('resolves an incident from its panel, with outcome, cause and note; the pager is told (#17)', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('nav a[href="#today"]');
    await page.waitForSelector('text=Anna on it');
    expect(await page.title()).toMatch(/^\(1\) /); // the open count in the tab title
    await page.click('button[data-incident]');
    const panel = page.locator('dialog#incident-panel');
    await panel.locator('form#resolve').waitFor();
    await panel.locator('select[name=outcome]').selectOption('compensated');
    await panel.locator('select[name=cause]').selectOption('Food');
    await panel.locator('input[name=note]').fill('free dessert');
    await page.screenshot({ path: join(shots, 'incident-panel.png') });
    await panel.locator('form#resolve button[type=submit]').click();
    await panel.locator('ol.history li', { hasText: 'resolved · olga (dashboard)' }).waitFor({ timeout: 3000 });
    expect(await panel.textContent()).toContain('What went wrong: Food. Note: free dessert');
    // Failed once in CI on a slow machine (every later test then met the panel still open): say what the pager showed.
    await eventually(() => pager.screen.includes('No alerts'), 10_000, () => `the pager dropped the alert; its screen: ${JSON.stringify(pager.screen)}`);
    await panel.locator('.panel-close button').click();
    await page.waitForSelector('text=No open incidents.');
    expect(await page.title()).not.toMatch(/^\(/);
  });

  it('puts a pager off shift from the Staff page; the pager shows it (#17)', async () => {
    await page.click('nav a[href="#staff"]');
    const toggle = page.locator('button[data-shift="pgr-anna"]');
    await toggle.waitFor();
    expect(await toggle.textContent()).toBe('On shift');
    await toggle.click();
    await page.locator('button[data-shift="pgr-anna"]:has-text("Off shift")').waitFor();
    await eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'pgr-anna' AND on_shift = 0").length === 1, 5000, 'off shift stored');
    await eventually(() => pager.screen[0] === 'OFF SHIFT', 5000, 'the pager shows it: ' + JSON.stringify(pager.screen));
    await page.screenshot({ path: join(shots, 'staff.png') });
    await page.locator('button[data-shift="pgr-anna"]').click();
    await eventually(() => pager.screen[0] === 'on shift', 5000, 'back on shift');
  });

  it('shows a viewer everything and no control: no settings, no accounts, an incident’s history without actions (#17)', async () => {
    await shop.addUser('wall', 'viewer', PASSWORD);
    const viewer = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await viewer.goto(base() + '/login');
    await viewer.fill('input[name=username]', 'wall');
    await viewer.fill('input[name=password]', PASSWORD);
    await viewer.click('button[type=submit]');
    await viewer.waitForSelector('h1:has-text("Today")');
    expect(await viewer.locator('nav a[href="#settings"], nav a[href="#accounts"]').count()).toBe(0);
    await button.press(BUTTON_PINS.red, 40);
    await viewer.click('button[data-incident]');
    const panel = viewer.locator('dialog#incident-panel');
    await panel.locator('ol.history li').first().waitFor();
    expect(await panel.locator('form, button#ack').count()).toBe(0);
    await viewer.screenshot({ path: join(shots, 'incident-viewer-phone.png') });
    await viewer.close();
  });

  it('shows the history of a range with totals and the incidents (#18)', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('nav a[href="#history"]');
    await page.locator('form#history-form').waitFor();
    await page.click('form#history-form button[type=submit]');
    const row = page.locator('tbody tr', { hasText: 'Counter 1' }).first();
    await row.waitFor();
    expect(await page.textContent('main')).toMatch(/\d+ incidents? from [A-Z][a-z]{2} \d{1,2}, \d{4} to [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    await page.locator('select[name=per]').selectOption('month');
    await page.click('form#history-form button[type=submit]');
    await page.locator('th', { hasText: 'Month of' }).waitFor();
    await page.screenshot({ path: join(shots, 'history.png') });
  });

  it('logs out', async () => {
    await page.click('#logout');
    await page.waitForURL('**/login');
    const status = await page.evaluate(async () => (await fetch('/api/today')).status);
    expect(status).toBe(401);
  });
});
