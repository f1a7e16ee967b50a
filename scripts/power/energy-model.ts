// Turns what a simulated shift counted into charge drawn from the battery:
// each count times a current from currents.ts. Pure, so the arithmetic is
// tested apart from the simulation.
import { CURRENTS, type Figure } from './currents.js';

export type Powersave = 'none' | 'min' | 'max';

/** What the shift did, as the shim counted it. */
export interface ShiftCounts {
  durationS: number;
  powersave: Powersave;
  packetsSent: number;
  packetsReceived: number;
  callbacks: number;
  i2cBytes: number;
  motorOnS: number;
  ledOnS: number;
  displayOnS: number;
}

export interface Consumer {
  name: string;
  /** Charge over the shift. */
  mAh: number;
  /** The same as an average current over the shift. */
  averageMa: number;
  /** How it was reckoned, in words. */
  method: string;
}

export interface Budget {
  consumers: Consumer[];
  averageMa: number;
  batteryMah: number;
  usableMah: number;
  hoursOnBattery: number;
}

const HOUR_S = 3600;
const mAhFor = (mA: number, seconds: number) => (mA * seconds) / HOUR_S;

function baseCurrent(powersave: Powersave): Figure {
  if (powersave === 'none') return CURRENTS.radioAlwaysOn;
  return powersave === 'min' ? CURRENTS.modemSleepMin : CURRENTS.modemSleepMax;
}

export function powerBudget(counts: ShiftCounts, batteryMah: number): Budget {
  const c = CURRENTS;
  const base = baseCurrent(counts.powersave);
  const frames = counts.packetsSent + counts.packetsReceived;
  // A sleeping radio woken by a frame listens at the receive current instead of the sleeping average; one always on already does.
  const wakeS = counts.powersave === 'none' ? 0 : (frames * c.radioAwakePerFrame.value) / 1000;
  const transmitS = (counts.packetsSent * c.transmitPerFrame.value) / 1000;
  const cpuS = (counts.callbacks * c.cpuPerCallback.value) / 1000 + (counts.i2cBytes * c.i2cPerByte.value) / 1e6;
  const displayOffS = Math.max(0, counts.durationS - counts.displayOnS);
  const consumers: Omit<Consumer, 'averageMa'>[] = [
    { name: `ESP32, Wi-Fi connected (powersave ${counts.powersave})`, mAh: mAhFor(base.value, counts.durationS), method: `${base.value} mA for ${counts.durationS} s` },
    { name: 'radio woken by frames', mAh: mAhFor(c.radioAlwaysOn.value - base.value, wakeS), method: `${frames} frames × ${c.radioAwakePerFrame.value} ms at ${c.radioAlwaysOn.value} mA instead of ${base.value} mA` },
    { name: 'radio transmitting', mAh: mAhFor(c.radioTransmit.value - c.radioAlwaysOn.value, transmitS), method: `${counts.packetsSent} frames × ${c.transmitPerFrame.value} ms at ${c.radioTransmit.value} mA instead of ${c.radioAlwaysOn.value} mA` },
    { name: 'CPU running JavaScript', mAh: mAhFor(c.cpuBusyExtra.value, cpuS), method: `${counts.callbacks} callbacks × ${c.cpuPerCallback.value} ms + ${counts.i2cBytes} I2C bytes × ${c.i2cPerByte.value} µs, at +${c.cpuBusyExtra.value} mA` },
    { name: 'vibration motor', mAh: mAhFor(c.motor.value, counts.motorOnS), method: `${round(counts.motorOnS)} s at ${c.motor.value} mA` },
    { name: 'LED', mAh: mAhFor(c.led.value, counts.ledOnS), method: `${round(counts.ledOnS)} s at ${c.led.value} mA` },
    {
      name: 'display',
      mAh: mAhFor(c.displayLit.value, counts.displayOnS) + mAhFor(c.displayAsleep.value, displayOffS),
      method: `${round(counts.displayOnS)} s lit at ${c.displayLit.value} mA, ${round(displayOffS)} s asleep at ${c.displayAsleep.value} mA`,
    },
    { name: 'regulator and battery divider', mAh: mAhFor(c.board.value, counts.durationS), method: `${c.board.value} mA for ${counts.durationS} s` },
  ];
  const hours = counts.durationS / HOUR_S;
  const withAverage = consumers.map((x) => ({ ...x, averageMa: hours > 0 ? x.mAh / hours : 0 }));
  const averageMa = withAverage.reduce((sum, x) => sum + x.averageMa, 0);
  const usableMah = batteryMah * c.usableCapacity.value;
  return { consumers: withAverage, averageMa, batteryMah, usableMah, hoursOnBattery: averageMa > 0 ? usableMah / averageMa : Infinity };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
