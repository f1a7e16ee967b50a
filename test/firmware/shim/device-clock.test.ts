import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../firmware/shim/device-clock.js';

describe('VirtualClock', () => {
  it('runs due timers in time order, each at its own time, including timers they set', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimeout(() => seen.push(`c@${clock.now()}`), 50);
    }, 100);
    clock.advanceTo(160);
    expect(seen).toEqual(['a@100', 'c@150']);
    expect(clock.now()).toBe(160);
    clock.advanceTo(1000);
    expect(seen).toEqual(['a@100', 'c@150', 'b@200']);
  });

  it('keeps the order of timers due at the same moment, and skips cancelled ones', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimeout(() => seen.push(i), 10);
    const cancelled = clock.setTimeout(() => seen.push(99), 10);
    clock.clearTimeout(cancelled);
    expect(clock.nextDue()).toBe(10);
    clock.advanceTo(10);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(clock.nextDue()).toBeNull();
  });

  it('refuses to go back', () => {
    const clock = new VirtualClock();
    clock.advanceTo(5);
    expect(() => clock.advanceTo(4)).toThrow(/cannot go back/);
  });
});
