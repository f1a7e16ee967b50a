// The button's flash bookkeeping (sequence numbers, press clock) and
// the device config check, from source, on the shim's model of Espruino's Storage.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../../firmware/lib/device-config.js';
import { PressClock } from '../../firmware/lib/press-clock.js';
import { SequenceCounter } from '../../firmware/lib/sequence.js';
import { MAX_SEQ, SEQ_FLOOR_MAX } from '../../shared/limits.js';
import { EspruinoStorage } from '../../firmware/shim/espruino-storage.js';

const storage = () => new EspruinoStorage(mkdtempSync(join(tmpdir(), 'lb-flash-')));

describe('SequenceCounter', () => {
  it('never repeats a number across reboots and writes flash once per block', () => {
    const flash = storage();
    let writes = 0;
    const counting = Object.assign(Object.create(flash), { write: (name: string, data: string) => (writes++, flash.write(name, data)) });
    const first = new SequenceCounter(counting, 'lb.seq', 0);
    const before = Array.from({ length: 25 }, () => first.next());
    expect(before).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(writes).toBe(2);
    const rebooted = new SequenceCounter(flash, 'lb.seq', 0);
    expect(rebooted.next()).toBeGreaterThan(25);
    expect(new SequenceCounter(storage(), 'lb.seq', 500).next()).toBe(501);
  });

  it('stops at MAX_SEQ, the top of what the hub accepts, instead of going past it or wrapping', () => {
    const counter = new SequenceCounter(storage(), 'lb.seq', MAX_SEQ - 2);
    expect([counter.next(), counter.next(), counter.next(), counter.next()]).toEqual([MAX_SEQ - 1, MAX_SEQ, 0, 0]);
  });
});

describe('PressClock', () => {
  it('gives exact ages within a boot, across boots once both synced, and 0 when it cannot know', () => {
    const flash = storage();
    let deviceMs = 5_000;
    const boot1 = new PressClock(flash, 'lb.clock', () => deviceMs);
    expect(boot1.boot).toBe(1);
    expect(boot1.ageOf(1, 3_000)).toBe(2_000);
    expect(boot1.hubNow()).toBeNull();
    boot1.sync(1_800_000_000_000); // hub time at device 5 000 ms
    const pressAt = 6_000; // a press at hub time 1 800 000 001 000

    deviceMs = 400; // reboot: the device clock starts again
    const boot2 = new PressClock(flash, 'lb.clock', () => deviceMs);
    expect(boot2.boot).toBe(2);
    expect(boot2.ageOf(1, pressAt)).toBe(0); // this boot has not synced yet
    boot2.sync(1_800_000_060_000); // hub time at device 400 ms
    deviceMs = 1_400;
    expect(boot2.ageOf(1, pressAt)).toBe(60_000); // 1 800 000 061 000 − 1 800 000 001 000
    expect(boot2.hubNow()).toBe(1_800_000_061_000);
    expect(new PressClock(flash, 'lb.clock', () => 0).boot).toBe(3);
  });
});

describe('device config', () => {
  const good = {
    kind: 'button',
    id: 'btn-1',
    secret: 's3cret',
    site: 'cafe',
    wifi: { ssid: 'shop', password: 'pw' },
    hub: { host: '192.168.1.10', port: 1883 },
    pins: { red: 'D4', green: 'D5', led: 'D2' },
  };

  it('accepts a complete config and fills in defaults', () => {
    expect(parseDeviceConfig(good, 'button')).toMatchObject({ id: 'btn-1', display: false, battery: null, seqFloor: 0 });
  });

  it.each([
    [undefined, 'no configuration in Storage (flash the device with npm run flash)'],
    [{ ...good, kind: 'pager' }, 'configuration is for a pager, this firmware is the button'],
    [{ ...good, id: 'Bad Id' }, 'id is missing or invalid'],
    [{ ...good, hub: { host: '10.0.0.2', port: 0 } }, 'hub.port invalid'],
    [{ ...good, pins: { red: 'D4', green: '5', led: 'D2' } }, 'pins.green must be a pin name like "D4"'],
    [{ ...good, battery: { pin: 'D35' } }, 'battery needs a pin and a divider ratio'],
    [{ ...good, seqFloor: MAX_SEQ }, `seqFloor must be 0-${SEQ_FLOOR_MAX}`],
  ])('explains what is wrong: %#', (raw, reason) => {
    expect(parseDeviceConfig(raw, 'button')).toBe(reason);
  });
});
