// Press sequence numbers that never repeat, even across reboots, without a
// flash write per press: numbers are reserved in blocks, and the reservation
// is written before the first number of a block is handed out. A reboot
// skips the rest of the block, which is fine: numbers must be unique, not dense.

import { MAX_SEQ } from '../../shared/limits.js';
import type { StorageApi } from '../hal/espruino-api.js';

const BLOCK = 20;

export class SequenceCounter {
  private current: number;
  private reserved: number;

  /** `floor`: no number at or below it is handed out (the outbox's highest, the flasher's start). */
  constructor(
    private readonly storage: StorageApi,
    private readonly fileName: string,
    floor: number,
  ) {
    const stored = parseInt(storage.read(fileName) || '0', 10);
    this.current = Math.max(isFinite(stored) ? stored : 0, floor);
    this.reserved = this.current;
  }

  /** The next number, or 0 once MAX_SEQ is used up (the hub accepts nothing above it; wrapping would repeat numbers). */
  next(): number {
    if (this.current >= MAX_SEQ) return 0;
    if (this.current + 1 > this.reserved) {
      this.reserved = Math.min(this.current + BLOCK, MAX_SEQ);
      this.storage.write(this.fileName, String(this.reserved));
    }
    this.current += 1;
    return this.current;
  }
}
