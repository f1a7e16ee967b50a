// The flasher without hardware: --dry-run writes exactly what would be sent,
// and those files, put on a simulated device, make a working device.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { prepareFlash } from '../../scripts/flash.js';
import { TestShop, eventually } from '../support/shop.js';

let shop: TestShop;
const devices: SimulatedDevice[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) device.powerOff();
  await shop.close();
});

function writeHubConfig(): string {
  const path = join(shop.dir, 'loyalty-hub.json');
  writeFileSync(path, JSON.stringify({ ...shop.config, dataDir: '.' }));
  return path;
}

describe('flash', () => {
  it('writes a bundle, config and command that make a working device, with a freshly registered secret', async () => {
    shop = await TestShop.open();
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const lines: string[] = [];
    const plan = await prepareFlash({
      device: 'btn-1',
      configPath: writeHubConfig(),
      port: '/dev/ttyUSB0',
      wifiSsid: 'Cafe Guest',
      wifiPassword: 'pw',
      hubHost: '127.0.0.1',
      hubPort: shop.hub.mqttPort,
      dryRun: true,
      register: true,
      out,
      log: (line) => lines.push(line),
    });
    expect(plan.registered).toBe(true);
    const config = JSON.parse(readFileSync(plan.configFile, 'utf8'));
    expect(config).toMatchObject({ kind: 'button', id: 'btn-1', site: 'test-cafe', hub: { host: '127.0.0.1', port: shop.hub.mqttPort }, pins: { red: 'D4', green: 'D5', led: 'D2' }, seqFloor: 0 });
    expect(readFileSync(plan.configFile).length).toBeGreaterThan(512); // small uploads hang espruino-tools 0.1.67
    expect(readFileSync(plan.bundle, 'utf8')).toBe(readFileSync('firmware/dist/button.js', 'utf8'));
    expect(JSON.parse(readFileSync(plan.boardFile, 'utf8')).info.builtin_modules).toEqual(expect.arrayContaining(['net', 'Wifi', 'Storage', 'ESP32']));
    const command = readFileSync(join(out, 'flash-command.txt'), 'utf8');
    expect(command).toContain(`--storage lb.config:${plan.configFile}`);
    expect(command).toContain('-p /dev/ttyUSB0');
    expect(command).toContain('espruino@0.1.67');

    // The old secret no longer opens the hub; the flashed device does.
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${shop.hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: shop.secrets['btn-1'], reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    const device = new SimulatedDevice({ name: 'btn-1', bundle: readFileSync(plan.bundle, 'utf8'), storageDir: join(out, 'flash-storage') });
    devices.push(device);
    device.storage.write('lb.config', readFileSync(plan.configFile, 'latin1'));
    device.boot();
    await eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'btn-1' AND online = 1").length === 1, 10_000, 'flashed device online');
    await device.press('D4');
    await eventually(() => shop.query('SELECT 1 FROM presses').length === 1, 5000, 'press from the flashed device');
  });

  it('continues sequence numbers after the last one the hub has seen, and a plain dry run leaves credentials alone', async () => {
    shop = await TestShop.open();
    const button = await shop.connect('btn-1');
    await button.publish('press', '{"k":"g","q":41,"a":0}');
    const plan = await prepareFlash({
      device: 'btn-1',
      configPath: writeHubConfig(),
      wifiSsid: 's',
      wifiPassword: '',
      hubHost: '10.0.0.5',
      dryRun: true,
      register: false,
      out: mkdtempSync(join(tmpdir(), 'lb-flash-out-')),
      log: () => undefined,
    });
    expect(JSON.parse(readFileSync(plan.configFile, 'utf8'))).toMatchObject({ seqFloor: 41, hub: { host: '10.0.0.5', port: 0 } });
    const still = await mqtt.connectAsync(`mqtt://127.0.0.1:${shop.hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: shop.secrets['btn-1'], reconnectPeriod: 0, clean: false });
    await still.endAsync(true);
  });

  it('refuses an unknown device with a clear message (CLI)', async () => {
    shop = await TestShop.open();
    const result = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [resolve('dist/scripts/flash.js'), '--device', 'btn-9', '--wifi-ssid', 's', '--wifi-password', 'p', '--hub-host', '127.0.0.1', '--dry-run', '-c', writeHubConfig()],
        (error, _stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flash: no device "btn-9" in .*loyalty-hub\.json: add it first with loyalty-hub device add\n$/);
  });
});
