// True press times without a real-time clock. The device's clock restarts at
// every boot, so a press is stored with the boot number and the device-clock
// time. The hub sends its wall clock when the device subscribes; the offset
// between the two is kept per boot in Storage. The age of a press from this
// boot is exact; from an earlier boot it is exact if that boot synced too,
// and 0 (delivery time) only for a press made before any sync of its boot.

import type { StorageApi } from '../hal/espruino-api.js';

interface ClockFile {
  boot: number;
  /** hub ms − device ms, per boot that synced. */
  offsets: { [boot: string]: number };
}

export class PressClock {
  readonly boot: number;
  private offsets: { [boot: string]: number };

  constructor(
    private readonly storage: StorageApi,
    private readonly fileName: string,
    private readonly deviceNow: () => number,
  ) {
    const stored = storage.readJSON(fileName, true) as ClockFile | undefined;
    this.boot = stored && isFinite(stored.boot) ? stored.boot + 1 : 1;
    this.offsets = stored && stored.offsets ? stored.offsets : {};
    this.save();
  }

  /** The hub's clock reading arrived. */
  sync(hubMs: number): void {
    const offset = hubMs - this.deviceNow();
    const known = this.offsets[String(this.boot)];
    this.offsets[String(this.boot)] = offset;
    // A drift under a second is not worth a flash write.
    if (known === undefined || Math.abs(known - offset) > 1000) this.save();
  }

  /** Hub time now, or null before the first sync of this boot. */
  hubNow(): number | null {
    const offset = this.offsets[String(this.boot)];
    return offset === undefined ? null : this.deviceNow() + offset;
  }

  /** How long ago a press happened, in ms, as the protocol's age field wants it. */
  ageOf(boot: number, at: number): number {
    const now = this.deviceNow();
    if (boot === this.boot) return Math.max(0, Math.round(now - at));
    const then = this.offsets[String(boot)];
    const current = this.offsets[String(this.boot)];
    if (then === undefined || current === undefined) return 0;
    return Math.max(0, Math.round(now + current - (at + then)));
  }

  /** Forgets offsets of boots no press refers to any more. */
  keepOnly(boots: number[]): void {
    const kept: { [boot: string]: number } = {};
    Object.keys(this.offsets).forEach((key) => {
      if (key === String(this.boot) || boots.indexOf(parseInt(key, 10)) >= 0) kept[key] = this.offsets[key];
    });
    if (Object.keys(kept).length !== Object.keys(this.offsets).length) {
      this.offsets = kept;
      this.save();
    }
  }

  private save(): void {
    this.storage.writeJSON(this.fileName, { boot: this.boot, offsets: this.offsets });
  }
}
