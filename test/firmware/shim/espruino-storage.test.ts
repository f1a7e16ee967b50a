// The shim's Storage against what Espruino 2v29's sources say it does
// (src/jsflash.c, src/jswrap_storage.c): the behaviours firmware relies on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EspruinoStorage, STORAGEFILE_CHUNK_BYTES } from '../../../firmware/shim/espruino-storage.js';

describe('Espruino Storage model', () => {
  it('keeps a StorageFile apart from plain files: erase(name) and read(name) do not see it, its own erase() does', () => {
    const flash = new EspruinoStorage(null);
    flash.open('log', 'a').write('one\n');
    flash.open('log', 'a').write('two\n');
    expect(flash.read('log')).toBeUndefined();
    flash.erase('log');
    expect(flash.storageFileText('log')).toBe('one\ntwo\n');
    expect(flash.list()).toEqual(['log\u0001']);
    flash.open('log', 'r').erase();
    expect(flash.storageFileText('log')).toBeUndefined();
    expect(flash.list()).toEqual([]);
  });

  it('spreads a StorageFile over chunks and reads it back line by line', () => {
    const flash = new EspruinoStorage(null);
    const line = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 100; i++) flash.open('big', 'a').write(line);
    const file = flash.open('big', 'r');
    let lines = 0;
    for (let l = file.readLine(); l !== undefined; l = file.readLine()) {
      expect(l).toBe(line);
      lines++;
    }
    expect(lines).toBe(100);
    expect(flash.footprintOf('big')).toBe(3 * (STORAGEFILE_CHUNK_BYTES + 32)); // 10 000 bytes in 4 064-byte chunks
    expect(() => flash.open('big', 'r').write('no')).toThrow("Can't write in this mode");
  });

  it('writes a new copy for every change and keeps the old one as trash until a compaction; an identical write costs nothing', () => {
    const flash = new EspruinoStorage(null);
    flash.write('cfg', 'a');
    const free = flash.getFree();
    flash.write('cfg', 'a');
    expect(flash.getFree()).toBe(free);
    flash.write('cfg', 'b');
    expect(flash.getFree()).toBe(free - 36);
    expect(flash.getStats()).toMatchObject({ fileCount: 1, trashCount: 1 });
    flash.compact();
    expect(flash.getStats()).toMatchObject({ fileCount: 1, trashCount: 0, trashBytes: 0 });
  });

  it('runs out of space, compacts by itself when trash would make room, and throws when it would not', () => {
    const flash = new EspruinoStorage(null, { totalBytes: 8192 });
    for (let i = 0; i < 100; i++) flash.write('f', 'x'.repeat(1000) + i); // each rewrite leaves ~1 KB of trash
    expect(flash.wear.compactions).toBeGreaterThan(10);
    expect(flash.read('f')).toBe('x'.repeat(1000) + 99);
    expect(() => flash.write('huge', 'y'.repeat(9000))).toThrow('Unable to find or create file');
  });

  it('programs flash like NOR: a write over data already there is refused for a file, garbles it for a stale StorageFile handle', () => {
    const flash = new EspruinoStorage(null);
    flash.write('pre', 'abc', 0, 10);
    expect(() => flash.write('pre', 'zzz', 1)).toThrow('File already written with different data');
    const stale = flash.open('log', 'a');
    flash.open('log', 'a').write('AAAA');
    stale.write('\u0001'); // the stale handle still thinks the chunk is empty
    expect(flash.storageFileText('log')).toBe('\u0001AAA');
  });

  it('survives a power cut: the flash is replayed from its journal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-flash-'));
    const flash = new EspruinoStorage(dir);
    flash.writeJSON('clock', { boot: 3, offsets: { '1': 5 } });
    flash.open('log', 'a').write('P 1\n');
    flash.write('cfg', 'x');
    flash.erase('cfg');
    const again = new EspruinoStorage(dir);
    expect(again.read('clock')).toBe('{boot:3,offsets:{"1":5}}'); // Espruino's writeJSON drops quotes of identifiers
    expect(again.readJSON('clock', false)).toEqual({ boot: 3, offsets: { '1': 5 } });
    expect(again.storageFileText('log')).toBe('P 1\n');
    expect(again.read('cfg')).toBeUndefined();
    expect(again.getStats()).toEqual(flash.getStats());
  });
});
