// The soak's memory attribution (#20): glibc's arenas told apart from the
// rest of a process's anonymous memory, from a smaps text and from this very
// process (a worker thread that mallocs gets an arena of its own).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { anonymousMemory, classify, parseSmaps } from '../../../scripts/bench/memory-map.js';

const MiB = 2 ** 20;
const hex = (n: number) => n.toString(16).padStart(12, '0');
const mapping = (start: number, bytes: number, perms: string, path: string, anonymousKb: number) =>
  `${hex(start)}-${hex(start + bytes)} ${perms} 00000000 00:00 0 ${path}\nSize: ${bytes / 1024} kB\nRss: ${anonymousKb} kB\nAnonymous: ${anonymousKb} kB\n`;

describe("the soak's memory map", () => {
  it('counts [heap] as the main arena, 64 MiB-aligned reservations as thread arenas, and the rest apart', () => {
    const arena = 0x7f00_0000_0000; // a multiple of 64 MiB
    const smaps = [
      mapping(0x5555_0000_0000, 8 * MiB, 'rw-p', '[heap]', 6000),
      mapping(arena, 3 * MiB, 'rw-p', '', 2500),
      mapping(arena + 3 * MiB, 61 * MiB, '---p', '', 0),
      mapping(arena + 64 * MiB, 64 * MiB, 'rw-p', '', 1000), // a whole heap in use
      mapping(arena + 129 * MiB, 2 * MiB, 'rw-p', '', 700), // not aligned: V8 pages, a large malloc
      mapping(0x7f10_0000_0000, 1 * MiB, 'r-xp', '/usr/bin/node', 0),
    ].join('');
    expect(classify(parseSmaps(smaps))).toEqual({ mainArenaBytes: 6000 * 1024, threadArenasBytes: 3500 * 1024, otherBytes: 700 * 1024 });
  });

  it("finds a worker thread's malloc in the thread arenas of a live process", async () => {
    const before = anonymousMemory(process.pid);
    // Blocks below malloc's mmap threshold (128 KiB), malloc'd by the worker's thread: an ArrayBuffer's memory, touched.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const keep = []; for (let i = 0; i < 300; i++) keep.push(new Uint8Array(64 * 1024).fill(1));
       parentPort.postMessage('done'); setTimeout(() => keep.length, 60000);`,
      { eval: true },
    );
    await new Promise((resolve) => worker.once('message', resolve));
    const after = anonymousMemory(process.pid);
    await worker.terminate();
    expect(after.threadArenasBytes - before.threadArenasBytes).toBeGreaterThan(10 * MiB);
  });
});
