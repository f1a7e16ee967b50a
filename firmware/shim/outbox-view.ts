// What a button's flash outbox holds, read the way the firmware reads it (its
// StorageFiles, not plain files), without changing it: for tests and chaos.
import { readOutboxFiles } from '../lib/outbox.js';
import type { EspruinoStorage } from './espruino-storage.js';

export const OUTBOX_FILES = ['lb.outbox', 'lb.outbox2'];

/** Sequence numbers of the presses still waiting in the outbox for the hub's PUBACK. */
export function pendingInOutbox(storage: EspruinoStorage): number[] {
  return readOutboxFiles(storage, OUTBOX_FILES).pending.map((entry) => entry.seq);
}

/** Flash bytes the outbox takes (both files, headers included). */
export function outboxFootprint(storage: EspruinoStorage): number {
  return OUTBOX_FILES.reduce((bytes, name) => bytes + storage.footprintOf(name), 0);
}
