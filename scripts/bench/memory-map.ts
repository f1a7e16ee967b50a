// Where a process's anonymous memory is, from /proc/PID/smaps (Linux, glibc):
// the soak (#20) needs to place a slow growth that V8's own figures do not
// show. glibc's malloc serves the main thread from the "[heap]" mapping (brk)
// and every other thread that mallocs (the journal's worker with its SQLite
// connection, libuv's pool) from arenas of its own, made of 64 MiB reservations
// aligned to 64 MiB (HEAP_MAX_SIZE in glibc's malloc/arena.c): a rw part in use
// followed by a ---p part not yet. Everything else anonymous is V8's heap
// pages (its own mmaps), thread stacks and malloc's large blocks (each mmapped
// on its own above 128 KiB, or the threshold malloc has raised itself to).
import { readFileSync } from 'node:fs';

export interface AnonymousMemory {
  /** glibc's main arena: the main thread's malloc (Node's and the main SQLite connection's C++ and C heaps). */
  mainArenaBytes: number;
  /** glibc's arenas for other threads (the journal's worker, libuv's pool): their malloc. */
  threadArenasBytes: number;
  /** The rest: V8's heap pages (every isolate), stacks, large malloc blocks. */
  otherBytes: number;
}

const ARENA_HEAP_BYTES = 64 * 2 ** 20;

interface Mapping {
  start: number;
  end: number;
  perms: string;
  path: string;
  anonymousBytes: number;
}

export function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      mappings.push({ start: parseInt(header[1], 16), end: parseInt(header[2], 16), perms: header[3], path: header[4], anonymousBytes: 0 });
      continue;
    }
    const anonymous = /^Anonymous:\s+(\d+) kB/.exec(line);
    if (anonymous && mappings.length > 0) mappings[mappings.length - 1].anonymousBytes = Number(anonymous[1]) * 1024;
  }
  return mappings;
}

/** Sorts the mappings' anonymous memory into malloc's main arena, its thread arenas and the rest. */
export function classify(mappings: Mapping[]): AnonymousMemory {
  const memory: AnonymousMemory = { mainArenaBytes: 0, threadArenasBytes: 0, otherBytes: 0 };
  mappings.forEach((m, i) => {
    if (m.anonymousBytes === 0) return;
    if (m.path === '[heap]') memory.mainArenaBytes += m.anonymousBytes;
    else if (m.path === '' && isArenaHeap(m, mappings[i + 1])) memory.threadArenasBytes += m.anonymousBytes;
    else memory.otherBytes += m.anonymousBytes;
  });
  return memory;
}

/** A thread arena's heap: 64 MiB-aligned, in use up to its end and reserved (---p) up to 64 MiB, or all 64 MiB in use. */
function isArenaHeap(m: Mapping, next: Mapping | undefined): boolean {
  if (m.start % ARENA_HEAP_BYTES !== 0 || !m.perms.startsWith('rw')) return false;
  if (m.end - m.start === ARENA_HEAP_BYTES) return true;
  return next !== undefined && next.start === m.end && next.perms.startsWith('---') && next.path === '' && next.end - m.start === ARENA_HEAP_BYTES;
}

export function anonymousMemory(pid: number): AnonymousMemory {
  return classify(parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8')));
}
