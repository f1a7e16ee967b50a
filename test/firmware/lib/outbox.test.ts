// The button's flash outbox, from source, on the shim's model of Espruino's
// Storage (StorageFiles are not plain files: firmware/shim/espruino-storage.ts).
import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../../../firmware/lib/outbox.js';
import { EspruinoStorage, STORAGEFILE_CHUNK_BYTES } from '../../../firmware/shim/espruino-storage.js';

const entry = (seq: number, kind: 'red' | 'green' = 'red'): OutboxEntry => ({ seq, kind, boot: 1, at: seq * 1000 });
const flashUse = (flash: EspruinoStorage) => flash.footprintOf('lb.outbox') + flash.footprintOf('lb.outbox2');

function loaded(flash: EspruinoStorage, capacity = 32): Outbox {
  const outbox = new Outbox(flash, 'lb.outbox', capacity);
  outbox.load();
  return outbox;
}

describe('Outbox', () => {
  it('keeps presses in flash until acknowledged, across a reload, in order', () => {
    const flash = new EspruinoStorage(null);
    const outbox = loaded(flash);
    for (const seq of [1, 2, 3, 4]) outbox.add(entry(seq));
    outbox.remove(2);
    const after = loaded(flash);
    expect(after.entries().map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(after.entries()[1]).toEqual(entry(3));
  });

  it('forgets acknowledged presses for good: a reboot after online presses has nothing to re-send', () => {
    // On a real device Storage.erase() left the StorageFile in place: every acknowledged press came back at boot.
    const flash = new EspruinoStorage(null);
    const outbox = loaded(flash);
    for (let seq = 1; seq <= 5; seq++) {
      outbox.add(entry(seq));
      outbox.remove(seq);
    }
    expect(loaded(flash).entries()).toEqual([]);
  });

  it('after 34 acknowledged presses and a power cut, the next red press is kept (it was dropped as "outbox full")', () => {
    const flash = new EspruinoStorage(null);
    const outbox = loaded(flash);
    for (let seq = 1; seq <= 34; seq++) {
      outbox.add(entry(seq));
      outbox.remove(seq);
    }
    const rebooted = loaded(flash);
    expect(rebooted.depth()).toBe(0);
    expect(rebooted.add(entry(35))).toEqual({ accepted: true, dropped: null });
  });

  it('does not grow in flash with presses delivered, online or after reboots', () => {
    const flash = new EspruinoStorage(null);
    let outbox = loaded(flash);
    let highest = 0;
    for (let seq = 1; seq <= 3000; seq++) {
      outbox.add(entry(seq));
      // Half the time the hub is slow and a few presses wait together.
      if (seq % 4 === 0) for (const e of outbox.entries()) outbox.remove(e.seq);
      if (seq % 250 === 0) outbox = loaded(flash);
      highest = Math.max(highest, flashUse(flash));
    }
    expect(highest).toBeLessThanOrEqual(3 * (STORAGEFILE_CHUNK_BYTES + 32));
    expect(flash.getStats().fileCount).toBeLessThanOrEqual(3);
  });

  it('stays bounded while presses stay pending for a long time (greens replaced by reds)', () => {
    const flash = new EspruinoStorage(null);
    const outbox = loaded(flash, 32);
    for (let seq = 1; seq <= 2000; seq++) outbox.add(entry(seq, seq % 3 === 0 ? 'red' : 'green'));
    expect(outbox.depth()).toBe(32);
    expect(flashUse(flash)).toBeLessThanOrEqual(3 * (STORAGEFILE_CHUNK_BYTES + 32));
    expect(loaded(flash).entries()).toEqual(outbox.entries());
  });

  it('a power cut while it starts afresh loses nothing: both files are read and merged', () => {
    const flash = new EspruinoStorage(null);
    flash.open('lb.outbox', 'a').write('P 1 r 1 1000\nP 2 r 1 2000\nA 1\n');
    // The restart wrote the pending press to the second file, and the power went before the first was erased.
    flash.open('lb.outbox2', 'a').write('P 2 r 1 2000\n');
    const outbox = loaded(flash);
    expect(outbox.entries()).toEqual([entry(2)]);
    expect(loaded(flash).entries()).toEqual([entry(2)]);
  });

  it('when full, gives up green presses before red ones, and counts what it dropped', () => {
    const outbox = loaded(new EspruinoStorage(null), 3);
    outbox.add(entry(1, 'red'));
    outbox.add(entry(2, 'green'));
    outbox.add(entry(3, 'red'));
    expect(outbox.add(entry(4, 'green'))).toEqual({ accepted: false, dropped: entry(4, 'green') });
    expect(outbox.add(entry(5, 'red'))).toEqual({ accepted: true, dropped: entry(2, 'green') });
    expect(outbox.add(entry(6, 'red'))).toEqual({ accepted: false, dropped: entry(6, 'red') });
    expect(outbox.entries().map((e) => e.seq)).toEqual([1, 3, 5]);
  });

  it('ignores a torn last line (power cut mid-write), and the next press does not continue it', () => {
    const flash = new EspruinoStorage(null);
    flash.open('lb.outbox', 'a').write('P 1 r 1 1000\nP 2 g 1 2');
    const outbox = loaded(flash);
    // "P 2 g 1 2" could be "P 2 g 1 2000" cut short: a record counts only with its newline.
    expect(outbox.entries().map((e) => [e.seq, e.kind, e.at])).toEqual([[1, 'red', 1000]]);
    outbox.add(entry(3));
    expect(loaded(flash).entries().map((e) => e.seq)).toEqual([1, 3]);
  });
});
