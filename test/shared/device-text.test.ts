// The pager's charset (#18): what the hub sends it and reads back from it.
import { describe, expect, it } from 'vitest';
import { deviceJson, escapeHighBytes, fromDeviceText, toDeviceText } from '../../shared/device-text.js';
import { CYRILLIC_GLYPHS, cyrillicFontBitmap } from '../../shared/cyrillic-font.js';

describe('device text', () => {
  it('keeps ASCII and Latin-1 letters, puts А–я at 0x80–0xBF, Ё/ё on Ë/ë, quotes as ASCII, the rest as "?"', () => {
    expect(toDeviceText('Süd, Straße')).toBe('Süd, Straße');
    expect([...toDeviceText('Аая')].map((c) => c.charCodeAt(0))).toEqual([0x80, 0xa0, 0xbf]);
    expect([...toDeviceText('Ёё')].map((c) => c.charCodeAt(0))).toEqual([0xcb, 0xeb]);
    expect(toDeviceText('«Терраса» — №1 😀')).toBe('"' + toDeviceText('Терраса') + '" - No1 ??');
    expect(fromDeviceText(toDeviceText('Терраса, Süd'))).toBe('Терраса, Süd');
  });

  it('sends JSON that is ASCII on the wire and one byte a letter on the device', () => {
    const wire = deviceJson(JSON.stringify({ l: 'Терраса Süd' }));
    expect(wire).toMatch(/^[\x20-\x7e]*$/);
    // Espruino's JSON.parse makes \u00XX one byte; so does Node's for codes below 256.
    expect((JSON.parse(wire) as { l: string }).l).toBe(toDeviceText('Терраса Süd'));
    expect(escapeHighBytes('"\x8e\xfc"')).toBe('"\\u008e\\u00fc"');
  });

  it('has a glyph for each of the 64 letters, 6 bytes each, and draws what it says', () => {
    const bitmap = cyrillicFontBitmap();
    expect(CYRILLIC_GLYPHS).toBe(64);
    expect(bitmap).toHaveLength(64 * 6);
    // Т (index 18): the top row across, then the middle column down.
    const te = [...bitmap.substr(18 * 6, 6)].map((c) => c.charCodeAt(0));
    expect(te).toEqual([0x80, 0x80, 0xfe, 0x80, 0x80, 0x00]);
    // Every glyph leaves its sixth column empty (the space between letters).
    for (let g = 0; g < 64; g++) expect(bitmap.charCodeAt(g * 6 + 5)).toBe(0);
  });
});
