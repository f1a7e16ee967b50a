import { describe, expect, it } from 'vitest';
import { DeviceWatch } from '../../../hub/domain/device-watch.js';

const T0 = 1_000_000;
const settings = { heartbeatMs: 60_000, offlineGraceMs: 20_000, lowBatteryMv: 3400 };

describe('DeviceWatch', () => {
  it('raises "missing" after the offline grace, only while the site is open, and clears when the device is back', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['btn-1']);
    watch.connected('btn-1', T0);
    watch.disconnected('btn-1', T0 + 1000);
    expect(watch.check(T0 + 20_999, true)).toEqual([]);
    expect(watch.check(T0 + 21_000, false)).toEqual([]); // closed: nobody is paged at night
    expect(watch.check(T0 + 21_000, true)).toEqual([{ device: 'btn-1', problem: 'missing', change: 'raise', detail: 'offline for 20 s' }]);
    expect(watch.check(T0 + 30_000, true)).toEqual([]); // raised once
    watch.connected('btn-1', T0 + 40_000);
    expect(watch.check(T0 + 40_000, true)).toEqual([{ device: 'btn-1', problem: 'missing', change: 'clear', detail: 'device is back' }]);
  });

  it('raises "missing" after two missed heartbeats on a connection that stays up', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['pgr-a']);
    watch.connected('pgr-a', T0);
    watch.heartbeat('pgr-a', 3900, T0 + 60_000);
    expect(watch.check(T0 + 180_000, true)).toEqual([]);
    expect(watch.check(T0 + 180_001, true)).toMatchObject([{ device: 'pgr-a', problem: 'missing', change: 'raise' }]);
  });

  it('gives devices two heartbeat periods to reconnect after the hub starts', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['btn-1']);
    expect(watch.check(T0 + 119_999, true)).toEqual([]);
    expect(watch.check(T0 + 120_000, true)).toMatchObject([{ problem: 'missing', change: 'raise' }]);
  });

  it('raises a low battery below the threshold once it stays low, and clears it only well above (hysteresis)', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['btn-1']);
    watch.connected('btn-1', T0);
    watch.heartbeat('btn-1', 3399, T0);
    expect(watch.check(T0, true)).toEqual([]); // one reading is not enough
    watch.heartbeat('btn-1', 3390, T0 + 60_000);
    expect(watch.check(T0 + 90_000, true)).toEqual([{ device: 'btn-1', problem: 'battery', change: 'raise', detail: 'battery at 3390 mV' }]);
    watch.heartbeat('btn-1', 3450, T0 + 120_000);
    watch.heartbeat('btn-1', 3450, T0 + 180_000);
    expect(watch.check(T0 + 240_000, true)).toEqual([]); // above the threshold, not above the hysteresis
    watch.heartbeat('btn-1', 3600, T0 + 240_000);
    watch.heartbeat('btn-1', 3610, T0 + 300_000);
    expect(watch.check(T0 + 330_000, true)).toMatchObject([{ problem: 'battery', change: 'clear' }]);
  });

  it('pages nobody for a battery reading low and good by turns (issue #14.12)', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['btn-1']);
    watch.connected('btn-1', T0);
    const changes = [];
    for (let s = 0; s < 600; s++) {
      watch.heartbeat('btn-1', s % 2 ? 3300 : 3600, T0 + s * 1000);
      changes.push(...watch.check(T0 + s * 1000, true));
    }
    expect(changes).toEqual([]);
  });

  it('ignores a battery reading of 0 (mains powered, nothing measured)', () => {
    const watch = new DeviceWatch(settings, T0);
    watch.watch(['btn-1']);
    watch.connected('btn-1', T0);
    watch.heartbeat('btn-1', 0, T0);
    expect(watch.check(T0, true)).toEqual([]);
  });
});
