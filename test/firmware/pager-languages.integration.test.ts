// The pager in the shop's languages (#18), the built per-language bundles in
// the shim against a real hub: Cyrillic labels drawn with the pager's own
// font, umlauts with the built-in one, its words in Russian and German, and a
// cause chosen in Cyrillic that arrives at the hub as the configured one. The
// shim reads the panel as a person would (firmware/shim/panel-text.ts): a
// letter drawn in the wrong font reads wrong.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import type { Language } from '../../hub/i18n/languages.js';
import { BUTTON_PINS, PAGER_PINS, online as onlineIn, simulate } from '../support/devices.js';
import { TestShop, eventually } from '../support/shop.js';

let shop: TestShop;
const devices: SimulatedDevice[] = [];

afterEach(async () => {
  for (const device of devices.splice(0)) {
    expect(device.errors, `${device.options.name} threw`).toEqual([]);
    device.powerOff();
  }
  await shop.close();
});

const online = (...ids: string[]) => onlineIn(shop, ...ids);

/** A shop whose Counter 1 is called `label`, Anna's pager speaking `language`, a customer's RED press on it. */
async function complaintAt(label: string, language: Language, causes?: string[]): Promise<SimulatedDevice> {
  shop = await TestShop.open(
    {
      devices: [
        { id: 'btn-1', kind: 'button', label },
        { id: 'pgr-anna', kind: 'pager', label: 'Anna', language },
      ],
      routes: { 'btn-1': [['pgr-anna']] },
      managers: [],
      ...(causes ? { causes } : {}),
    },
    { realClock: true },
  );
  const pager = simulate(shop, 'pgr-anna', 'pager', {}, language);
  const button = simulate(shop, 'btn-1', 'button');
  devices.push(pager, button);
  await online('pgr-anna', 'btn-1');
  await button.press(BUTTON_PINS.red);
  return pager;
}

describe('the pager in three languages', () => {
  it('speaks Russian: its words, a Cyrillic place in its font, and a Cyrillic cause back to the hub as configured', async () => {
    const pager = await complaintAt('Терраса', 'ru', ['Ожидание', 'Еда']);
    await eventually(() => pager.screen[1] === 'Терраса', 5000, 'the place in Cyrillic');
    expect(pager.screen[0]).toBe('НЕДОВОЛЕН');
    await pager.press(PAGER_PINS.button, 100); // short: on it
    await eventually(() => pager.screen.join(' ').includes('- ваш'), 5000, 'taken');
    await pager.press(PAGER_PINS.button, 900); // long: the outcomes
    await eventually(() => pager.screen[0] === 'Итог? (кор.=отпр.)' && pager.screen[1] === 'Извинились', 2000, 'outcomes in Russian');
    await pager.press(PAGER_PINS.button, 100); // short: apologised; now why
    await eventually(() => pager.screen[0] === 'Почему? (кор.=отпр.)' && pager.screen[1] === 'Ожидание', 2000, 'the cause in Cyrillic');
    await pager.press(PAGER_PINS.button, 100); // short: send
    await eventually(() => shop.query("SELECT 1 FROM incidents WHERE outcome = 'apologised' AND cause = 'Ожидание'").length === 1, 5000, 'the cause stored as configured');
    await eventually(() => pager.screen.includes('Вызовов нет'), 2000, 'idle in Russian');
  });

  it('speaks German, with umlauts from the built-in font', async () => {
    const pager = await complaintAt('Schanigarten Süd', 'de');
    await eventually(() => pager.screen[1] === 'Schanigarten Süd', 5000, 'the place with its umlaut');
    expect(pager.screen[0]).toBe('UNZUFRIEDEN');
    await pager.press(PAGER_PINS.button, 900); // long, not yet taken: can't go?
    await eventually(() => pager.screen[0] === 'Geht nicht? (kurz=ja)', 2000, 'the question in German');
  });

  it('reads wrong without its font, as a device flashed without it would show it', async () => {
    shop = await TestShop.open({ devices: [{ id: 'pgr-anna', kind: 'pager', label: 'Anna', language: 'ru' }], routes: {}, managers: [] }, { realClock: true });
    const pager = simulate(shop, 'pgr-anna', 'pager', {}, 'ru');
    devices.push(pager);
    pager.storage.erase('lb.font');
    pager.reboot();
    await online('pgr-anna');
    // "Вызовов нет" in the built-in font: the Cyrillic bytes are Latin-1 signs or nothing legible.
    await eventually(() => pager.screen.length > 1, 5000, 'idle screen');
    expect(pager.screen[1]).not.toBe('Вызовов нет');
    expect(pager.screen[1]).toMatch(/\ufffd/);
  });
});
