// What a person reads on the pager's panel: the strings drawn, put together
// by line (same y) and position (x), each character as the font that drew it
// shows it. Espruino 2v29's built-in 6×8 font has glyphs for codes 33–255 in
// ISO 8859-1 (libs/graphics/bitmap_font_6x8.c), so a Latin-1 byte reads as its
// Latin-1 letter; 0x80–0x9F are control codes there and read "\ufffd" (no
// letter a person could read). A custom font (Graphics.setFontCustom) draws
// codes from its first character on; when it is the pager's Cyrillic font
// (shared/cyrillic-font.ts), glyph n reads as U+0410 + n. Text drawn in the
// wrong font therefore reads wrong here, as it would on the device.
import { CYRILLIC_GLYPHS, cyrillicFontBitmap } from '../../shared/cyrillic-font.js';

const CYRILLIC = cyrillicFontBitmap();

interface Drawn {
  x: number;
  y: number;
  text: string;
}

export class PanelText {
  private drawn: Drawn[] = [];
  private font: { cyrillic: boolean; first: number } | null = null;

  clear(): void {
    this.drawn = [];
  }

  builtIn(): void {
    this.font = null;
  }

  custom(bitmap: string, firstChar: number): void {
    this.font = { cyrillic: bitmap === CYRILLIC, first: firstChar };
  }

  draw(text: string, x: number, y: number): void {
    let read = '';
    for (let i = 0; i < text.length; i++) read += this.glyph(text.charCodeAt(i));
    this.drawn.push({ x, y, text: read });
  }

  /** The panel's lines top to bottom, each its strings left to right. */
  lines(): string[] {
    const rows = new Map<number, Drawn[]>();
    for (const item of this.drawn) rows.set(item.y, [...(rows.get(item.y) ?? []), item]);
    return [...rows.keys()].sort((a, b) => a - b).map((y) => rows.get(y)!.sort((a, b) => a.x - b.x).map((item) => item.text).join(''));
  }

  private glyph(code: number): string {
    if (this.font) {
      const index = code - this.font.first;
      if (!this.font.cyrillic) return '\ufffd';
      return index >= 0 && index < CYRILLIC_GLYPHS ? String.fromCharCode(0x410 + index) : ' ';
    }
    if (code >= 0x80 && code < 0xa0) return '\ufffd';
    return String.fromCharCode(code);
  }
}
