import { describe, expect, it } from 'vitest';
import { batteryLevel, batteryMv, batteryPercent } from '../../shared/battery.js';

describe('LiPo charge from voltage', () => {
  it('reads the flat middle of the curve as the middle, not as nearly full', () => {
    expect(batteryPercent(4200)).toBe(100);
    expect(batteryPercent(3840)).toBe(50);
    expect(batteryPercent(3750)).toBe(25);
    expect(batteryPercent(3650)).toBe(8); // between 3610 (5 %) and 3690 (10 %)
    expect(batteryPercent(3000)).toBe(0);
    expect(batteryPercent(4350)).toBe(100);
  });

  it('has no percentage without a reading', () => {
    expect(batteryPercent(0)).toBeNull();
    expect(batteryLevel(Number.NaN)).toBeNull();
  });

  it('turns a percentage back into the voltage it came from', () => {
    for (const percent of [0, 3, 10, 37.5, 50, 81, 100]) expect(batteryLevel(batteryMv(percent))).toBeCloseTo(percent, 6);
  });
});
