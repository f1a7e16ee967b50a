// Updates over the air through the built bundles in the shim, against the
// real hub: the device is flashed as the flasher does it (the install script:
// guard in .boot0, code in .bootcde), the update is asked for as the CLI asks
// (a queued row), and the running hub carries it out (#15).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { parseConfig } from '../../hub/config/load.js';
import { withStorage } from '../../hub/store/storage.js';
import type { UpdateJob } from '../../hub/store/update-store.js';
import { queueUpdates, type UpdateRequest } from '../../hub/update-request.js';
import { installScript } from '../../scripts/lib/install-script.js';
import { freePort } from '../../scripts/bench/mosquitto.js';
import { SITE, TestShop, eventually } from '../support/shop.js';
import { bundle } from '../support/devices.js';

let shop: TestShop;
const devices: SimulatedDevice[] = [];

afterEach(async () => {
  for (const device of devices.splice(0)) device.powerOff();
  await shop?.close();
});

const guard = () => readFileSync(join('firmware', 'dist', 'guard.js'), 'latin1');

/** A device flashed over USB as npm run flash does it, then booted. */
function flashed(id: string, kind: 'button' | 'pager'): SimulatedDevice {
  const device = new SimulatedDevice({ name: id, storageDir: join(shop.dir, 'devices', id) });
  const config = flashedConfig({ kind, id, secret: shop.secrets[id], site: SITE, hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort });
  device.upload(installScript(bundle(kind), JSON.stringify(config), guard()));
  devices.push(device);
  return device;
}

/** The pager firmware with another version: what a new release looks like to the device. */
function newPagerFirmware(): string {
  const code = bundle('pager');
  expect(code).toContain('"0.1.0"');
  const file = join(mkdtempSync(join(tmpdir(), 'lb-ota-')), 'pager.js');
  writeFileSync(file, code.replace('"0.1.0"', '"0.1.1"'), 'latin1');
  return file;
}

async function ask(request: UpdateRequest): Promise<number> {
  return (await withStorage(shop.dir, (storage) => queueUpdates(storage.updates, parseConfig(shop.config, 'test'), request, Date.now())))[0].id;
}

function job(id: number): UpdateJob {
  return withStorage(shop.dir, (storage) => storage.updates.get(id)!);
}

const firmwareOf = (id: string) => shop.query<{ firmware: string }>('SELECT firmware FROM device_state WHERE device_id = ?', id)[0]?.firmware;
const online = (id: string) => shop.query<{ online: number }>('SELECT online FROM device_state WHERE device_id = ?', id)[0]?.online === 1;

