// The flasher without hardware: --dry-run writes exactly what would be sent,
// and those files, put on a simulated device, make a working device.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { detectPort, flash, prepareFlash, reachabilityProblem } from '../../scripts/flash.js';
import { MAX_SEQ } from '../../shared/limits.js';
import { TestShop, eventually } from '../support/shop.js';

let shop: TestShop;
const devices: SimulatedDevice[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) device.powerOff();
  await shop?.close();
  shop = undefined as unknown as TestShop; // a test without a shop must not close the last one again
});

function writeHubConfig(): string {
  const path = join(shop.dir, 'loyalty-hub.json');
  writeFileSync(path, JSON.stringify({ ...shop.config, dataDir: '.' }));
  return path;
}

describe('flash', () => {
  it('refuses a port that is not there in one line, before writing or registering anything (#15)', async () => {
    shop = await TestShop.open();
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const before = shop.query("SELECT secret_hash, pending_hash FROM credentials WHERE device_id = 'btn-1'");
    await expect(
      flash({ device: 'btn-1', configPath: writeHubConfig(), port: '/dev/ttyUSB-not-there', wifiSsid: 's', wifiPassword: 'p', hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, dryRun: false, register: false, out, log: () => undefined }),
    ).rejects.toThrow(/^no serial port \/dev\/ttyUSB-not-there: is the board plugged in\?/);
    expect(readdirSync(out)).toEqual([]);
    expect(shop.query("SELECT secret_hash, pending_hash FROM credentials WHERE device_id = 'btn-1'")).toEqual(before);
  });

  it('finds the board when exactly one is plugged in, and says what to do with none or several (#15)', () => {
    expect(detectPort(['/dev/ttyUSB0', '/dev/serial/by-id/usb-Silicon_Labs_CP2102-if00-port0'])).toBe('/dev/ttyUSB0');
    expect(() => detectPort([])).toThrow(/^no USB serial port found: plug the board in .*, or give --port$/);
    expect(() => detectPort(['/dev/ttyUSB0', '/dev/ttyACM0'])).toThrow('several serial ports (/dev/ttyUSB0, /dev/ttyACM0): say which with --port');
  });

  it('warns when devices could not reach the hub at the address it writes (#15)', () => {
    expect(reachabilityProblem('127.0.0.1', '192.168.1.10')).toMatch(/listens on 127.0.0.1 only/);
    expect(reachabilityProblem('192.168.1.20', '192.168.1.10')).toMatch(/give --hub-host 192.168.1.20/);
    expect(reachabilityProblem('0.0.0.0', '192.168.1.10')).toBeNull();
    expect(reachabilityProblem('127.0.0.1', '127.0.0.1')).toBeNull(); // a device on this machine (the shim)
  });

  it('lets the device keep its old secret until it connects with the new one: a failed upload strands nothing (#15)', async () => {
    shop = await TestShop.open();
    const old = shop.secrets['btn-1'];
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const plan = await prepareFlash({ device: 'btn-1', configPath: writeHubConfig(), wifiSsid: 's', wifiPassword: '', hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, dryRun: true, register: true, out, log: () => undefined });
    const fresh = (JSON.parse(readFileSync(plan.configFile, 'utf8')) as { secret: string }).secret;
    await (await shop.connect('btn-1', { secret: old })).close(); // the upload failed: the device still has its old secret
    await (await shop.connect('btn-1', { secret: fresh })).close(); // the upload worked: the new one is taken…
    await expect(shop.connect('btn-1', { secret: old })).rejects.toThrow(/Bad username or password/); // …and from then on only it
  });

  it('refuses pins an ESP32 cannot use for them, with the reason, before writing or registering anything', async () => {
    shop = await TestShop.open();
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const attempt = (pins: Record<string, string>, batteryPin?: string) =>
      prepareFlash({ device: 'btn-1', configPath: writeHubConfig(), wifiSsid: 's', wifiPassword: '', hubHost: '127.0.0.1', hubPort: shop!.hub.mqttPort, dryRun: true, register: true, out, pins, batteryPin, log: () => undefined });
    await expect(attempt({ red: 'D34' })).rejects.toThrow(/red=D34: D34-D39 have no internal pull-up/);
    await expect(attempt({}, 'D25')).rejects.toThrow(/battery=D25: .*ADC1/);
    await expect(attempt({ green: 'D4' })).rejects.toThrow(/green=D4: D4 is already red/);
    await expect(attempt({ led: 'D7' })).rejects.toThrow(/flash chip/);
    await expect(attempt({ motor: 'D25' })).rejects.toThrow(/a button has no such role/);
    expect(readdirSync(out)).toEqual([]); // nothing written
    await expect(attempt({ red: 'D13' }, 'D34')).resolves.toMatchObject({ registered: true });
  });

  it('keeps the plain-text secret files for this user only, and removes them after an upload (issue #14.9)', async () => {
    const umask = process.umask(0o022);
    try {
      shop = await TestShop.open();
      const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
      const common = { device: 'btn-1', configPath: writeHubConfig(), port: 'tcp://192.0.2.1', wifiSsid: 'Cafe', wifiPassword: 'wifi secret', hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, register: false, out, log: () => undefined };
      const plan = await prepareFlash({ ...common, dryRun: true });
      for (const file of [plan.configFile, plan.installFile]) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      const sent: string[][] = [];
      await flash({ ...common, dryRun: false, upload: async (command) => (sent.push(command), 0) });
      expect(sent).toHaveLength(1);
      expect([existsSync(plan.configFile), existsSync(plan.installFile)]).toEqual([false, false]);
    } finally {
      process.umask(umask);
    }
  });

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
    expect(readFileSync(plan.installFile).length).toBeGreaterThan(512); // small uploads hang espruino-tools 0.1.67
    expect(readFileSync(plan.bundle, 'utf8')).toBe(readFileSync('firmware/dist/button.js', 'utf8'));
    expect(JSON.parse(readFileSync(plan.boardFile, 'utf8')).info.builtin_modules).toEqual(expect.arrayContaining(['net', 'Wifi', 'Storage', 'ESP32']));
    const command = readFileSync(join(out, 'flash-command.txt'), 'utf8');
    expect(command).toContain(plan.installFile);
    expect(command).not.toContain('SAVE_ON_SEND'); // sent to RAM: the config is not written again at every boot
    expect(command).toContain('-p /dev/ttyUSB0');
    expect(command).toContain('node_modules/espruino/bin/espruino-cli.js'); // installed with the project: no download at flash time
    expect(command).not.toContain('npx');

    // The flashed device opens the hub; from its first connection on, the old secret no longer does (#15: not before,
    // so that a failed upload strands nothing).
    const device = new SimulatedDevice({ name: 'btn-1', storageDir: join(out, 'flash-storage') });
    devices.push(device);
    device.upload(readFileSync(plan.installFile, 'latin1'));
    await eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'btn-1' AND online = 1").length === 1, 10_000, 'flashed device online');
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${shop.hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: shop.secrets['btn-1'], reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
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

  it('re-flashes a used device: old code gone, pending presses delivered with their true times, code first in Storage', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const plan = await prepareFlash({ device: 'btn-1', configPath: writeHubConfig(), wifiSsid: 's', wifiPassword: '', hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, dryRun: true, register: true, out, log: () => undefined });
    // What an older firmware left: its code and config (with the code written after them), trash, and two presses
    // in the outbox from boot 1, whose clock offset is known: pressed 60 s and 30 s before "now".
    const device = new SimulatedDevice({ name: 'btn-1', storageDir: join(out, 'flash-storage') });
    devices.push(device);
    const flash = device.storage;
    flash.write('lb.config', '{"old":true}');
    flash.write('lb.seq', '20');
    flash.write('lb.seq', '40');
    flash.write('.bootcde', 'print("old firmware");');
    const hubNow = Date.now();
    flash.writeJSON('lb.clock', { boot: 1, offsets: { '1': hubNow - 100_000 } });
    flash.open('lb.outbox', 'a').write('P 5 r 1 40000\nP 6 g 1 70000\nP 4 r 1 1000\nA 4\n');

    device.upload(readFileSync(plan.installFile, 'latin1'));
    expect(device.errors).toEqual([]);
    expect([flash.addressOf('.boot0'), flash.addressOf('.bootcde')]).toEqual([0, 4096]); // the guard, one page, then the code
    expect(flash.read('.bootcde')).not.toContain('old firmware');
    expect(flash.read('lb.config')).toBe(readFileSync(plan.configFile, 'latin1'));
    await eventually(() => shop.query('SELECT 1 FROM presses').length === 2, 15_000, 'the carried presses delivered');
    const rows = shop.query<{ seq: number; kind: string; pressed_at: number }>('SELECT seq, kind, pressed_at FROM presses ORDER BY seq');
    expect(rows.map((r) => [r.seq, r.kind])).toEqual([[5, 'red'], [6, 'green']]);
    expect(Math.abs(rows[0].pressed_at - (hubNow - 60_000))).toBeLessThan(2000);
    expect(Math.abs(rows[1].pressed_at - (hubNow - 30_000))).toBeLessThan(2000);
    expect(flash.list()).not.toContain('lb.carry');
    await device.press('D4');
    await eventually(() => shop.query('SELECT 1 FROM presses WHERE seq = 7').length === 1, 5000, 'a new press numbered after the carried ones');
  });

  it('writes the config once: a reboot writes only the press clock, and no later compaction touches the running code', async () => {
    shop = await TestShop.open();
    const out = mkdtempSync(join(tmpdir(), 'lb-flash-out-'));
    const plan = await prepareFlash({ device: 'btn-1', configPath: writeHubConfig(), wifiSsid: 's', wifiPassword: '', hubHost: '127.0.0.1', hubPort: shop.hub.mqttPort, dryRun: true, register: true, out, log: () => undefined });
    // A small Storage area, so that the flash fills and compacts itself while the firmware runs.
    const device = new SimulatedDevice({ name: 'btn-1', storageDir: join(out, 'flash-storage'), flashBytes: 48 * 1024 });
    devices.push(device);
    device.upload(readFileSync(plan.installFile, 'latin1'));
    device.powerOff();
    const before = device.storage.wear.bytesProgrammed;
    device.boot();
    expect(device.storage.wear.bytesProgrammed - before).toBeLessThan(100); // lb.clock (boot number), not the ~500-byte config
    device.powerOff();
    for (let boot = 0; boot < 2000 && device.storage.wear.compactions < 3; boot++) {
      device.boot(); // every boot writes the press clock anew: trash accumulates until Storage compacts itself
      device.powerOff();
    }
    expect(device.storage.wear.compactions).toBeGreaterThan(0);
    expect(device.errors).toEqual([]);
    expect([device.storage.addressOf('.boot0'), device.storage.addressOf('.bootcde')]).toEqual([0, 4096]);

    // The same wear with code written after other files (what the old flasher left) is the hazard the model reports.
    const old = new SimulatedDevice({ name: 'old', storageDir: mkdtempSync(join(tmpdir(), 'lb-old-')), flashBytes: 48 * 1024 });
    old.storage.write('lb.config', readFileSync(plan.configFile, 'latin1'));
    old.storage.write('.bootcde', readFileSync(plan.bundle, 'latin1'));
    for (let boot = 0; boot < 2000 && old.errors.length === 0; boot++) {
      old.boot();
      old.powerOff();
    }
    expect(old.errors.map((e) => e.message).join('\n')).toMatch(/compaction rewrote flash .* while code mapped from .* was running/);
  });

  it('bounds the sequence floor: a press numbered near the top does not leave the device without numbers', async () => {
    shop = await TestShop.open();
    const button = await shop.connect('btn-1');
    await button.publish('press', '{"k":"r","q":7,"a":0}');
    await button.publish('press', `{"k":"r","q":${MAX_SEQ},"a":0}`);
    const lines: string[] = [];
    const plan = await prepareFlash({ device: 'btn-1', configPath: writeHubConfig(), wifiSsid: 's', wifiPassword: '', hubHost: '127.0.0.1', dryRun: true, register: false, out: mkdtempSync(join(tmpdir(), 'lb-flash-out-')), log: (line) => lines.push(line) });
    expect(JSON.parse(readFileSync(plan.configFile, 'utf8')).seqFloor).toBe(7);
    expect(plan.ignoredSeqAbove).toBe(MAX_SEQ);
    expect(lines.join('\n')).toMatch(/warning: the hub holds a press with sequence number 2147483647 .* numbering continues from 8/);
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
