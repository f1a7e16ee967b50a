// The configuration a device keeps in Storage ("lb.config"), as the flasher
// writes it and firmware/lib/device-config.ts reads it. Built here once for
// the flasher, the simulated shop, the chaos suite and the tests.
import { DEFAULT_PINS } from '../hal/default-pins.js';
import type { DeviceKind } from '../../shared/topics.js';

export interface FlashedConfigOptions {
  kind: DeviceKind;
  id: string;
  secret: string;
  site: string;
  hubHost: string;
  hubPort: number;
  wifi?: { ssid: string; password: string };
  /** Overrides of the default wiring (docs/hardware.md). */
  pins?: Record<string, string>;
  /** Default: a pager has a display, a button has none. */
  display?: boolean;
  /** Wi-Fi modem sleep; default by kind (firmware/lib/device-config.ts). */
  powersave?: 'none' | 'min' | 'max';
}

export function flashedConfig(o: FlashedConfigOptions): Record<string, unknown> {
  return {
    kind: o.kind,
    id: o.id,
    secret: o.secret,
    site: o.site,
    wifi: o.wifi ?? { ssid: 'simulated', password: '' },
    hub: { host: o.hubHost, port: o.hubPort },
    pins: { ...DEFAULT_PINS[o.kind], ...o.pins },
    display: o.display ?? o.kind === 'pager',
    ...(o.powersave ? { powersave: o.powersave } : {}),
  };
}
