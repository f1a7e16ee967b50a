import { describe, expect, it } from 'vitest';
import { CURRENTS } from '../../../scripts/power/currents.js';
import { powerBudget, type ShiftCounts } from '../../../scripts/power/energy-model.js';

const idleHour: ShiftCounts = { durationS: 3600, powersave: 'max', packetsSent: 0, packetsReceived: 0, callbacks: 0, i2cBytes: 0, motorOnS: 0, ledOnS: 0, displayOnS: 0 };
const share = (budget: ReturnType<typeof powerBudget>, name: string) => budget.consumers.find((c) => c.name.startsWith(name))!.averageMa;

describe('the power budget', () => {
  it('charges the sleeping ESP32, the asleep display and the board for an hour of nothing', () => {
    const budget = powerBudget(idleHour, 400);
    expect(budget.averageMa).toBeCloseTo(CURRENTS.modemSleepMax.value + CURRENTS.displayAsleep.value + CURRENTS.board.value, 6);
    expect(budget.usableMah).toBeCloseTo(400 * CURRENTS.usableCapacity.value, 6);
    expect(budget.hoursOnBattery).toBeCloseTo(budget.usableMah / budget.averageMa, 6);
  });

  it('adds each output for the time it was on, averaged over the shift', () => {
    const budget = powerBudget({ ...idleHour, durationS: 7200, motorOnS: 90, ledOnS: 36, displayOnS: 720 }, 400);
    expect(share(budget, 'vibration motor')).toBeCloseTo((CURRENTS.motor.value * 90) / 7200, 6);
    expect(share(budget, 'LED')).toBeCloseTo((CURRENTS.led.value * 36) / 7200, 6);
    expect(share(budget, 'display')).toBeCloseTo((CURRENTS.displayLit.value * 720 + CURRENTS.displayAsleep.value * 6480) / 7200, 6);
  });

  it('wakes a sleeping radio for every frame, but not one that never sleeps', () => {
    const traffic = { ...idleHour, packetsSent: 100, packetsReceived: 260 };
    const asleep = powerBudget(traffic, 400);
    const wakeS = (360 * CURRENTS.radioAwakePerFrame.value) / 1000;
    expect(share(asleep, 'radio woken')).toBeCloseTo(((CURRENTS.radioAlwaysOn.value - CURRENTS.modemSleepMax.value) * wakeS) / 3600, 6);
    const awake = powerBudget({ ...traffic, powersave: 'none' }, 400);
    expect(share(awake, 'radio woken')).toBe(0);
    expect(share(awake, 'ESP32')).toBe(CURRENTS.radioAlwaysOn.value);
    expect(awake.hoursOnBattery).toBeLessThan(asleep.hoursOnBattery / 3);
  });

  it('counts CPU time from callbacks and I2C bytes', () => {
    const budget = powerBudget({ ...idleHour, callbacks: 1800, i2cBytes: 160_000 }, 400);
    const busyS = (1800 * CURRENTS.cpuPerCallback.value) / 1000 + (160_000 * CURRENTS.i2cPerByte.value) / 1e6;
    expect(share(budget, 'CPU')).toBeCloseTo((CURRENTS.cpuBusyExtra.value * busyS) / 3600, 6);
  });
});
