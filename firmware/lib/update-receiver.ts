// Receives an update over the air (docs/protocol.md, "Updates"): a firmware
// bundle or a configuration patch, in chunks the hub sends one at a time.
// Each chunk is checked (CRC-32) and written to Storage at once, so the
// device never holds the update in RAM; at the commit the whole file is
// checked again, and only then is the guard (.boot0, firmware/guard.ts) told
// to install it at the next boot. Anything wrong is refused with the reason
// and leaves the running firmware and configuration as they were.

import { UPDATE_CHUNK_BYTES } from '../../shared/limits.js';
import { decodeUpdate, type UpdateStatus, type UpdateWhat } from '../../shared/payloads.js';
import type { StorageApi } from '../hal/espruino-api.js';
import { NEW_CODE, NEW_CONFIG, UPDATE_STATE, type UpdateRecord } from './update-files.js';

export interface UpdateReceiverDeps {
  storage: StorageApi;
  kind: string;
  crc32(data: string): number;
  fromBase64(text: string): string;
  /** Why an update must wait (presses not yet delivered, an alert open), or null. */
  blocker(): string | null;
  /** The configuration as stored, and the reason a merged one would not work (null: it would). */
  config(): { [key: string]: unknown };
  configProblem(config: { [key: string]: unknown }): string | null;
  /** Restarts the device a moment after the answer has left. */
  restart(): void;
}

/** A firmware bundle names the kind of device it is for (scripts/build-firmware.ts puts this marker in). */
export function firmwareMarker(kind: string): string {
  return 'lb-firmware:' + kind;
}

interface Transfer {
  update: number;
  what: UpdateWhat;
  file: string;
  size: number;
  crc: number;
  chunks: number;
  trialS: number;
  next: number;
}

export class UpdateReceiver {
  private transfer: Transfer | null = null;

  constructor(private readonly deps: UpdateReceiverDeps) {}

  /** An update message from the hub; the answer to publish, or null for none. */
  handle(payload: string): UpdateStatus | null {
    const decoded = decodeUpdate(payload);
    if (!decoded.ok) return null; // not readable: nothing to answer to (the hub times out)
    const m = decoded.value;
    const t = this.transfer;
    if (m.op === 'begin') {
      if (t) this.drop();
      const refusal = this.refusalToBegin(m.kind);
      if (refusal) return { update: m.update, state: 'refused', reason: refusal };
      const blocker = this.deps.blocker();
      if (blocker) return { update: m.update, state: 'later', reason: blocker };
      const file = m.what === 'firmware' ? NEW_CODE : NEW_CONFIG;
      this.deps.storage.erase(file);
      this.transfer = { update: m.update, what: m.what, file: file, size: m.size, crc: m.crc, chunks: m.chunks, trialS: m.trialS, next: 0 };
      return { update: m.update, state: 'ready' };
    }
    if (!t || t.update !== m.update) return { update: m.update, state: 'refused', reason: 'no such update under way' };
    if (m.op === 'abort') {
      this.drop();
      return null;
    }
    if (m.op === 'chunk') {
      if (m.index < t.next) return { update: t.update, state: 'got', index: m.index }; // a repeat: already stored
      if (m.index > t.next) return this.fail('chunk ' + m.index + ' came before chunk ' + t.next);
      const data = this.deps.fromBase64(m.data);
      const expected = m.index === t.chunks - 1 ? t.size - m.index * UPDATE_CHUNK_BYTES : UPDATE_CHUNK_BYTES;
      if (data.length !== expected) return this.fail('chunk ' + m.index + ' has ' + data.length + ' bytes, expected ' + expected);
      if (this.deps.crc32(data) !== m.crc) return this.fail('chunk ' + m.index + ' is corrupt (checksum)');
      if (m.index === 0) this.deps.storage.write(t.file, data, 0, t.size);
      else this.deps.storage.write(t.file, data, m.index * UPDATE_CHUNK_BYTES);
      t.next++;
      return { update: t.update, state: 'got', index: m.index };
    }
    // commit
    if (t.next !== t.chunks) return this.fail('commit after ' + t.next + ' of ' + t.chunks + ' chunks');
    const whole = this.deps.storage.read(t.file);
    if (whole === undefined || whole.length !== t.size || this.deps.crc32(whole) !== t.crc) return this.fail('the whole does not match its checksum');
    if (t.what === 'firmware') {
      if (whole.indexOf(firmwareMarker(this.deps.kind)) < 0) return this.fail('this bundle is not ' + this.deps.kind + ' firmware');
    } else {
      let patch: unknown;
      try {
        patch = JSON.parse(whole);
      } catch (e) {
        return this.fail('the configuration is not JSON (' + e + ')');
      }
      if (!patch || typeof patch !== 'object') return this.fail('the configuration is not a JSON object');
      const merged = this.deps.config();
      const fields = patch as { [key: string]: unknown };
      const keys = Object.keys(fields);
      for (let i = 0; i < keys.length; i++) merged[keys[i]] = fields[keys[i]];
      const problem = this.deps.configProblem(merged);
      if (problem) return this.fail('the configuration would not work: ' + problem);
      this.deps.storage.erase(t.file);
      this.deps.storage.write(t.file, JSON.stringify(merged));
    }
    const record: UpdateRecord = { s: 'install', u: t.update, w: t.what === 'firmware' ? 'f' : 'c', t: t.trialS };
    this.deps.storage.writeJSON(UPDATE_STATE, record);
    this.transfer = null;
    this.deps.restart();
    return { update: record.u, state: 'switching' };
  }

  private refusalToBegin(kind: string): string | null {
    if (kind !== this.deps.kind) return 'this is a ' + this.deps.kind + ', not a ' + kind;
    if (this.deps.storage.read('.boot0') === undefined) return 'no update guard on this device: flash it once with npm run flash';
    const state = this.deps.storage.readJSON(UPDATE_STATE, true) as UpdateRecord | undefined;
    if (state && (state.s === 'install' || state.s === 'trial' || state.s === 'rollback')) return 'another update is still being tried';
    return null;
  }

  private fail(reason: string): UpdateStatus {
    const update = this.transfer ? this.transfer.update : 0;
    this.drop();
    return { update: update, state: 'refused', reason: reason };
  }

  private drop(): void {
    if (this.transfer) this.deps.storage.erase(this.transfer.file);
    this.transfer = null;
  }
}
