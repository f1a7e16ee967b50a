// The dashboard in Russian and German (#18), in Chromium with the browser's
// own language set: the login page, every page at 375 px with no sideways
// scrolling and no console error, the hub's own sentences (errors, alarms)
// in the page's language, dates written the local way, and the language
// picker remembered. Screenshots per language go to docs/screenshots with
// UPDATE_SCREENSHOTS=1.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/lib/chromium.js';
import { PASSWORD } from '../../support/dashboard.js';
import { TestShop } from '../../support/shop.js';
import { encodePress } from '../../../shared/payloads.js';
import { UPLINK } from '../../../shared/topics.js';

const shots = process.env.UPDATE_SCREENSHOTS ? join('docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'lb-shots-'));
/** The pages whose screenshots per language go to the docs. */
const SHOWN = ['#today', '#log', '#analytics', '#history'];
const PAGES = ['#today', '#log', '#analytics', '#history', '#staff', '#devices', '#notify', '#settings', '#accounts'];

let browser: Browser;
let shop: TestShop;

beforeAll(async () => {
  browser = await launchChromium();
  shop = await TestShop.open({ devices: [{ id: 'btn-1', kind: 'button', label: 'Терраса' }, { id: 'pgr-anna', kind: 'pager', label: 'Anna' }], routes: { 'btn-1': [['pgr-anna']] }, managers: [] }, { realClock: true, tickMs: 250 });
  await shop.addUser('olga', 'owner', PASSWORD);
  // A complaint nobody can be paged for: Today carries the hub's alarm, a sentence of the hub's own.
  const button = await shop.connect('btn-1');
  await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

const base = () => `http://127.0.0.1:${shop.hub.httpPort}`;

async function loggedIn(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  // Answers the page expects (a wrong password's 401, settings without a file's 409) are logged as failed loads: not errors of the page.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(base() + '/login');
  return page;
}

const WORDS = {
  ru: { alarm: 'Для Терраса некого вызвать', logIn: 'Войти', wrong: 'неверное имя пользователя или пароль', today: 'Сегодня', nav: ['Сегодня', 'Журнал дня', 'Аналитика', 'История', 'Персонал', 'Устройства'], date: /\d{1,2} [а-я]{3}\.? \d{4}/ },
  de: { alarm: 'Für Терраса kann niemand gerufen werden', logIn: 'Anmelden', wrong: 'falscher Benutzername oder falsches Passwort', today: 'Heute', nav: ['Heute', 'Tagesprotokoll', 'Auswertung', 'Verlauf', 'Personal', 'Geräte'], date: /\d{2}\.\d{2}\.\d{4}/ },
} as const;

describe('the dashboard in the browser’s language', () => {
  for (const language of ['ru', 'de'] as const) {
    it(`${language}: login, every page at 375 px, the hub's sentences and dates in ${language}`, async () => {
      const words = WORDS[language];
      const errors: string[] = [];
      const context = await browser.newContext({ locale: language === 'ru' ? 'ru-RU' : 'de-DE', viewport: { width: 375, height: 800 } });
      const page = await loggedIn(context, errors);
      await page.waitForSelector(`button[type=submit]:has-text("${words.logIn}")`);
      await page.fill('input[name=username]', 'olga');
      await page.fill('input[name=password]', 'wrong password!');
      await page.click('button[type=submit]');
      await page.waitForSelector(`#message:has-text("${words.wrong}")`);
      await page.screenshot({ path: join(shots, `login-${language}.png`) });
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector(`main h1:has-text("${words.today}")`);
      expect(await page.evaluate('document.documentElement.lang')).toBe(language);
      expect(await page.locator('nav a').allTextContents()).toEqual(expect.arrayContaining([...words.nav]));

      // The hub's alarm comes in the page's language over the live stream.
      await page.waitForSelector(`.alarm:has-text("${words.alarm}")`);
      for (const hash of PAGES) {
        await page.click(`nav a[href="${hash}"]`);
        await page.waitForSelector('main h1');
        await page.waitForTimeout(200);
        const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
        const widest = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 376).map((e) => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40)).slice(0, 5).join(' | ')`);
        expect(width, `${language} ${hash}: ${widest}`).toBeLessThanOrEqual(375);
        if (hash === '#history') expect(await page.textContent('main')).toMatch(words.date);
        if (SHOWN.includes(hash)) await page.screenshot({ path: join(shots, `${hash.slice(1)}-phone-${language}.png`) });
      }
      expect(errors, errors.join("\n")).toEqual([]);
      await context.close();
    });
  }

  it('remembers the language picked, over the browser’s', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await loggedIn(context, []);
    await page.fill('input[name=username]', 'olga');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('main h1:has-text("Today")');
    await page.selectOption('#language', 'ru');
    await page.waitForSelector('main h1:has-text("Сегодня")');
    await page.reload();
    await page.waitForSelector('main h1:has-text("Сегодня")');
    await page.waitForSelector('.alarm:has-text("Для Терраса некого вызвать")');
    await context.close();
  });
});
