// The currents the power budget multiplies by, each with where it comes from.
// "measured" and "datasheet" figures are the vendors'; an "assumption" is
// ours, stated so it can be replaced by a measurement of the real pager.

import { EMPTY_PERCENT } from '../../shared/battery.js';

export interface Figure {
  value: number;
  unit: 'mA' | 'ms' | 'µs' | 'fraction';
  basis: 'measured' | 'datasheet' | 'assumption';
  source: string;
}

const ESP_IDF_LOW_POWER = 'ESP-IDF Programming Guide, "Introduction to Low Power Mode in Wi-Fi Scenarios" (ESP32), summary table: average current, measured by Espressif in a shielded box';
const ESP32_DATASHEET = 'ESP32 Series Datasheet (Espressif), power consumption by power modes and RF current consumption tables';

export const CURRENTS = {
  /** ESP32 connected, radio always on (powersave "none"): receiving and listening. */
  radioAlwaysOn: { value: 100, unit: 'mA', basis: 'datasheet', source: `${ESP32_DATASHEET}: Rx 802.11b/g/n and listening, 95-100 mA (upper figure)` },
  /**
   * ESP32 connected in modem sleep, CPU on at 160 MHz (Espruino 2v29's ESP-IDF 4 build:
   * targets/esp32/IDF4/sdkconfig CONFIG_ESP32_DEFAULT_CPU_FREQ_160, CONFIG_PM_ENABLE unset, so no DFS and no light sleep).
   */
  modemSleepMin: { value: 31.12, unit: 'mA', basis: 'measured', source: `${ESP_IDF_LOW_POWER}: Modem-sleep, DTIM1 (powersave "min" wakes for every DTIM beacon)` },
  modemSleepMax: {
    value: 28.81,
    unit: 'mA',
    basis: 'measured',
    source: `${ESP_IDF_LOW_POWER}: Modem-sleep, DTIM3 (powersave "max" wakes every listen interval: ESP-IDF's default of 3 beacons, which Espruino 2v29 does not change)`,
  },
  radioTransmit: { value: 180, unit: 'mA', basis: 'datasheet', source: `${ESP32_DATASHEET}: Tx 802.11n MCS7, 180 mA` },
  /** How long a frame keeps a sleeping radio awake (air time, the access point's ACK, the driver going back to sleep). */
  radioAwakePerFrame: {
    value: 10,
    unit: 'ms',
    basis: 'assumption',
    source: 'not documented by Espressif; a frame of < 200 bytes takes < 0.1 ms on air at 802.11n rates, 10 ms covers waking, retries and the driver returning to sleep',
  },
  transmitPerFrame: { value: 1, unit: 'ms', basis: 'assumption', source: 'air time of one short frame with preamble and retries, generously' },
  /** CPU busy above idle: the datasheet's range for modem sleep at 160 MHz runs from idle to busy. */
  cpuBusyExtra: { value: 17, unit: 'mA', basis: 'datasheet', source: `${ESP32_DATASHEET}: Modem-sleep, 160 MHz, dual-core: 27-44 mA; the difference, as the cost of running JavaScript` },
  cpuPerCallback: { value: 2, unit: 'ms', basis: 'assumption', source: 'Espruino interprets the source; one timer, watch or socket handler of the firmware, ~100 statements' },
  /** Espruino's I2C.writeTo blocks: the CPU waits out the bus. */
  i2cPerByte: { value: 22.5, unit: 'µs', basis: 'datasheet', source: 'I2C fast mode (400 kHz, the firmware\'s bitrate): 9 clocks per byte' },
  motor: { value: 80, unit: 'mA', basis: 'assumption', source: '10 mm coin vibration motors (ERM) are rated at about 60-90 mA at 3 V; use your part\'s datasheet' },
  led: { value: 5, unit: 'mA', basis: 'assumption', source: 'an indicator LED with ~270 Ω from 3.3 V' },
  displayLit: { value: 8, unit: 'mA', basis: 'assumption', source: '0.96" 128x64 SSD1306 module showing text (10-20 % of pixels lit); the SSD1306 datasheet gives the controller\'s currents, not a panel\'s' },
  displayAsleep: { value: 0.01, unit: 'mA', basis: 'datasheet', source: 'Solomon Systech SSD1306 datasheet rev 1.1, DC characteristics: sleep mode current, 10 µA max' },
  board: { value: 0.1, unit: 'mA', basis: 'assumption', source: 'LDO quiescent current (~55 µA for an AP2112K) and the battery divider (2 × 100 kΩ: ~20 µA)' },
  /** Share of the rated capacity the pager can use before it browns out. */
  usableCapacity: {
    value: 1 - EMPTY_PERCENT / 100,
    unit: 'fraction',
    basis: 'assumption',
    source: `the pager browns out near ${EMPTY_PERCENT} % of charge (~3.6 V on the LiPo curve: the regulator's dropout under a transmit burst), shared/battery.ts`,
  },
} satisfies Record<string, Figure>;
