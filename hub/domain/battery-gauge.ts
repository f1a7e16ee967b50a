// How much a device's battery has left and how long it will last: the charge
// from the LiPo curve (shared/battery.ts), the drain from the trend of the
// last hour's readings, or, until there is a trend, from the drain a pager is
// expected to have (npm run power measures it). Pure: told the readings and
// when they came.
import { EMPTY_PERCENT, batteryLevel } from '../../shared/battery.js';

export interface BatteryOutlook {
  /** Charge left, whole percent. */
  percent: number;
  /** Minutes until it stops (EMPTY_PERCENT) at the present drain; null while it is not draining (on a charger). */
  minutesLeft: number | null;
  /** "trend": from this device's own readings; "expected": from the typical drain, before there are enough. */
  basis: 'trend' | 'expected';
}

/** Readings older than this are left out of the trend. */
const TREND_WINDOW_MS = 60 * 60_000;
/** A trend needs readings spanning at least this long, and this many of them. */
const TREND_MIN_SPAN_MS = 15 * 60_000;
const TREND_MIN_READINGS = 5;
/** A rise of this many points means it was charged: the old trend no longer holds. */
const CHARGED_RISE = 3;
/** Draining slower than this (points per hour) counts as not draining. */
const NOT_DRAINING_PER_HOUR = 0.2;

interface Reading {
  at: number;
  level: number;
}

export class BatteryGauge {
  private readings: Reading[] = [];
  /** The outlook only changes with a reading; supervision asks for it at every tick, for every device. */
  private current: BatteryOutlook | null = null;

  /** expectedPerHour: points of charge a working pager uses in an hour. */
  constructor(private readonly expectedPerHour: number) {}

  /** A heartbeat's reading; 0 mV (no battery measured) forgets what was known. */
  add(at: number, mv: number): void {
    const level = batteryLevel(mv);
    if (level === null) {
      this.readings = [];
      this.current = null;
      return;
    }
    const reference = this.recentLevel();
    if (reference !== null && level >= reference + CHARGED_RISE) this.readings = [];
    this.readings.push({ at, level });
    while (this.readings.length > 0 && at - this.readings[0].at > TREND_WINDOW_MS) this.readings.shift();
    this.current = this.compute();
  }

  outlook(): BatteryOutlook | null {
    return this.current;
  }

  private compute(): BatteryOutlook | null {
    const level = this.recentLevel();
    if (level === null) return null;
    const slope = this.trendPerHour();
    const perHour = slope === null ? this.expectedPerHour : -slope;
    return {
      percent: Math.round(level),
      minutesLeft: perHour < NOT_DRAINING_PER_HOUR ? null : Math.round((Math.max(0, level - EMPTY_PERCENT) / perHour) * 60),
      basis: slope === null ? 'expected' : 'trend',
    };
  }

  /** The median of the last three readings: one taken while the motor ran sags, and must not count as the charge. */
  private recentLevel(): number | null {
    if (this.readings.length === 0) return null;
    const recent = this.readings.slice(-3).map((r) => r.level).sort((a, b) => a - b);
    return recent[Math.floor(recent.length / 2)];
  }

  /** Least-squares slope of the level in points per hour, or null without enough readings. */
  private trendPerHour(): number | null {
    const n = this.readings.length;
    if (n < TREND_MIN_READINGS || this.readings[n - 1].at - this.readings[0].at < TREND_MIN_SPAN_MS) return null;
    const t0 = this.readings[0].at;
    let sumT = 0;
    let sumL = 0;
    for (const r of this.readings) {
      sumT += r.at - t0;
      sumL += r.level;
    }
    const meanT = sumT / n;
    const meanL = sumL / n;
    let num = 0;
    let den = 0;
    for (const r of this.readings) {
      num += (r.at - t0 - meanT) * (r.level - meanL);
      den += (r.at - t0 - meanT) ** 2;
    }
    return den > 0 ? (num / den) * 3_600_000 : null;
  }
}
