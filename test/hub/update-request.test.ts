import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../hub/config/load.js';
import { Storage } from '../../hub/store/storage.js';
import { queueUpdates } from '../../hub/update-request.js';
import { shopConfig } from '../support/shop.js';
import { bundle } from '../support/devices.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'lb-update-request-'));
  const storage = Storage.open(dir);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, 'latin1');
    return path;
  };
  return { storage, file, config: parseConfig(shopConfig(), 'test') };
}

describe('asking for updates over the air (#15)', () => {
  it('queues one update per device and kind, firmware first, with the built bundle by default', async () => {
    const { storage, config } = setup();
    const queued = await queueUpdates(storage.updates, config, { devices: ['pgr-anna', 'btn-1'], firmware: true, config: { powersave: 'max' } }, 1000);
    expect(queued.map((q) => [q.deviceId, q.what])).toEqual([
      ['pgr-anna', 'firmware'],
      ['pgr-anna', 'config'],
      ['btn-1', 'firmware'],
      ['btn-1', 'config'],
    ]);
    const pagerJob = storage.updates.get(queued[0].id)!;
    expect(pagerJob.payload.toString('latin1')).toBe(bundle('pager'));
    expect(pagerJob).toMatchObject({ state: 'queued', chunksTotal: Math.ceil(pagerJob.payload.length / 512) });
  });

  it('refuses the whole request, queueing nothing, for an unknown device, a wrong or broken bundle, or bad settings', async () => {
    const { storage, config, file } = setup();
    const attempts: [object, RegExp][] = [
      [{ devices: ['pgr-nobody'], firmware: true }, /^no device "pgr-nobody" in the configuration/],
      [{ devices: ['pgr-anna'], firmware: file('plain.js', 'print(1)') }, /not loyalty-button firmware/],
      [{ devices: ['btn-1', 'pgr-anna'], firmware: file('pager.js', bundle('pager')) }, /cannot go to btn-1: firmware for a pager, not a button/],
      [{ devices: ['pgr-anna'], firmware: file('big.js', 'var LB_FIRMWARE="lb-firmware:pager";' + 'x'.repeat(30_000)) }, /bytes, limit 28672/],
      [{ devices: ['pgr-anna'], firmware: file('es6.js', 'var LB_FIRMWARE="lb-firmware:pager";var m=new Map();') }, /Map/],
      [{ devices: ['pgr-anna'], firmware: join(tmpdir(), 'nope', 'x.js') }, /^cannot read .* \(ENOENT\)$/],
      [{ devices: ['pgr-anna'], config: { wifi: { ssid: 'x'.repeat(33), password: 'p' } } }, /^the Wi-Fi name must be 1-32 characters$/],
      [{ devices: ['pgr-anna'], config: { hub: { host: '10.0.0.2', port: 70000 } } }, /^the hub port must be 1-65535$/],
      [{ devices: ['pgr-anna'] }, /^nothing to update/],
    ];
    for (const [request, error] of attempts) await expect(queueUpdates(storage.updates, config, request as never, 1000), String(error)).rejects.toThrow(error);
    expect(storage.updates.unfinished()).toEqual([]);
  });
});
