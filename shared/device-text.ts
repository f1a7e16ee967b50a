// Text for the pager's display. Espruino's strings are 8-bit (2v29 on ESP32
// is built without ESPR_UNICODE_SUPPORT: boards/ESP32.py), and its built-in
// 6×8 font draws codes 33–255 as ISO 8859-1 (libs/graphics/bitmap_font_6x8.c),
// so "Süd" needs only its Latin-1 byte. Cyrillic has no place there: the
// device charset puts А–Я, а–я at 0x80–0xBF (where Latin-1 has only control
// codes and signs a label rarely needs) and draws them with the pager's own
// font (cyrillic-font.ts); Ё/ё borrow Latin-1's Ë/ë, which look the same.
// Quotes and dashes become their ASCII look-alikes; anything else is "?".
//
// The hub says every text to a device in this charset, escaped as \u00XX in
// the JSON (Espruino's lexer makes \u00XX one byte, src/jslex.c), and reads
// the pager's texts (a cause it chose) back with fromDeviceText.

const CYRILLIC_BASE = 0x410; // А
const CYRILLIC_COUNT = 64; // А–я
const DEVICE_CYRILLIC = 0x80;
const YO = 0x401; // Ё
const YO_SMALL = 0x451; // ё
const E_DIAERESIS = 0xcb; // Ë
const E_DIAERESIS_SMALL = 0xeb; // ë

/** Signs and punctuation a label may hold, in plain ASCII. */
const PLAIN: { [ch: string]: string } = { '«': '"', '»': '"', '„': '"', '“': '"', '”': '"', '‘': "'", '’': "'", '–': '-', '—': '-', '…': '...', '№': 'No', '\u00a0': ' ' };

/** One character in the device charset. */
function deviceChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x80 || (code >= 0xc0 && code <= 0xff)) return ch;
  if (code >= CYRILLIC_BASE && code < CYRILLIC_BASE + CYRILLIC_COUNT) return String.fromCharCode(DEVICE_CYRILLIC + code - CYRILLIC_BASE);
  if (code === YO) return String.fromCharCode(E_DIAERESIS);
  if (code === YO_SMALL) return String.fromCharCode(E_DIAERESIS_SMALL);
  return PLAIN[ch] !== undefined ? PLAIN[ch] : '?';
}

/** A text as the pager can draw it: one byte a character. */
export function toDeviceText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += deviceChar(text.charAt(i));
  return out;
}

/** A text from the pager back in Unicode (0x80–0xBF are Cyrillic; the rest is Latin-1). */
export function fromDeviceText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += code >= DEVICE_CYRILLIC && code < DEVICE_CYRILLIC + CYRILLIC_COUNT ? String.fromCharCode(CYRILLIC_BASE + code - DEVICE_CYRILLIC) : text.charAt(i);
  }
  return out;
}

/** JSON whose texts are in the device charset already (a firmware bundle read byte for byte): bytes above ASCII as \u00XX. */
export function escapeHighBytes(json: string): string {
  return json.replace(/[\x80-\xff]/g, function (ch) {
    return '\\u00' + ch.charCodeAt(0).toString(16);
  });
}

/**
 * JSON for a device: every text in the device charset, and every byte above
 * ASCII written \u00XX, so the message is ASCII on the wire and each
 * character one byte in the interpreter (a raw UTF-8 "ü" would be two).
 */
export function deviceJson(json: string): string {
  return escapeHighBytes(json.replace(/[\u0080-\uffff]/g, deviceChar));
}
