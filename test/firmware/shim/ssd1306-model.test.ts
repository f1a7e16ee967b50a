import { describe, expect, it } from 'vitest';
import { Ssd1306Model } from '../../../firmware/shim/ssd1306-model.js';
import { Ssd1306 } from '../../../firmware/lib/ssd1306.js';

describe('the SSD1306 as the shim models it', () => {
  it('follows the driver: dark at power-on, lit by init(), asleep and awake on command', () => {
    const changes: boolean[] = [];
    const model = new Ssd1306Model((on) => changes.push(on));
    const oled = new Ssd1306({ setup: () => undefined, writeTo: (_address, data) => model.write(data) }, 0x3c);
    expect(model.on).toBe(false);
    oled.init();
    expect(model.on).toBe(true);
    oled.flip(new ArrayBuffer(1024));
    expect(model.framesBytes).toBe(1024);
    oled.sleep();
    oled.wake();
    expect(changes).toEqual([true, false, true]);
  });

  it('reads 0xAE and 0xAF as arguments, not commands, where a command takes arguments', () => {
    const model = new Ssd1306Model(() => undefined);
    model.write([0x00, 0xaf]);
    model.write([0x00, 0x81]); // contrast: the next byte is its value
    model.write([0x00, 0xae]);
    expect(model.on).toBe(true);
    model.write([0x00, 0x21, 0xae, 0xae, 0xae]); // column address takes two
    expect(model.on).toBe(false);
  });
});
