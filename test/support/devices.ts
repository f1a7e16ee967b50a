// Simulated devices running the built firmware bundles against a TestShop's hub.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import type { TestShop } from './shop.js';

export const BUTTON_PINS = DEFAULT_PINS.button;
export const PAGER_PINS = DEFAULT_PINS.pager;

const bundles: Record<string, string> = {};
export function bundle(kind: 'button' | 'pager'): string {
  bundles[kind] ??= readFileSync(join('firmware', 'dist', `${kind}.js`), 'utf8');
  return bundles[kind];
}

export function deviceConfig(shop: TestShop, id: string, kind: 'button' | 'pager', extra: Record<string, unknown> = {}) {
  return {
    ...flashedConfig({ kind, id, secret: shop.secrets[id], site: shop.config.site!, hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, wifi: { ssid: 'shop-wifi', password: 'x' } }),
    ...extra,
  };
}

/** Flashes (writes the config into its Storage) and boots a simulated device. */
export function simulate(shop: TestShop, id: string, kind: 'button' | 'pager', extra: Record<string, unknown> = {}): SimulatedDevice {
  const device = new SimulatedDevice({ name: id, bundle: bundle(kind), storageDir: join(shop.dir, 'devices', id) });
  device.storage.writeJSON('lb.config', deviceConfig(shop, id, kind, extra));
  device.boot();
  return device;
}
