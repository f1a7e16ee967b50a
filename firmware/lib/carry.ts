// Files carried past a re-flash. The flasher's install script (scripts/flash.ts)
// puts the new code at the very start of Storage, where no later compaction
// can move it while it runs; to get there it copies the device's own files
// (outbox, press clock, shift) into "lb.carry", erases them and compacts. At
// the first boot they are written back, after the code, and the carry is
// erased. Restoring is idempotent: a power cut half-way simply restores again.

import type { StorageApi } from '../hal/espruino-api.js';

export const CARRY_FILE = 'lb.carry';

interface Carried {
  /** Plain files, by name. */
  f: { [name: string]: string };
  /** StorageFiles (Storage.open), by name. */
  s: { [name: string]: string };
}

export function restoreCarried(storage: StorageApi, log: (message: string) => void): void {
  const carried = storage.readJSON(CARRY_FILE, true) as Carried | undefined;
  if (!carried) {
    if (storage.read(CARRY_FILE) !== undefined) storage.erase(CARRY_FILE);
    return;
  }
  const plain = carried.f || {};
  const appended = carried.s || {};
  Object.keys(plain).forEach(function (name) {
    storage.write(name, plain[name]);
  });
  Object.keys(appended).forEach(function (name) {
    storage.open(name, 'r').erase();
    if (appended[name].length > 0) storage.open(name, 'a').write(appended[name]);
  });
  storage.erase(CARRY_FILE);
  log('restored ' + (Object.keys(plain).length + Object.keys(appended).length) + ' files');
}
