// What a button's flash outbox holds, read the way the firmware reads it (its
// StorageFiles, not plain files), without changing it: for tests and chaos.
import type { EspruinoStorage } from './espruino-storage.js';

export const OUTBOX_FILES = ['lb.outbox', 'lb.outbox2'];

/** Sequence numbers of the presses still waiting in the outbox for the hub's PUBACK. */
export function pendingInOutbox(storage: EspruinoStorage): number[] {
  const pressed: number[] = [];
  const done = new Set<number>();
  for (const name of OUTBOX_FILES) {
    for (const line of (storage.storageFileText(name) ?? '').split('\n')) {
      const [type, seq, , , at] = line.split(' ');
      if (type === 'P' && at !== undefined) pressed.push(Number(seq));
      else if (type === 'A' && seq !== undefined) done.add(Number(seq));
    }
  }
  return [...new Set(pressed.filter((seq) => !done.has(seq)))].sort((a, b) => a - b);
}

/** Flash bytes the outbox takes (both files, headers included). */
export function outboxFootprint(storage: EspruinoStorage): number {
  return OUTBOX_FILES.reduce((bytes, name) => bytes + storage.footprintOf(name), 0);
}
