// What an ESP32's pins can do (ESP32 datasheet, section "Pin Description";
// Espruino's boards/ESP32.py): the flasher checks a device's wiring against
// it before writing anything, with the reason for each refusal.
import type { DeviceKind } from '../../shared/topics.js';

/** GPIO numbers that do not exist on the ESP32. */
const MISSING = new Set([20, 24, 28, 29, 30, 31]);
/** Wired to the module's flash chip: using one crashes the board. */
const FLASH = new Set([6, 7, 8, 9, 10, 11]);
/** Input only, without internal pull-ups: no button (needs a pull-up) and no output. */
const INPUT_ONLY = new Set([34, 35, 36, 37, 38, 39]);
/** ADC1: the only ADC that works while Wi-Fi is on. */
const ADC1 = new Set([32, 33, 34, 35, 36, 37, 38, 39]);

const ROLES: Record<DeviceKind, { inputs: string[]; outputs: string[] }> = {
  button: { inputs: ['red', 'green'], outputs: ['led'] },
  pager: { inputs: ['button'], outputs: ['motor', 'led', 'sda', 'scl'] },
};

function gpio(pin: string): number | null {
  const match = /^D(\d{1,2})$/.exec(pin);
  return match ? Number(match[1]) : null;
}

/** Problems with a device's pins (empty when the wiring can work). */
export function pinProblems(kind: DeviceKind, pins: Record<string, string>, batteryPin?: string): string[] {
  const problems: string[] = [];
  const roles = ROLES[kind];
  const used = new Map<string, string>();
  const check = (role: string, pin: string, needs: 'input' | 'output' | 'adc') => {
    const n = gpio(pin);
    if (n === null || n > 39 || MISSING.has(n)) return problems.push(`${role}=${pin}: the ESP32 has no such pin (D0-D39)`);
    if (FLASH.has(n)) return problems.push(`${role}=${pin}: D6-D11 belong to the flash chip; using one crashes the board`);
    if (needs === 'input' && INPUT_ONLY.has(n)) return problems.push(`${role}=${pin}: D34-D39 have no internal pull-up, so a button there floats; use e.g. D4, D5, D13, D14`);
    if (needs === 'output' && INPUT_ONLY.has(n)) return problems.push(`${role}=${pin}: D34-D39 are inputs only`);
    if (needs === 'adc' && !ADC1.has(n)) return problems.push(`battery=${pin}: the battery divider must be on an ADC1 pin (D32-D39); ADC2 does not work while Wi-Fi is on`);
    const other = used.get(pin);
    if (other) return problems.push(`${role}=${pin}: ${pin} is already ${other}`);
    used.set(pin, role);
    return undefined;
  };
  for (const role of Object.keys(pins)) {
    if (!roles.inputs.includes(role) && !roles.outputs.includes(role)) problems.push(`${role}: a ${kind} has no such role (${[...roles.inputs, ...roles.outputs].join(', ')})`);
  }
  for (const role of roles.inputs) if (pins[role]) check(role, pins[role], 'input');
  for (const role of roles.outputs) if (pins[role]) check(role, pins[role], 'output');
  if (batteryPin) check('battery', batteryPin, 'adc');
  return problems;
}
