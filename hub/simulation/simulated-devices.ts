// Which devices the simulated shop has and how it joins the configuration:
// what the hub needs to know about the simulation without loading it. The
// shop itself (simulated-shop.ts: the firmware in the shim) is imported only
// when it runs, so a hub with real devices never holds its code.
import type { HubConfig } from '../config/schema.js';

export const SIMULATED_DEVICES = [
  { id: 'sim-btn-1', kind: 'button', label: 'Sim: Counter 1', location: 'simulated shop' },
  { id: 'sim-btn-2', kind: 'button', label: 'Sim: Terrace', location: 'simulated shop' },
  { id: 'sim-pgr-1', kind: 'pager', label: 'Sim: Ana', location: 'simulated shop' },
  { id: 'sim-pgr-2', kind: 'pager', label: 'Sim: Max (manager)', location: 'simulated shop' },
] as const;

const ROUTE = [['sim-pgr-1'], ['sim-pgr-2']];
export const PAGER_HOLD_MS = { short: 100, long: 900, 'very-long': 3200 } as const;
export type PagerHold = keyof typeof PAGER_HOLD_MS;

export function isSimulated(deviceId: string): boolean {
  return SIMULATED_DEVICES.some((d) => d.id === deviceId);
}

/** The configuration plus the simulated devices and their routes (in memory only, never written to the file). */
export function withSimulatedShop(config: HubConfig): HubConfig {
  const routes: Record<string, string[][]> = { ...config.routes };
  for (const device of SIMULATED_DEVICES) if (device.kind === 'button') routes[device.id] = ROUTE;
  return {
    ...config,
    devices: [...config.devices, ...SIMULATED_DEVICES.map((d) => ({ ...d }))],
    routes,
    managers: [...config.managers, 'sim-pgr-2'],
  };
}

/** Whether the configuration names any device that is not part of the simulated shop. */
export function hasRealDevices(config: HubConfig): boolean {
  return config.devices.some((device) => !isSimulated(device.id));
}

