// The firmware's side of an update, on the shim's Storage: what it refuses,
// with which reason, and that a refusal leaves nothing behind.
import { describe, expect, it } from 'vitest';
import { UpdateReceiver, firmwareMarker } from '../../../firmware/lib/update-receiver.js';
import { parseDeviceConfig } from '../../../firmware/lib/device-config.js';
import { flashedConfig } from '../../../firmware/shim/flashed-config.js';
import { EspruinoStorage } from '../../../firmware/shim/espruino-storage.js';
import { crc32 } from '../../../shared/crc32.js';
import { UPDATE_CHUNK_BYTES } from '../../../shared/limits.js';
import { encodeUpdate, type UpdateStatus } from '../../../shared/payloads.js';

function setup(options: { blocker?: string | null; guard?: boolean } = {}) {
  const storage = new EspruinoStorage(null);
  if (options.guard !== false) storage.write('.boot0', '/* guard */');
  storage.write('.bootcde', 'old code');
  storage.writeJSON('lb.config', flashedConfig({ kind: 'pager', id: 'pgr-anna', secret: 's', site: 'cafe', hubHost: '10.0.0.2', hubPort: 1883 }));
  let restarts = 0;
  const receiver = new UpdateReceiver({
    storage,
    kind: 'pager',
    crc32,
    fromBase64: (text) => Buffer.from(text, 'base64').toString('latin1'),
    blocker: () => options.blocker ?? null,
    config: () => storage.readJSON('lb.config', true) as { [key: string]: unknown },
    configProblem: (merged) => {
      const parsed = parseDeviceConfig(merged, 'pager');
      return typeof parsed === 'string' ? parsed : null;
    },
    restart: () => restarts++,
  });
  return { storage, receiver, restarts: () => restarts };
}

const payloadOf = (text: string) => Buffer.from(text, 'latin1');
const chunks = (payload: Buffer) => Array.from({ length: Math.ceil(payload.length / UPDATE_CHUNK_BYTES) }, (_, i) => payload.subarray(i * UPDATE_CHUNK_BYTES, (i + 1) * UPDATE_CHUNK_BYTES));

function send(receiver: UpdateReceiver, what: 'firmware' | 'config', payload: Buffer, tamper: (index: number, bytes: Buffer) => Buffer = (_i, b) => b): UpdateStatus[] {
  const answers: UpdateStatus[] = [];
  const answer = (text: string) => {
    const a = receiver.handle(text);
    if (a) answers.push(a);
    return a;
  };
  answer(encodeUpdate({ op: 'begin', update: 7, what, size: payload.length, crc: crc32(payload), chunks: chunks(payload).length, kind: 'pager', trialS: 90 }));
  if (answers[0]?.state !== 'ready') return answers;
  for (const [index, bytes] of chunks(payload).entries()) {
    const a = answer(encodeUpdate({ op: 'chunk', update: 7, index, crc: crc32(bytes), data: tamper(index, bytes).toString('base64') }));
    if (a?.state !== 'got') return answers;
  }
  answer(encodeUpdate({ op: 'commit', update: 7 }));
  return answers;
}

const firmware = payloadOf(`var LB_FIRMWARE="${firmwareMarker('pager')}";` + 'x'.repeat(1500));
const leftovers = (storage: EspruinoStorage) => storage.list().filter((name) => name.startsWith('lb.u.'));

describe('UpdateReceiver', () => {
  it('stores checked chunks and, at the commit, asks the guard to install and restarts', () => {
    const { storage, receiver, restarts } = setup();
    const answers = send(receiver, 'firmware', firmware);
    expect(answers.map((a) => a.state)).toEqual(['ready', 'got', 'got', 'got', 'switching']); // 1 536 bytes: three chunks
    expect(storage.read('lb.u.new')).toBe(firmware.toString('latin1'));
    expect(storage.readJSON('lb.u.state', true)).toEqual({ s: 'install', u: 7, w: 'f', t: 90 });
    expect(storage.read('.bootcde')).toBe('old code'); // the guard installs it at the next boot
    expect(restarts()).toBe(1);
  });

  it('refuses a corrupted chunk, a short one, or one out of order, and keeps nothing', () => {
    for (const [tamper, reason] of [
      [(i: number, b: Buffer) => (i === 1 ? Buffer.concat([Buffer.from([b[0] ^ 1]), b.subarray(1)]) : b), 'chunk 1 is corrupt (checksum)'],
      [(i: number, b: Buffer) => (i === 2 ? b.subarray(0, 100) : b), 'chunk 2 has 100 bytes, expected 512'],
    ] as const) {
      const { storage, receiver, restarts } = setup();
      const answers = send(receiver, 'firmware', firmware, tamper);
      expect(answers.at(-1)).toEqual({ update: 7, state: 'refused', reason });
      expect([leftovers(storage), storage.read('.bootcde'), restarts()]).toEqual([[], 'old code', 0]);
    }
    const { receiver } = setup();
    receiver.handle(encodeUpdate({ op: 'begin', update: 7, what: 'firmware', size: 1000, crc: 1, chunks: 2, kind: 'pager', trialS: 90 }));
    expect(receiver.handle(encodeUpdate({ op: 'chunk', update: 7, index: 1, crc: 0, data: 'AAAA' }))).toMatchObject({ state: 'refused', reason: 'chunk 1 came before chunk 0' });
  });

  it('refuses firmware for the other kind, a device without the guard, and says "later" while it is busy', () => {
    const button = payloadOf(`var LB_FIRMWARE="${firmwareMarker('button')}";` + 'x'.repeat(100));
    expect(send(setup().receiver, 'firmware', button).at(-1)).toMatchObject({ state: 'refused', reason: 'this bundle is not pager firmware' });
    const { receiver } = setup();
    expect(receiver.handle(encodeUpdate({ op: 'begin', update: 7, what: 'firmware', size: 10, crc: 1, chunks: 1, kind: 'button', trialS: 90 }))).toMatchObject({ state: 'refused', reason: 'this is a pager, not a button' });
    expect(send(setup({ guard: false }).receiver, 'firmware', firmware)[0]).toMatchObject({ state: 'refused', reason: 'no update guard on this device: flash it once with npm run flash' });
    expect(send(setup({ blocker: 'an alert is open on this pager' }).receiver, 'firmware', firmware)[0]).toEqual({ update: 7, state: 'later', reason: 'an alert is open on this pager' });
  });

  it('merges settings into the stored configuration, and refuses settings the firmware could not use', () => {
    const good = setup();
    expect(send(good.receiver, 'config', payloadOf(JSON.stringify({ hub: { host: '10.0.0.9', port: 1884 } }))).at(-1)).toMatchObject({ state: 'switching' });
    expect(good.storage.readJSON('lb.u.newcfg', true)).toMatchObject({ id: 'pgr-anna', secret: 's', hub: { host: '10.0.0.9', port: 1884 } });
    const bad = setup();
    expect(send(bad.receiver, 'config', payloadOf(JSON.stringify({ hub: { host: '10.0.0.9', port: 0 } }))).at(-1)).toEqual({ update: 7, state: 'refused', reason: 'the configuration would not work: hub.port invalid' });
    expect(leftovers(bad.storage)).toEqual([]);
  });
});
