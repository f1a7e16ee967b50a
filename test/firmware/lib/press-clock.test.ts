import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PressClock } from '../../../firmware/lib/press-clock.js';
import { EspruinoStorage } from '../../../firmware/shim/espruino-storage.js';

const storage = () => new EspruinoStorage(mkdtempSync(join(tmpdir(), 'lb-flash-')));

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
