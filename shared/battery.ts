// A LiPo cell's charge from its voltage. The voltage of a lithium-polymer cell
// is nearly flat between 80 % and 20 %, so raw millivolts mislead ("3.75 V" is
// a quarter left, not most of it). The curve is a typical single cell's
// resting voltage at a light load (~0.1 C, what a pager draws); a real cell
// differs by a few percent, and a reading under the motor's load sags.
// Shared: the pager shows its own charge, the hub warns and estimates.

/**
 * Where a pager stops: below ~3.6 V (5 % on the curve) the regulator's
 * dropout under a Wi-Fi transmit burst (~250 mV at 300 mA for the usual
 * LDOs) takes the ESP32's supply below 3.3 V and it browns out. Time to empty
 * is time to here; the power budget counts 95 % of the rated charge usable.
 */
export const EMPTY_PERCENT = 5;

/** [mV, % of charge], highest voltage first. */
const LIPO_CURVE: number[][] = [
  [4200, 100],
  [4150, 95],
  [4110, 90],
  [4080, 85],
  [4020, 80],
  [3980, 75],
  [3950, 70],
  [3910, 65],
  [3870, 60],
  [3850, 55],
  [3840, 50],
  [3820, 45],
  [3800, 40],
  [3790, 35],
  [3770, 30],
  [3750, 25],
  [3730, 20],
  [3710, 15],
  [3690, 10],
  [3610, 5],
  [3270, 0],
];

/** The charge left, 0-100 (fractional), for a cell voltage in mV; null for no reading (0: no battery pin). */
export function batteryLevel(mv: number): number | null {
  if (!(mv > 0)) return null;
  if (mv >= LIPO_CURVE[0][0]) return 100;
  for (let i = 1; i < LIPO_CURVE.length; i++) {
    const upper = LIPO_CURVE[i - 1];
    const lower = LIPO_CURVE[i];
    if (mv >= lower[0]) return lower[1] + ((mv - lower[0]) * (upper[1] - lower[1])) / (upper[0] - lower[0]);
  }
  return 0;
}

/** The same in whole percent, as people read it. */
export function batteryPercent(mv: number): number | null {
  const level = batteryLevel(mv);
  return level === null ? null : Math.round(level);
}

/** The resting voltage (mV) of a cell with `percent` of its charge left: the curve read the other way. */
export function batteryMv(percent: number): number {
  if (percent >= 100) return LIPO_CURVE[0][0];
  for (let i = 1; i < LIPO_CURVE.length; i++) {
    const upper = LIPO_CURVE[i - 1];
    const lower = LIPO_CURVE[i];
    if (percent >= lower[1]) return lower[0] + ((percent - lower[1]) * (upper[0] - lower[0])) / (upper[1] - lower[1]);
  }
  return LIPO_CURVE[LIPO_CURVE.length - 1][0];
}
