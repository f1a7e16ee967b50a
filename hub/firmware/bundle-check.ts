// Whether a file is firmware a device can take over the air: for its kind
// (the marker the build puts in), within the device budget, and through the
// Espruino gate (espruino-gate.ts). The same checks as the build's.
import { checkBundle } from './espruino-gate.js';

/** The device budget (DEVELOPERS.md): each bundle minified under 28 KB. */
export const FIRMWARE_SIZE_LIMIT_BYTES = 28 * 1024;

/** Why `code` cannot go to a device of `kind`; empty when it can. */
export function firmwareProblems(code: string, kind: string): string[] {
  const problems: string[] = [];
  const marker = /lb-firmware:([a-z]+)/.exec(code);
  if (!marker) problems.push('not loyalty-button firmware (no "lb-firmware:" marker: build it with npm run build)');
  else if (marker[1] !== kind) problems.push(`firmware for a ${marker[1]}, not a ${kind}`);
  const bytes = Buffer.byteLength(code, 'latin1');
  if (bytes > FIRMWARE_SIZE_LIMIT_BYTES) problems.push(`${bytes} bytes, limit ${FIRMWARE_SIZE_LIMIT_BYTES}`);
  problems.push(...checkBundle(code));
  return problems;
}