describe('updates over the air (#15)', () => {
  it('updates a pager’s firmware: sent in checked chunks, installed by the guard, confirmed once it reaches the hub', async () => {
    shop = await TestShop.open({}, { realClock: true, tickMs: 100 });
    const pager = flashed('pgr-anna', 'pager');
    await eventually(() => online('pgr-anna') && firmwareOf('pgr-anna') === '0.1.0', 10_000, 'pager online');
    const id = await ask({ devices: ['pgr-anna'], firmware: newPagerFirmware() });
    await eventually(() => job(id).state === 'done', 30_000, 'update done');
    expect(job(id)).toMatchObject({ detail: 'running firmware 0.1.1', chunksSent: job(id).chunksTotal });
    await eventually(() => firmwareOf('pgr-anna') === '0.1.1', 70_000, 'heartbeat from the new firmware');
    expect(pager.storage.read('.bootcde')).toContain('"0.1.1"');
    // The old code stays in front of the new until the next boot, where the guard drops it before any code runs;
    // nothing rewritten lies in front of the running code, so a compaction now moves none of it.
    const previous = pager.storage.read('lb.u.prev')!;
    expect(previous).toContain('"0.1.0"');
    expect([pager.storage.addressOf('lb.u.prev'), pager.storage.addressOf('.bootcde')]).toEqual([4096, 4096 + 32 + previous.length]);
    pager.storage.compact();
    expect(pager.errors).toEqual([]);
    pager.reboot();
    await eventually(() => pager.storage.read('lb.u.prev') === undefined, 5000, 'old code dropped');
    expect([pager.storage.addressOf('.boot0'), pager.storage.addressOf('.bootcde')]).toEqual([0, 4096]);
    expect(pager.errors).toEqual([]); // no compaction ever moved running code
  }, 120_000);

  it('survives a power cut halfway: the old firmware runs on, and the transfer starts again when the device is back', async () => {
    shop = await TestShop.open({}, { realClock: true, tickMs: 100 });
    const pager = flashed('pgr-anna', 'pager');
    await eventually(() => online('pgr-anna'), 10_000, 'pager online');
    // The power goes as the 10th chunk arrives, before the firmware sees it.
    let chunks = 0;
    pager.traffic.on('received', (data: string) => {
      if (data.includes('"o":"d"') && ++chunks === 10) pager.powerOff();
    });
    const id = await ask({ devices: ['pgr-anna'], firmware: newPagerFirmware() });
    await eventually(() => !pager.running, 20_000, 'power cut');
    expect(pager.storage.read('lb.u.new')).toBeDefined(); // nine chunks of it, in a file the next transfer starts afresh
    expect(pager.storage.read('.bootcde')).toContain('"0.1.0"');
    expect(pager.storage.read('lb.u.state')).toBeUndefined();
    await eventually(() => job(id).state === 'waiting', 10_000, 'the hub waits for the device');
    expect(job(id).detail).toMatch(/connection was lost during the transfer/);
    pager.boot();
    await eventually(() => job(id).state === 'done', 60_000, 'update done after the power cut');
    expect(pager.storage.read('.bootcde')).toContain('"0.1.1"');
    expect(pager.errors).toEqual([]);
  }, 120_000);

  it('rolls back settings with which the device cannot reach the hub, and says so', async () => {
    shop = await TestShop.open({ timings: { updateTrialS: 5 } }, { realClock: true, tickMs: 100 });
    const pager = flashed('pgr-anna', 'pager');
    await eventually(() => online('pgr-anna'), 10_000, 'pager online');
    const nowhere = await freePort(); // nothing listens there
    const id = await ask({ devices: ['pgr-anna'], config: { hub: { host: '127.0.0.1', port: nowhere } } });
    await eventually(() => job(id).state === 'rolled-back', 60_000, 'rolled back');
    expect(job(id).detail).toBe('no connection to the hub within 5 s');
    expect((pager.storage.readJSON('lb.config', true) as { hub: { port: number } }).hub.port).toBe(shop.hub.mqttPort);
    await eventually(() => online('pgr-anna'), 10_000, 'back online with the old settings');
    expect(pager.errors).toEqual([]);
  }, 120_000);

  it('rolls back firmware that cannot start, to the code that ran before', async () => {
    shop = await TestShop.open({ timings: { updateTrialS: 5 } }, { realClock: true, tickMs: 100 });
    const pager = flashed('pgr-anna', 'pager');
    await eventually(() => online('pgr-anna'), 10_000, 'pager online');
    const before = pager.storage.read('.bootcde');
    const file = join(mkdtempSync(join(tmpdir(), 'lb-ota-')), 'broken.js');
    writeFileSync(file, 'var LB_FIRMWARE="lb-firmware:pager";throw new Error("broken build");');
    const id = await ask({ devices: ['pgr-anna'], firmware: file });
    await eventually(() => job(id).state === 'rolled-back', 60_000, 'rolled back');
    expect(job(id).detail).toBe('no connection to the hub within 5 s');
    expect(pager.storage.read('.bootcde')).toBe(before);
    expect(pager.storage.addressOf('.bootcde')).toBe(4096);
    await eventually(() => online('pgr-anna') && firmwareOf('pgr-anna') === '0.1.0', 10_000, 'the old firmware back online');
    expect(pager.errors.map((e) => e.message)).toEqual(['broken build']); // the broken build threw once; no compaction hazard
  }, 120_000);

  it('refuses a corrupted chunk and changes nothing on the device', async () => {
    shop = await TestShop.open({}, { realClock: true, tickMs: 100, corruptUpdateChunk: 3 });
    const pager = flashed('pgr-anna', 'pager');
    await eventually(() => online('pgr-anna'), 10_000, 'pager online');
    const before = pager.storage.read('.bootcde');
    const id = await ask({ devices: ['pgr-anna'], firmware: newPagerFirmware() });
    await eventually(() => job(id).state === 'refused', 20_000, 'refused');
    expect(job(id).detail).toBe('chunk 3 is corrupt (checksum)');
    expect(pager.storage.read('.bootcde')).toBe(before);
    expect(pager.storage.list().filter((name) => name.startsWith('lb.u.'))).toEqual([]);
    expect(online('pgr-anna')).toBe(true);
  }, 60_000);
});
