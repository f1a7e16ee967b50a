// Which hub runs on a data directory: its pid in `loyalty-hub.pid`, written
// when it starts and removed when it stops. A file left by a hub that died
// (kill -9, power cut) names a process that no longer exists and counts as none.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'loyalty-hub.pid';

/** The pid of the hub running on `dataDir`, or null. */
export function runningHub(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the service's): it runs.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export function markRunning(dataDir: string): void {
  writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`);
}

export function markStopped(dataDir: string): void {
  try {
    if (Number(readFileSync(join(dataDir, PID_FILE), 'utf8').trim()) === process.pid) rmSync(join(dataDir, PID_FILE), { force: true });
  } catch {
    // no file: nothing to remove
  }
}
