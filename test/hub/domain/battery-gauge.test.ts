import { describe, expect, it } from 'vitest';
import { BatteryGauge } from '../../../hub/domain/battery-gauge.js';
import { batteryMv } from '../../../shared/battery.js';

const MINUTE = 60_000;

/** A heartbeat a minute from a cell losing `perHour` points an hour, starting at `from` %. */
function drain(gauge: BatteryGauge, from: number, perHour: number, minutes: number, start = 0): void {
  for (let m = 0; m <= minutes; m++) gauge.add(start + m * MINUTE, batteryMv(from - (perHour * m) / 60));
}

describe('BatteryGauge', () => {
  it('knows nothing without a reading, and forgets on a 0 mV heartbeat (no battery)', () => {
    const gauge = new BatteryGauge(8);
    expect(gauge.outlook()).toBeNull();
    gauge.add(0, batteryMv(70));
    gauge.add(MINUTE, 0);
    expect(gauge.outlook()).toBeNull();
  });

  it('uses the expected drain until a quarter of an hour of readings shows the real one', () => {
    const gauge = new BatteryGauge(8);
    drain(gauge, 80, 20, 10);
    expect(gauge.outlook()).toMatchObject({ basis: 'expected', percent: 77 });
    expect(gauge.outlook()!.minutesLeft).toBeCloseTo(((76.7 - 5) / 8) * 60, -1); // to 5 %, where a pager stops
    drain(gauge, 80, 20, 20);
    const outlook = gauge.outlook()!;
    expect(outlook.basis).toBe('trend');
    // 80 − 20·(20/60) ≈ 73.3 % at 20 points an hour, down to 5 %: about 205 minutes.
    expect(outlook.minutesLeft).toBeGreaterThan(195);
    expect(outlook.minutesLeft).toBeLessThan(215);
  });

  it('sees a charger: a rise restarts the trend, and a cell that does not drain has no time to empty', () => {
    const gauge = new BatteryGauge(8);
    drain(gauge, 40, 30, 30);
    expect(gauge.outlook()!.basis).toBe('trend');
    gauge.add(31 * MINUTE, batteryMv(60));
    expect(gauge.outlook()).toMatchObject({ basis: 'expected' });
    for (let m = 32; m < 60; m++) gauge.add(m * MINUTE, batteryMv(100));
    expect(gauge.outlook()).toMatchObject({ percent: 100, minutesLeft: null, basis: 'trend' });
  });

  it('is not fooled by one reading taken while the motor ran', () => {
    const gauge = new BatteryGauge(8);
    drain(gauge, 60, 8, 20);
    gauge.add(21 * MINUTE, batteryMv(20)); // sagged under load
    expect(gauge.outlook()!.percent).toBeGreaterThan(55);
    gauge.add(22 * MINUTE, batteryMv(57)); // back to normal: not a charger
    expect(gauge.outlook()!.basis).toBe('trend');
  });
});
