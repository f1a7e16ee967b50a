// ".boot0": the update guard. Espruino runs it at every boot before the
// firmware (".bootcde"); the flasher puts it first in Storage, padded to whole
// flash pages, and nothing ever rewrites it, so no compaction moves it while
// it runs. That makes it the one place where code can be installed safely:
// the firmware only receives and verifies an update (update-receiver.ts),
// then reboots; the guard installs it here, before any code runs from the
// place it rewrites, and takes it back when the new code or configuration
// cannot reach the hub in time (docs/firmware.md, "Updates over the air").

import { CARRY_FILE } from './lib/carry.js';
import { NEW_CODE, NEW_CONFIG, PREVIOUS_CODE, PREVIOUS_CONFIG, UPDATE_PREFIX, UPDATE_STATE, type UpdateRecord } from './lib/update-files.js';

const CODE = '.bootcde';
const GUARD = '.boot0';
const CONFIG = 'lb.config';
/** Boots in trial before the guard gives up on the new one (a crash at start, a watchdog reset). */
const MAX_TRIAL_BOOTS = 3;
const PAGE = 4096;
const HEADER = 32;

(function () {
  const S = espruinoModule('Storage');
  const record = S.readJSON(UPDATE_STATE, true) as UpdateRecord | undefined;
  if (!record) return;
  const save = function (r: UpdateRecord) {
    S.writeJSON(UPDATE_STATE, r);
  };
  const log = function (message: string) {
    print('[lb] update ' + record.u + ': ' + message);
  };

  /** Keeps the device's own files (outbox, clock, shift, config…) in the carry the firmware restores at boot. */
  const carryFiles = function (except: string) {
    const carried = (S.readJSON(CARRY_FILE, true) as { f: { [n: string]: string }; s: { [n: string]: string }; g?: number } | undefined) || { f: {}, s: {} };
    const names = S.list();
    for (let i = 0; i < names.length; i++) {
      const m = names[i];
      if (m === GUARD || m === CODE || m === CARRY_FILE || m === except || m.indexOf(UPDATE_PREFIX) === 0) continue;
      if (m.charCodeAt(m.length - 1) === 1) {
        const base = m.substr(0, m.length - 1);
        const f = S.open(base, 'r');
        let text = '';
        let part = f.read(256);
        while (part !== undefined) {
          text += part;
          part = f.read(256);
        }
        carried.s[base] = (carried.s[base] || '') + text;
      } else {
        carried.f[m] = S.read(m) as string;
      }
    }
    return carried;
  };

  /** Everything but the guard and `keep` goes (a StorageFile by its own erase). */
  const eraseAllBut = function (keep: string[]) {
    const names = S.list();
    for (let i = 0; i < names.length; i++) {
      const m = names[i];
      if (m === GUARD || keep.indexOf(m) >= 0) continue;
      if (m.charCodeAt(m.length - 1) === 1) S.open(m.substr(0, m.length - 1), 'r').erase();
      else S.erase(m);
    }
  };

  /**
   * Makes `file` the code, first after the guard (after the old code kept for
   * a rollback, which stays there until the new one is confirmed), padded to
   * whole pages, with the device's files carried after it and the update's
   * state `after` written after it too: nothing that is rewritten later may
   * lie in front of the code, or a compaction would move it while it runs.
   */
  const installCode = function (file: string, after: UpdateRecord) {
    const carried = carryFiles(file);
    S.write(CARRY_FILE, JSON.stringify(carried));
    const keep = [file, CARRY_FILE, UPDATE_STATE];
    if (file === NEW_CODE) keep.push(PREVIOUS_CODE);
    eraseAllBut(keep);
    S.compact();
    const code = S.read(file) as string;
    const size = Math.ceil((code.length + HEADER) / PAGE) * PAGE - HEADER;
    S.write(CODE, code, 0, size);
    let pad = ' ';
    while (pad.length < size - code.length) pad += pad;
    if (size > code.length) S.write(CODE, pad.substr(0, size - code.length), code.length);
    carried.g = (carried.g || 0) + 1; // a different text: a new copy after the code (an identical rewrite writes nothing)
    S.write(CARRY_FILE, JSON.stringify(carried));
    save(after);
    S.erase(file);
    S.compact();
  };

  const install = function () {
    const trial: UpdateRecord = { s: 'trial', u: record.u, w: record.w, t: record.t, n: 0 };
    if (record.w === 'c') {
      if (S.read(NEW_CONFIG) !== undefined) {
        S.write(PREVIOUS_CONFIG, S.read(CONFIG) as string);
        S.write(CONFIG, S.read(NEW_CONFIG) as string);
        S.erase(NEW_CONFIG);
      }
      save(trial);
    } else if (S.read(NEW_CODE) !== undefined) {
      if (!record.p) {
        S.write(PREVIOUS_CODE, S.read(CODE) as string);
        record.p = 1;
        save(record);
      }
      installCode(NEW_CODE, trial);
    } else save(trial); // a power cut after the install and before this: it is in place
    record.s = 'trial';
    record.n = 0;
    log('installed, on trial');
  };

  const rollBack = function (reason: string) {
    const back: UpdateRecord = { s: 'rolled-back', u: record.u, w: record.w, t: record.t, r: reason };
    if (record.w === 'c') {
      if (S.read(PREVIOUS_CONFIG) !== undefined) {
        S.write(CONFIG, S.read(PREVIOUS_CONFIG) as string);
        S.erase(PREVIOUS_CONFIG);
      }
      save(back);
    } else if (S.read(PREVIOUS_CODE) !== undefined) installCode(PREVIOUS_CODE, back);
    else save(back);
    record.s = 'rolled-back';
    log('rolled back: ' + reason);
  };

  if (record.s === 'install') install();
  if (record.s === 'rollback') rollBack(record.r || 'rolled back');
  if (record.s === 'confirmed') {
    // Nothing runs from the code yet: dropping the old copy in front of it, and compacting, moves nothing that runs.
    if (record.w === 'c') S.erase(PREVIOUS_CONFIG);
    else if (S.read(PREVIOUS_CODE) !== undefined) {
      S.erase(PREVIOUS_CODE);
      S.compact();
    }
    record.s = 'done';
    save(record);
    return;
  }
  if (record.s !== 'trial') return;
  record.n = (record.n || 0) + 1;
  if (record.n > MAX_TRIAL_BOOTS) {
    rollBack('it restarted ' + (record.n - 1) + ' times without reaching the hub');
    return;
  }
  save(record);
  setTimeout(function () {
    const now = S.readJSON(UPDATE_STATE, true) as UpdateRecord | undefined;
    if (!now || now.s !== 'trial' || now.u !== record.u) return;
    // Rolled back at the next boot, by this guard, before the code it replaces runs again.
    now.s = 'rollback';
    now.r = 'no connection to the hub within ' + now.t + ' s';
    S.writeJSON(UPDATE_STATE, now);
    E.reboot();
  }, record.t * 1000);
})();
