// A small SSD1306 (128×64, I2C) driver. Espruino's own module is fetched from
// the web at upload time; this one travels in the bundle. The screen is drawn
// with Espruino's built-in Graphics into an array buffer and sent with flip().

import type { I2CApi } from '../hal/espruino-api.js';

const INIT = [
  0xae, // display off
  0xd5, 0x80, // clock
  0xa8, 0x3f, // multiplex: 64 rows
  0xd3, 0x00, // no offset
  0x40, // start line 0
  0x8d, 0x14, // charge pump on
  0x20, 0x00, // horizontal addressing
  0xa1, 0xc8, // mirror to match the usual module orientation
  0xda, 0x12, // COM pins
  0x81, 0xcf, // contrast
  0xd9, 0xf1, // pre-charge
  0xdb, 0x40, // VCOM detect
  0xa4, 0xa6, // show RAM, not inverted
  0xaf, // display on
];

const CHUNK = 16;

export class Ssd1306 {
  constructor(
    private readonly i2c: I2CApi,
    private readonly address: number,
  ) {}

  init(): void {
    for (let i = 0; i < INIT.length; i++) this.i2c.writeTo(this.address, [0x00, INIT[i]]);
  }

  /** Panel dark, controller asleep: about 10 µA instead of several mA (datasheet, "Sleep mode current"). RAM is kept. */
  sleep(): void {
    this.i2c.writeTo(this.address, [0x00, 0xae]);
  }

  wake(): void {
    this.i2c.writeTo(this.address, [0x00, 0xaf]);
  }

  /** Sends the whole frame buffer (1 bit per pixel, vertical bytes: 1024 bytes). */
  flip(buffer: ArrayBuffer): void {
    const commands = [0x21, 0, 127, 0x22, 0, 7];
    for (let i = 0; i < commands.length; i++) this.i2c.writeTo(this.address, [0x00, commands[i]]);
    const bytes = new Uint8Array(buffer);
    const chunk = new Uint8Array(CHUNK + 1);
    chunk[0] = 0x40;
    for (let at = 0; at < bytes.length; at += CHUNK) {
      for (let j = 0; j < CHUNK; j++) chunk[j + 1] = bytes[at + j];
      this.i2c.writeTo(this.address, chunk);
    }
  }
}
