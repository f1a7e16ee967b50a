import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SequenceCounter } from '../../../firmware/lib/sequence.js';
import { MAX_SEQ } from '../../../shared/limits.js';
import { EspruinoStorage } from '../../../firmware/shim/espruino-storage.js';

const storage = () => new EspruinoStorage(mkdtempSync(join(tmpdir(), 'lb-flash-')));

describe('SequenceCounter', () => {
  it('never repeats a number across reboots and writes flash once per block', () => {
    const flash = storage();
    let writes = 0;
    const counting = Object.assign(Object.create(flash), { write: (name: string, data: string) => (writes++, flash.write(name, data)) });
    const first = new SequenceCounter(counting, 'lb.seq', 0);
    const before = Array.from({ length: 25 }, () => first.next());
    expect(before).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(writes).toBe(2);
    const rebooted = new SequenceCounter(flash, 'lb.seq', 0);
    expect(rebooted.next()).toBeGreaterThan(25);
    expect(new SequenceCounter(storage(), 'lb.seq', 500).next()).toBe(501);
  });

  it('stops at MAX_SEQ, the top of what the hub accepts, instead of going past it or wrapping', () => {
    const counter = new SequenceCounter(storage(), 'lb.seq', MAX_SEQ - 2);
    expect([counter.next(), counter.next(), counter.next(), counter.next()]).toEqual([MAX_SEQ - 1, MAX_SEQ, 0, 0]);
  });
});
