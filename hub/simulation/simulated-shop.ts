// The simulated shop: two buttons and two pagers that run the real built
// firmware bundles in the Node shim, connected to this hub over real MQTT.
// It lets a newcomer see the whole system work before buying an ESP32. Its
// devices carry "Sim:" in their labels, so they are marked in every report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import type { Logger } from '../log.js';
import type { SimulatedDeviceState } from '../contract/api-types.js';
import type { PressKind } from '../../shared/payloads.js';
import type { DeviceKind } from '../../shared/topics.js';
import { bundlePath } from '../firmware/bundles.js';
import type { Language } from '../i18n/languages.js';
import { cyrillicFontBitmap } from '../../shared/cyrillic-font.js';
import { PAGER_HOLD_MS, SIMULATED_DEVICES, type PagerHold } from './simulated-devices.js';

export interface ShopOptions {
  dataDir: string;
  site: string;
  mqttPort: number;
  secrets: Map<string, string>;
  log: Logger;
  /** The shop's language: the simulated pagers run that language's firmware. */
  language: Language;
}

export class SimulatedShop {
  private readonly devices = new Map<string, SimulatedDevice>();
  private listeners: (() => void)[] = [];
  private pending: NodeJS.Timeout | null = null;

  constructor(private readonly options: ShopOptions) {}

  start(): void {
    for (const kind of ['button', 'pager'] as const) {
      const path = bundlePath(kind, this.options.language);
      if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build`);
    }
    for (const spec of SIMULATED_DEVICES) {
      const device = new SimulatedDevice({
        name: spec.id,
        // Byte for byte, as the device holds it (a pager's words are in the device charset).
        bundle: readFileSync(bundlePath(spec.kind, this.options.language), 'latin1'),
        storageDir: join(this.options.dataDir, 'simulated-shop', spec.id),
        log: (line) => this.options.log.debug({ device: spec.id }, line),
      });
      // What the flasher would write.
      device.storage.writeJSON(
        'lb.config',
        flashedConfig({ kind: spec.kind, id: spec.id, secret: this.options.secrets.get(spec.id)!, site: this.options.site, hubHost: '127.0.0.1', hubPort: this.options.mqttPort }),
      );
      if (spec.kind === 'pager') device.storage.write('lb.font', cyrillicFontBitmap());
      device.pinEvents.on('change', () => this.changed());
      device.boot();
      this.devices.set(spec.id, device);
    }
    this.options.log.info({ devices: SIMULATED_DEVICES.map((d) => d.id) }, 'simulated shop started');
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const device of this.devices.values()) device.powerOff();
    this.devices.clear();
  }

  get running(): boolean {
    return this.devices.size > 0;
  }

  state(): SimulatedDeviceState[] {
    return SIMULATED_DEVICES.map((spec) => {
      const device = this.devices.get(spec.id);
      const pins = DEFAULT_PINS[spec.kind];
      return {
        id: spec.id,
        kind: spec.kind,
        label: spec.label,
        running: device?.running ?? false,
        led: device ? device.pin(pins.led) === 1 : false,
        motor: device && spec.kind === 'pager' ? device.pin(DEFAULT_PINS.pager.motor) === 1 : false,
        screen: device ? device.screen.slice() : [],
      };
    });
  }

  /** A customer presses RED or GREEN on a simulated button. */
  async press(id: string, kind: PressKind): Promise<void> {
    const device = this.device(id, 'button');
    await device.press(DEFAULT_PINS.button[kind], 60);
  }

  /** Staff hold the pager's button: short acknowledges, long walks the outcomes, very long toggles the shift. */
  async hold(id: string, hold: PagerHold): Promise<void> {
    const device = this.device(id, 'pager');
    await device.press(DEFAULT_PINS.pager.button, PAGER_HOLD_MS[hold]);
    this.changed();
  }

  /** `listener` runs (coalesced) whenever an LED, motor or display changes. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private device(id: string, kind: DeviceKind): SimulatedDevice {
    const spec = SIMULATED_DEVICES.find((d) => d.id === id && d.kind === kind);
    const device = spec && this.devices.get(id);
    if (!device) throw new Error(`no simulated ${kind} "${id}"`);
    return device;
  }

  private changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      for (const listener of this.listeners) listener();
    }, 50);
  }
}
