// Edits of the configuration file made by the CLI. They work on the file as
// written (so defaults the owner left out stay left out) and return a new one.
import { MAX_ID_CHARS } from '../../shared/limits.js';
import type { DeviceKind } from '../../shared/topics.js';
import slugify from '@sindresorhus/slugify';
import type { ConfigFile } from './schema.js';

/** An edit that cannot be made as asked (duplicate id, unknown device, wrong option for the kind). */
export class DeviceEditError extends Error {
  override name = 'DeviceEditError';
}

export interface NewDevice {
  kind: DeviceKind;
  label: string;
  id?: string;
  location?: string;
  /** For a pager: join this tier (1-based) of the default route. */
  tier?: number;
  /** For a pager: hear about device problems. */
  manager?: boolean;
}

/** The slug cut to `room` characters, at a word where that keeps at least half. */
function fit(slug: string, room: number): string {
  if (slug.length <= room) return slug;
  const cut = slug.slice(0, room + 1).lastIndexOf('-');
  return cut >= room / 2 ? slug.slice(0, cut) : slug.slice(0, room).replace(/-+$/, '');
}

/**
 * A readable id from the label, transliterated as a German or Russian reader
 * would ("Schanigarten Süd" → "btn-schanigarten-sued", "Терраса" →
 * "btn-terrasa"), cut at a word where it must be shortened, unique among
 * `taken` ("-2", "-3"… when the label's id is taken).
 */
export function deviceIdFor(kind: DeviceKind, label: string, taken: Set<string>): string {
  const prefix = kind === 'button' ? 'btn-' : 'pgr-';
  const slug = slugify(label);
  const whole = prefix + (fit(slug, MAX_ID_CHARS - prefix.length) || 'device');
  if (!taken.has(whole)) return whole;
  const base = prefix + (fit(slug, MAX_ID_CHARS - prefix.length - 3) || 'device');
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function addDevice(file: ConfigFile, device: NewDevice): { file: ConfigFile; id: string } {
  const devices = file.devices ?? [];
  const taken = new Set(devices.map((d) => d.id));
  const id = device.id ?? deviceIdFor(device.kind, device.label, taken);
  if (taken.has(id)) throw new DeviceEditError(`a device "${id}" exists already: remove it first, or choose another --id`);
  if (device.kind !== 'pager' && (device.tier !== undefined || device.manager)) throw new DeviceEditError('--tier and --manager are for pagers');

  const entry: NonNullable<ConfigFile['devices']>[number] = { id, kind: device.kind, label: device.label };
  if (device.location) entry.location = device.location;
  const next: ConfigFile = { ...file, devices: [...devices, entry] };
  if (device.tier !== undefined) {
    const route = (file.defaultRoute ?? []).map((tier) => [...tier]);
    while (route.length < device.tier) route.push([]);
    route[device.tier - 1].push(id);
    next.defaultRoute = route;
  }
  if (device.manager) next.managers = [...(file.managers ?? []), id];
  return { file: next, id };
}

/** Removes the device and every mention of it: its route, its places in tiers, the managers. */
export function removeDevice(file: ConfigFile, id: string): ConfigFile {
  const devices = file.devices ?? [];
  if (!devices.some((d) => d.id === id)) throw new DeviceEditError(`no device "${id}" in the configuration`);
  const withoutPager = (tiers: string[][]) => tiers.map((tier) => tier.filter((p) => p !== id)).filter((tier) => tier.length > 0);
  const next: ConfigFile = { ...file, devices: devices.filter((d) => d.id !== id) };
  if (file.routes) {
    next.routes = Object.fromEntries(
      Object.entries(file.routes)
        .filter(([button]) => button !== id)
        .map(([button, tiers]) => [button, withoutPager(tiers)] as const)
        .filter(([, tiers]) => tiers.length > 0),
    );
  }
  if (file.defaultRoute) next.defaultRoute = withoutPager(file.defaultRoute);
  if (file.managers) next.managers = file.managers.filter((p) => p !== id);
  return next;
}
