// The SSD1306 as the I2C bus sees it, enough to know whether the panel is lit:
// a control byte (0x00: commands follow, 0x40: display data follows), then
// commands, some of which take argument bytes that may come in later writes
// (Solomon Systech SSD1306 datasheet rev 1.1, 8.1.5 "I2C-bus Write data" and
// 9 "Command Table"). 0xAE puts the panel to sleep, 0xAF lights it.

/** Commands followed by argument bytes, and how many (datasheet, 9 "Command Table"). */
const ARGUMENTS: Record<number, number> = {
  0x20: 1, // memory addressing mode
  0x21: 2, // column address
  0x22: 2, // page address
  0x26: 6, // horizontal scroll setup
  0x27: 6,
  0x29: 5, // vertical and horizontal scroll setup
  0x2a: 5,
  0x81: 1, // contrast
  0x8d: 1, // charge pump
  0xa3: 2, // vertical scroll area
  0xa8: 1, // multiplex ratio
  0xd3: 1, // display offset
  0xd5: 1, // clock divide / oscillator
  0xd9: 1, // pre-charge period
  0xda: 1, // COM pins
  0xdb: 1, // VCOMH deselect level
};

export class Ssd1306Model {
  /** After a power-on the panel is off (datasheet, 8.9 "Power ON and OFF sequence"). */
  on = false;
  framesBytes = 0;
  private argumentsLeft = 0;

  constructor(private readonly onChange: (on: boolean) => void) {}

  write(data: ArrayLike<number>): void {
    if (data.length === 0) return;
    const control = data[0];
    if (control === 0x40) {
      this.framesBytes += data.length - 1;
      return;
    }
    for (let i = 1; i < data.length; i++) this.command(data[i]);
  }

  private command(byte: number): void {
    if (this.argumentsLeft > 0) {
      this.argumentsLeft--;
      return;
    }
    this.argumentsLeft = ARGUMENTS[byte] ?? 0;
    if (byte === 0xae || byte === 0xaf) {
      const on = byte === 0xaf;
      if (on !== this.on) {
        this.on = on;
        this.onChange(on);
      }
    }
  }
}
