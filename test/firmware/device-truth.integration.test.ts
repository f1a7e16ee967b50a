// The built firmware in the faithful shim (Espruino 2v29's Storage and ESP32
// Wi-Fi, firmware/shim/) against a real hub: what the real interpreter showed.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGEFILE_CHUNK_BYTES } from '../../firmware/shim/espruino-storage.js';
import { outboxFootprint, pendingInOutbox } from '../../firmware/shim/outbox-view.js';
import { JSVARS_TOTAL, SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { StorageFaults } from '../../hub/store/storage-faults.js';
import { TestShop, eventually } from '../support/shop.js';
import { BUTTON_PINS, bundle, deviceConfig } from '../support/devices.js';

let shop: TestShop;
const devices: SimulatedDevice[] = [];
afterEach(async () => {
  for (const device of devices.splice(0)) device.powerOff();
  await shop?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function button(options: { estimateMemory?: boolean } = {}): SimulatedDevice {
  const device = new SimulatedDevice({ name: 'btn-1', bundle: bundle('button'), storageDir: join(shop.dir, 'devices', 'btn-1'), estimateMemory: options.estimateMemory });
  device.storage.writeJSON('lb.config', deviceConfig(shop, 'btn-1', 'button'));
  devices.push(device);
  device.boot();
  return device;
}

const online = () => eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'btn-1' AND online = 1").length === 1, 15_000, 'button online');

describe('firmware on the faithful shim', () => {
  it("reports the access point's signal from getStatus() (getDetails() has none on an ESP32)", async () => {
    shop = await TestShop.open();
    const device = button();
    device.rssi = -71;
    await online();
    await eventually(() => shop.query<{ rssi: number }>("SELECT rssi FROM device_state WHERE device_id = 'btn-1'")[0]?.rssi === -71, 5000, 'rssi in the heartbeat');
  });

  it('stores the time of the edge, not of the debounced callback 30 ms later', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const device = button();
    await online();
    const made: number[] = [];
    for (let i = 0; i < 9; i++) {
      made.push(Date.now());
      await device.press(BUTTON_PINS.green, 60);
      await sleep(40);
    }
    await eventually(() => shop.query('SELECT 1 FROM presses').length === made.length, 10_000, 'presses stored');
    const errors = shop.query<{ pressed_at: number }>('SELECT pressed_at FROM presses ORDER BY seq').map((row, i) => Math.abs(row.pressed_at - made[i]));
    const median = errors.sort((a, b) => a - b)[Math.floor(errors.length / 2)];
    expect(median).toBeLessThan(15); // the callback's own time would be ≥ 30 ms late (the debounce)
  });

  // About 90 s, most of it the storage outage: a device's day compressed, the test that found the shim's ghost program.
  it(
    'long run: 2 000 presses across 20 reboots, 5 Wi-Fi drops and a storage failure: each press once, true times, flash and memory bounded',
    async () => {
      const faults = new StorageFaults();
      shop = await TestShop.open({ pressRate: { perSecond: 200, burst: 400 } }, { realClock: true, storageFaults: faults });
      // The JsVar estimate is taken between cycles, not from the firmware's process.memory(): a walk of the
      // heap blocks this one thread, hub included, and a press sent just before it would arrive hundreds of
      // ms "late" (the protocol cannot see transit time, so the stored time would be off by the walk).
      const device = button();
      const made: number[] = [];
      const memory: number[] = [];
      const flash: number[] = [];
      // Held 40 ms: the firmware's 30 ms debounce takes a shorter pulse for a bounce, as Espruino does.
      const press = async (i: number) => {
        made.push(Date.now());
        await device.press(i % 2 ? BUTTON_PINS.green : BUTTON_PINS.red, 40);
      };
      await online();
      for (let cycle = 0; cycle < 20; cycle++) {
        const outage = cycle % 4 === 1 ? 'wifi' : cycle === 10 ? 'storage' : null;
        for (let i = 0; i < 100; i++) {
          // An outage covers 25 presses (the outbox holds 32): nothing may be dropped.
          if (outage && i === 20) {
            if (outage === 'wifi') device.dropWifi();
            else faults.failing = true;
          }
          if (outage && i === 45) {
            if (outage === 'storage') await sleep(45_000); // refused for the better part of a minute
            if (outage === 'wifi') device.restoreWifi();
            else faults.failing = false;
          }
          if (outage && i === 45) await eventually(() => pendingInOutbox(device.storage).length === 0, 90_000, `outbox drained after the ${outage} outage`);
          // Presses come ~25/s, faster than any customer; a commit can stall for a few hundred ms (fsync on a
          // busy disk), so while the hub is reachable the next press waits until the outbox has room for an outage.
          const reachable = !outage || i < 20 || i >= 45;
          if (reachable) await eventually(() => pendingInOutbox(device.storage).length < 8, 30_000, 'the hub keeps up with the presses');
          await press(cycle * 100 + i);
        }
        await eventually(() => shop.query('SELECT 1 FROM presses').length === made.length, 60_000, `cycle ${cycle} delivered`).catch((error) => {
          const stored = new Set(shop.query<{ seq: number }>('SELECT seq FROM presses').map((r) => r.seq));
          const missing = made.map((_, i) => i + 1).filter((seq) => !stored.has(seq));
          console.log(`made ${made.length}, stored ${stored.size}, missing ${missing.join(' ')}; in the outbox ${pendingInOutbox(device.storage).join(' ')}`, device.logs.slice(-30).join('\n'));
          throw error;
        });
        memory.push(device.memory().usage); // a fresh estimate of what the firmware holds now
        flash.push(outboxFootprint(device.storage));
        await sleep(60);
        device.reboot();
        await online();
      }
      const rows = shop.query<{ seq: number; pressed_at: number }>("SELECT seq, pressed_at FROM presses WHERE device_id = 'btn-1' ORDER BY seq");
      expect(rows).toHaveLength(2000);
      expect(new Set(rows.map((r) => r.seq)).size).toBe(2000);
      const errors = rows.map((r, i) => r.pressed_at - made[i]);
      const worst = Math.max(...errors.map(Math.abs));
      if (worst >= 250) console.log('press-time errors ≥ 250 ms (index: ms):', errors.flatMap((e, i) => (Math.abs(e) >= 250 ? [`${i}: ${e}`] : [])).join(', '), 'seqs', rows[0].seq, rows[rows.length - 1].seq);
      expect(worst).toBeLessThan(250);
      expect(device.errors).toEqual([]);
      expect(Math.max(...flash)).toBeLessThanOrEqual(3 * (STORAGEFILE_CHUNK_BYTES + 32));
      expect(Math.max(...memory)).toBeLessThan(0.3 * JSVARS_TOTAL);
      expect(Math.max(...memory.slice(10))).toBeLessThan(Math.max(...memory.slice(0, 10)) * 1.25); // no growth with presses
      console.log(`long run: worst press-time error ${worst} ms; JsVar estimate ${Math.min(...memory)}-${Math.max(...memory)}; outbox flash ≤ ${Math.max(...flash)} B; flash compactions ${device.storage.wear.compactions}`);
    },
    10 * 60_000,
  );
});
