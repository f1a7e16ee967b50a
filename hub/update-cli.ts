// The CLI side of "loyalty-hub device update": the options as an update
// request, and following the queued updates (rows the running hub writes) with
// a line whenever one moves on.
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from './cli-errors.js';
import type { ConfigPatch, UpdateRequest } from './update-request.js';
import { withStorage } from './store/storage.js';
import { UNFINISHED, type UpdateJob } from './store/update-store.js';

export interface DeviceUpdateOptions {
  all?: boolean;
  firmware?: string | true;
  wifiSsid?: string;
  wifiPassword?: string;
  hubHost?: string;
  hubPort?: string;
  powersave?: 'none' | 'min' | 'max';
  wait: boolean;
  timeout: string;
}

export function updateRequestFrom(ids: string[], o: DeviceUpdateOptions): UpdateRequest {
  if (o.all && ids.length > 0) throw new UserError('name devices or give --all, not both');
  if (!(Number(o.timeout) > 0)) throw new UserError('--timeout must be a number of seconds above 0');
  const patch: ConfigPatch = {};
  const password = o.wifiPassword ?? process.env.LB_WIFI_PASSWORD;
  if (o.wifiSsid !== undefined) {
    if (password === undefined) throw new UserError('--wifi-ssid needs --wifi-password (or LB_WIFI_PASSWORD)');
    patch.wifi = { ssid: o.wifiSsid, password };
  } else if (o.wifiPassword !== undefined) throw new UserError('--wifi-password needs --wifi-ssid');
  if (o.hubHost !== undefined || o.hubPort !== undefined) {
    if (o.hubHost === undefined || o.hubPort === undefined) throw new UserError('give --hub-host and --hub-port together');
    patch.hub = { host: o.hubHost, port: Number(o.hubPort) };
  }
  if (o.powersave !== undefined) patch.powersave = o.powersave;
  const hasSettings = Object.keys(patch).length > 0;
  return { devices: o.all ? 'all' : ids, firmware: o.firmware ?? (hasSettings ? undefined : true), config: hasSettings ? patch : undefined };
}

function describe(job: UpdateJob): string {
  const progress = job.state === 'sending' ? ` ${job.chunksSent}/${job.chunksTotal} chunks` : '';
  return `${job.deviceId}: ${job.what} ${job.state}${progress}${job.detail ? ` — ${job.detail}` : ''}`;
}

/** Prints each update's progress until all have finished (true when all are done) or the time is up. */
export async function followUpdates(dataDir: string, ids: number[], timeoutMs: number): Promise<boolean> {
  const shown = new Map<number, string>();
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  for (;;) {
    const jobs = withStorage(dataDir, (storage) => ids.map((id) => storage.updates.get(id)!));
    for (const job of jobs) {
      const line = describe(job);
      if (shown.get(job.id) === line) continue;
      shown.set(job.id, line);
      quietSince = Date.now();
      process.stdout.write(line + '\n');
    }
    const open = jobs.filter((j) => UNFINISHED.includes(j.state));
    if (open.length === 0) return jobs.every((j) => j.state === 'done');
    if (Date.now() > deadline) {
      process.stdout.write(`Stopped waiting after ${Math.round(timeoutMs / 1000)} s; the hub goes on (loyalty-hub device list shows the outcome).\n`);
      return false;
    }
    if (open.every((j) => j.state === 'queued') && Date.now() - quietSince > 15_000) {
      process.stdout.write('Still queued after 15 s: is the hub running (loyalty-hub start)? It carries out the queue.\n');
      quietSince = Date.now();
    }
    await sleep(500);
  }
}
