// The simulated device's power cycle: after a reboot only the new interpreter
// may act. On a real ESP32 a reset leaves nothing of the old program running.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../../../firmware/shim/simulated-device.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let server: Server | undefined;
let device: SimulatedDevice | undefined;
afterEach(async () => {
  device?.powerOff();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe('SimulatedDevice power cycle', () => {
  it('a reboot silences the old program: its sockets closing and its timers do not run it again', async () => {
    const accepted: Socket[] = [];
    server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // Connects, and reconnects whenever its connection closes; a timer prints, as a program's heartbeat would.
    const bundle = `
      function dial() {
        var socket = require('net').connect({ host: '127.0.0.1', port: ${port} }, function () { print('connected'); });
        socket.on('close', function () { print('closed'); setTimeout(dial, 10); });
      }
      dial();
      setTimeout(function () { print('late timer'); }, 150);
    `;
    device = new SimulatedDevice({ name: 'ghost', bundle, storageDir: mkdtempSync(join(tmpdir(), 'lb-ghost-')) });
    device.boot();
    await sleep(100);
    expect(accepted).toHaveLength(1);
    device.reboot();
    await sleep(400);
    expect(accepted).toHaveLength(2); // the new program's connection, and no other
    expect(device.logs.filter((line) => line === 'closed')).toEqual([]);
    expect(device.logs.filter((line) => line === 'late timer')).toHaveLength(1); // the new program's timer only
  });

  it('debounces setWatch as Espruino does: a pulse shorter than the debounce is nothing, an event carries its edge time', async () => {
    const bundle = `
      pinMode('D1', 'input_pullup');
      setWatch(function (e) { print('edge ' + e.state + ' ' + Math.round(e.time * 1000) + ' ' + Math.round(getTime() * 1000)); }, 'D1', { repeat: true, edge: 'both', debounce: 30 });
    `;
    device = new SimulatedDevice({ name: 'bouncy', bundle, storageDir: mkdtempSync(join(tmpdir(), 'lb-bounce-')) });
    device.boot();
    await device.press('D1', 10); // shorter than the debounce
    await sleep(60);
    expect(device.logs).toEqual([]);
    const down = device.uptimeMs();
    await device.press('D1', 80);
    await sleep(60);
    const events = device.logs.map((line) => line.split(' '));
    expect(events.map((e) => e[1])).toEqual(['false', 'true']);
    const [edgeAt, calledAt] = [Number(events[0][2]), Number(events[0][3])];
    expect(Math.abs(edgeAt - down)).toBeLessThan(5); // the time of the edge…
    expect(calledAt - edgeAt).toBeGreaterThanOrEqual(29); // …reported a debounce later
  });
});

describe('SimulatedDevice boot, as Espruino 2v29 does it (src/jsflash.c, src/jswrap_espruino.c)', () => {
  it('runs .boot0-.boot3 in turn before .bootcde, reads .bootcde only after them, and carries on past an exception in one', () => {
    device = new SimulatedDevice({ name: 'boot', storageDir: mkdtempSync(join(tmpdir(), 'lb-boot-')) });
    device.storage.write('.bootcde', 'print("old code");');
    device.storage.write('.boot0', 'print("boot0"); require("Storage").write(".bootcde", "print(\\"code written by boot0\\");");');
    device.storage.write('.boot1', 'throw new Error("boot1 broke");');
    device.storage.write('.boot3', 'print("boot3");');
    device.boot();
    expect(device.logs).toEqual(['boot0', expect.stringMatching(/^Uncaught [\s\S]*Error: boot1 broke/), 'boot3', 'code written by boot0']);
    expect(device.errors.map((e) => e.message)).toEqual(['boot1 broke']);
  });

  it('E.reboot() ends the running code at once and boots again', async () => {
    device = new SimulatedDevice({ name: 'reboot', storageDir: mkdtempSync(join(tmpdir(), 'lb-reboot-')) });
    device.storage.write('.bootcde', 'var S = require("Storage"); var n = Number(S.read("n") || "0") + 1; S.write("n", String(n)); print("boot " + n); if (n < 2) { E.reboot(); print("after reboot"); }');
    device.boot();
    await sleep(20);
    expect(device.logs.filter((line) => line.startsWith('boot') || line.startsWith('after'))).toEqual(['boot 1', 'boot 2']);
    expect(device.running).toBe(true);
  });

  it('E.CRC32 is the standard CRC-32, and atob/btoa work on 8-bit text', () => {
    device = new SimulatedDevice({ name: 'crc', storageDir: mkdtempSync(join(tmpdir(), 'lb-crc-')) });
    device.storage.write('.bootcde', 'print(String(E.CRC32("123456789"))); print(atob(btoa("\\xff\\x00ab")) === "\\xff\\x00ab" ? "ok" : "bad");');
    device.boot();
    expect(device.logs).toEqual([String(0xcbf43926), 'ok']);
  });
});
