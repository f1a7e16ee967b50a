// Whether a press is already stored, usually without asking the database.
//
// Buttons number presses upward and send them in order, so a press numbered
// above the highest seen from its device is certainly new: no query. Only a
// press at or below that mark (a retransmission, or an older press from an
// outbox after a gap) is looked up. The mark is raised when a press is
// submitted, before its commit, so it is never below a stored press; a press
// whose commit failed is simply looked up and found missing.
import type { LogStore } from '../store/log-store.js';

export class StoredPresses {
  private readonly highest = new Map<string, number>();

  constructor(private readonly store: LogStore) {
    for (const { deviceId, seq } of store.highestSeqs()) this.highest.set(deviceId, seq);
  }

  /** Whether (device, seq) is committed. */
  has(deviceId: string, seq: number): boolean {
    const highest = this.highest.get(deviceId);
    if (highest === undefined || seq > highest) return false;
    return this.store.pressExists(deviceId, seq);
  }

  /** Call for every press handed to the journal. */
  submitted(deviceId: string, seq: number): void {
    if (seq > (this.highest.get(deviceId) ?? 0)) this.highest.set(deviceId, seq);
  }
}
