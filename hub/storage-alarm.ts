// The hub's own disk: when commits fail (full, read-only) presses stay in the
// buttons unacknowledged; the managers are paged once and the dashboard says
// so until a commit succeeds again.
import type { Clock } from './domain/clock.js';
import type { Logger } from './log.js';
import { phrase, type Phrase } from './i18n/translate-options.js';

/** Free space the disk must have again before the alarm clears: a nearly full disk lets small commits through and fails the next. */
const RECOVERY_FREE_BYTES = 1024 * 1024;

export class StorageAlarm {
  /** Since when commits fail, or null. */
  private failingSince: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Runs when the alarm is raised (true) or cleared (false). */
    private readonly onChange: (raised: boolean) => void,
    /** Bytes free on the data directory's disk, or null when unknown. */
    private readonly freeBytes: () => number | null = () => null,
  ) {}

  failed(error: Error): void {
    if (this.failingSince !== null) return;
    this.failingSince = this.clock.now();
    this.log.error({ error: error.message }, 'storage failing: presses are not acknowledged until the disk accepts writes');
    this.onChange(true);
  }

  committed(): void {
    if (this.failingSince === null) return;
    const free = this.freeBytes();
    if (free !== null && free < RECOVERY_FREE_BYTES) return; // not yet: the next press would fail again
    this.failingSince = null;
    this.log.warn('storage recovered');
    this.onChange(false);
  }

  /** What the dashboard shows above everything else. */
  messages(): Phrase[] {
    if (this.failingSince === null) return [];
    const since = new Date(this.failingSince).toISOString();
    return [phrase('The hub cannot write to its disk (since {{since}}): presses stay in the buttons, unacknowledged, until it can. Free disk space or fix the data directory.', { since })];
  }
}
