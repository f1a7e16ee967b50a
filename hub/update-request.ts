// Asking for updates over the air (loyalty-hub device update, the dashboard):
// every device named must exist, every file must be firmware for that kind of
// device (marker, budget, Espruino gate), every setting must be valid; only
// then is anything queued. The running hub carries the queue out (device-out/
// updates.ts); progress is in the same rows.
import { readFileSync } from 'node:fs';
import { UPDATE_CHUNK_BYTES } from '../shared/limits.js';
import type { UpdateWhat } from '../shared/payloads.js';
import type { HubConfig } from './config/schema.js';
import { bundlePath } from './firmware/bundles.js';
import type { UpdateStore } from './store/update-store.js';

/** Settings a device can take over the air (merged into its lb.config, checked by the device too). */
export interface ConfigPatch {
  wifi?: { ssid: string; password: string };
  hub?: { host: string; port: number };
  powersave?: 'none' | 'min' | 'max';
}

export interface UpdateRequest {
  /** Device ids, or every configured device. */
  devices: string[] | 'all';
  /** A firmware bundle; true: the one built in this package for each device's kind. */
  firmware?: string | true;
  config?: ConfigPatch;
}

export class UpdateRequestError extends Error {
  override name = 'UpdateRequestError';
}

export interface QueuedUpdate {
  id: number;
  deviceId: string;
  what: UpdateWhat;
}

/** Why a settings patch cannot go to a device, or null. */
export function configPatchProblem(patch: ConfigPatch): string | null {
  if (patch.wifi) {
    if (patch.wifi.ssid.length === 0 || patch.wifi.ssid.length > 32) return 'the Wi-Fi name must be 1-32 characters';
    if (patch.wifi.password.length > 64) return 'the Wi-Fi password must be at most 64 characters';
  }
  if (patch.hub) {
    if (patch.hub.host.length === 0 || patch.hub.host.length > 64) return 'the hub address must be 1-64 characters (an IP address: devices do not use DNS)';
    if (!Number.isInteger(patch.hub.port) || patch.hub.port < 1 || patch.hub.port > 65535) return 'the hub port must be 1-65535';
  }
  if (patch.powersave !== undefined && !['none', 'min', 'max'].includes(patch.powersave)) return 'powersave must be none, min or max';
  if (!patch.wifi && !patch.hub && patch.powersave === undefined) return 'no setting to change';
  return null;
}

/** Checks the whole request, then queues one update per device and kind of update (firmware first). */
export async function queueUpdates(store: UpdateStore, config: HubConfig, request: UpdateRequest, now: number): Promise<QueuedUpdate[]> {
  const languageOf = (id: string) => config.devices.find((d) => d.id === id)?.language ?? config.language;
  const known = new Map(config.devices.map((d) => [d.id, d.kind]));
  const ids = request.devices === 'all' ? [...known.keys()] : request.devices;
  if (ids.length === 0) throw new UpdateRequestError(request.devices === 'all' ? 'no devices are configured' : 'name at least one device, or --all');
  for (const id of ids) if (!known.has(id)) throw new UpdateRequestError(`no device "${id}" in the configuration (loyalty-hub device list)`);
  if (!request.firmware && !request.config) throw new UpdateRequestError('nothing to update: give firmware or settings');
  if (request.config) {
    const problem = configPatchProblem(request.config);
    if (problem) throw new UpdateRequestError(problem);
  }
  const planned: { deviceId: string; what: UpdateWhat; payload: Buffer }[] = [];
  const bundles = new Map<string, Buffer>();
  for (const id of ids) {
    const kind = known.get(id)!;
    if (request.firmware) {
      // Without a file: this package's own build, a pager's in its language.
      const file = request.firmware === true ? bundlePath(kind, languageOf(id)) : request.firmware;
      let bundle = bundles.get(`${kind}:${file}`);
      if (!bundle) {
        let code: string;
        try {
          code = readFileSync(file, 'latin1');
        } catch (error) {
          throw new UpdateRequestError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
        // The checker (acorn) is loaded when firmware is sent, not at the hub's start (docs/benchmarks-findings.md §14).
        const { firmwareProblems } = await import('./firmware/bundle-check.js');
        const problems = firmwareProblems(code, kind);
        if (problems.length > 0) throw new UpdateRequestError(`${file} cannot go to ${id}: ${problems.join('; ')}`);
        bundle = Buffer.from(code, 'latin1');
        bundles.set(`${kind}:${file}`, bundle);
      }
      planned.push({ deviceId: id, what: 'firmware', payload: bundle });
    }
    if (request.config) planned.push({ deviceId: id, what: 'config', payload: Buffer.from(JSON.stringify(request.config), 'utf8') });
  }
  return planned.map((p) => ({
    id: store.add({ deviceId: p.deviceId, what: p.what, payload: p.payload, version: null, chunksTotal: Math.ceil(p.payload.length / UPDATE_CHUNK_BYTES) }, now),
    deviceId: p.deviceId,
    what: p.what,
  }));
}
