// The device's configuration, read from Storage at boot (written by the
// flasher). Validated here so a broken file gives one clear reason instead of
// a crash loop.

import { SEQ_FLOOR_MAX, isValidId } from '../../shared/limits.js';
import type { DeviceKind } from '../../shared/topics.js';

export interface DeviceSettings {
  kind: DeviceKind;
  id: string;
  secret: string;
  site: string;
  wifi: { ssid: string; password: string };
  hub: { host: string; port: number };
  /** Pin names, e.g. "D4". Button: red, green, led. Pager: button, motor, led, and sda/scl with a display. */
  pins: { [role: string]: string };
  display: boolean;
  /** ADC pin and divider ratio for the battery voltage; absent on mains power. */
  battery: { pin: string; divider: number } | null;
  /** The first sequence number must be above this (set by the flasher when re-flashing a known device). */
  seqFloor: number;
  /**
   * Wi-Fi modem sleep (ESP32 2v29 setConfig: "none", "min", "max"). A pager on
   * a battery wakes for every third beacon only ("max": a page waits up to
   * ~0.3 s at the access point, and the shift lasts 12 h on 400 mAh, where
   * "min" falls short: docs/power.md); a button on USB keeps the radio on
   * ("none"), so a press leaves at once.
   */
  powersave: 'none' | 'min' | 'max';
}

/** What a device uses when its configuration does not say. */
export const DEFAULT_POWERSAVE: { [kind: string]: 'none' | 'min' | 'max' } = { button: 'none', pager: 'max' };

const PIN_ROLES: { [kind: string]: string[] } = {
  button: ['red', 'green', 'led'],
  pager: ['button', 'motor', 'led'],
};

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isPinName(value: unknown): boolean {
  return typeof value === 'string' && /^D[0-9]+$/.test(value);
}

/** The config, or the reason it is unusable. */
export function parseDeviceConfig(raw: unknown, kind: DeviceKind): DeviceSettings | string {
  if (raw === undefined || raw === null) return 'no configuration in Storage (flash the device with npm run flash)';
  if (typeof raw !== 'object') return 'the configuration is not a JSON object';
  const c = raw as { [key: string]: unknown };
  if (c.kind !== kind) return 'configuration is for a ' + c.kind + ', this firmware is the ' + kind;
  if (typeof c.id !== 'string' || !isValidId(c.id)) return 'id is missing or invalid';
  if (typeof c.site !== 'string' || !isValidId(c.site)) return 'site is missing or invalid';
  if (!isText(c.secret, 64)) return 'secret is missing';
  const wifi = c.wifi as { [key: string]: unknown } | undefined;
  if (!wifi || !isText(wifi.ssid, 32) || typeof wifi.password !== 'string') return 'wifi.ssid / wifi.password missing';
  const hub = c.hub as { [key: string]: unknown } | undefined;
  if (!hub || !isText(hub.host, 64)) return 'hub.host missing (use the hub IP address: DNS blocks the interpreter)';
  if (typeof hub.port !== 'number' || hub.port < 1 || hub.port > 65535 || Math.floor(hub.port) !== hub.port) return 'hub.port invalid';
  const pins = c.pins as { [role: string]: unknown } | undefined;
  if (!pins) return 'pins missing';
  const roles = PIN_ROLES[kind].slice();
  if (c.display === true) roles.push('sda', 'scl');
  for (let i = 0; i < roles.length; i++) {
    if (!isPinName(pins[roles[i]])) return 'pins.' + roles[i] + ' must be a pin name like "D4"';
  }
  let battery: DeviceSettings['battery'] = null;
  const b = c.battery as { [key: string]: unknown } | undefined;
  if (b) {
    if (!isPinName(b.pin) || typeof b.divider !== 'number' || !(b.divider > 0)) return 'battery needs a pin and a divider ratio';
    battery = { pin: b.pin as string, divider: b.divider as number };
  }
  if (c.seqFloor !== undefined && !(typeof c.seqFloor === 'number' && c.seqFloor >= 0 && c.seqFloor <= SEQ_FLOOR_MAX)) return 'seqFloor must be 0-' + SEQ_FLOOR_MAX;
  const seqFloor = typeof c.seqFloor === 'number' ? Math.floor(c.seqFloor) : 0;
  if (c.powersave !== undefined && c.powersave !== 'none' && c.powersave !== 'min' && c.powersave !== 'max') return 'powersave must be "none", "min" or "max"';
  const powersave = c.powersave === undefined ? DEFAULT_POWERSAVE[kind] : (c.powersave as DeviceSettings['powersave']);
  return {
    kind: kind,
    id: c.id,
    secret: c.secret as string,
    site: c.site,
    wifi: { ssid: wifi.ssid as string, password: wifi.password as string },
    hub: { host: hub.host as string, port: hub.port },
    pins: pins as { [role: string]: string },
    display: c.display === true,
    battery: battery,
    seqFloor: seqFloor,
    powersave: powersave,
  };
}
