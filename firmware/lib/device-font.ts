// Text on the pager's display in two fonts: Espruino's built-in 6×8 for ASCII
// and Latin-1 ("Süd"), and the pager's Cyrillic font ("lb.font" in Storage,
// shared/cyrillic-font.ts) for the device charset's 0x80–0xBF. Graphics draws
// a string in one font, and every character is 6 pixels wide in both.
// Without the font file every character goes to the built-in font.

import type { GraphicsApi } from '../hal/espruino-api.js';

/** The device charset's Cyrillic range (shared/device-text.ts). */
const inFont = function (code: number): boolean {
  return code >= 0x80 && code < 0xc0;
};

/** One character at a time (fewer bytes of code than runs; a frame is a few dozen characters, drawn a few times a minute). */
export function drawText(g: GraphicsApi, font: string | undefined, text: string, x: number, y: number, size: number): void {
  for (let i = 0; i < text.length; i++) {
    // setFontCustom(bitmap, first char, width, height | scale << 8): Espruino 2v29, libs/graphics/jswrap_graphics.c.
    if (font && inFont(text.charCodeAt(i))) g.setFontCustom(font, 0x80, 6, 8 + (size << 8));
    else g.setFont('6x8', size);
    g.drawString(text.charAt(i), x + i * 6 * size, y);
  }
}
