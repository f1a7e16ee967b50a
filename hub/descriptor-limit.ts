// Open files the hub may hold: every device, browser and database file takes
// one. Node raises its soft limit to the hard one at start (src/node.cc,
// PlatformInit), so what is left to check is the hard limit.
import { readFileSync } from 'node:fs';

/** Below this the hub says so at start: 500 devices, the dashboards and the database need far fewer, but a flood needs room. */
export const LOW_DESCRIPTOR_LIMIT = 4096;

/** The soft limit on open files now (Linux), or null where it cannot be read. */
export function openFileLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return null;
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** One line for the operator when the limit is low, else null. */
export function descriptorWarning(limit: number | null): string | null {
  if (limit === null || limit >= LOW_DESCRIPTOR_LIMIT) return null;
  return `loyalty-hub: only ${limit} open files allowed (ulimit -n): every device and browser takes one; raise it (LimitNOFILE=65536 in the service file, or ulimit -Hn)\n`;
}
