// Bytes free for the hub on the disk holding `dir` (what an unprivileged writer may use).
import { statfsSync } from 'node:fs';

export function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}
