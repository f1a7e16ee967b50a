// The standard CRC-32 (reflected, polynomial 0xEDB88320), as Espruino's
// E.CRC32 computes it (src/jswrap_espruino.c jswrap_espruino_CRC32): one byte
// per element, unsigned. The hub checks updates with it; the shim models
// E.CRC32 with it.

export function crc32(data: string | ArrayLike<number>): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc ^= (typeof data === 'string' ? data.charCodeAt(i) : data[i]) & 0xff;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
