// Simulated devices running the built firmware bundles against a TestShop's hub.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { eventually, type TestShop } from './shop.js';
import { bundleFile } from '../../hub/firmware/bundles.js';
import type { Language } from '../../hub/i18n/languages.js';
import { cyrillicFontBitmap } from '../../shared/cyrillic-font.js';

export const BUTTON_PINS = DEFAULT_PINS.button;
export const PAGER_PINS = DEFAULT_PINS.pager;

const bundles: Record<string, string> = {};
/** The built bundle, byte for byte as the device holds it; a pager's in `language`. */
export function bundle(kind: 'button' | 'pager', language: Language = 'en'): string {
  const file = bundleFile(kind, language);
  bundles[file] ??= readFileSync(join('firmware', 'dist', file), 'latin1');
  return bundles[file];
}

export function deviceConfig(shop: TestShop, id: string, kind: 'button' | 'pager', extra: Record<string, unknown> = {}) {
  return {
    ...flashedConfig({ kind, id, secret: shop.secrets[id], site: shop.config.site!, hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, wifi: { ssid: 'shop-wifi', password: 'x' } }),
    ...extra,
  };
}

/** Flashes (writes the config, and a pager's font, into its Storage) and boots a simulated device; a pager speaks `language`. */
export function simulate(shop: TestShop, id: string, kind: 'button' | 'pager', extra: Record<string, unknown> = {}, language: Language = 'en'): SimulatedDevice {
  const device = new SimulatedDevice({ name: id, bundle: bundle(kind, language), storageDir: join(shop.dir, 'devices', id) });
  device.storage.writeJSON('lb.config', deviceConfig(shop, id, kind, extra));
  if (kind === 'pager') device.storage.write('lb.font', cyrillicFontBitmap());
  device.boot();
  return device;
}

/** Waits until the hub has these devices online (in its own device_state). */
export function online(shop: TestShop, ...ids: string[]): Promise<void> {
  return eventually(
    () => shop.query<{ n: number }>(`SELECT COUNT(*) AS n FROM device_state WHERE online = 1 AND device_id IN (${ids.map(() => '?').join(',')})`, ...ids)[0].n === ids.length,
    10_000,
    `${ids.join(', ')} online`,
  );
}
