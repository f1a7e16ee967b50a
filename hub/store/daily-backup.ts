// The daily backup the running hub makes when `backup.dir` is configured:
// once a day at `backup.at` local time (or at the first tick after it, when
// the hub was off then), into `loyalty-hub-YYYY-MM-DD.db`, keeping the newest
// `backup.keep`. Failures are logged and tried again the next day.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import { backup, dailyBackupName, pruneDailyBackups } from './backup.js';

export interface DailyBackupSettings {
  dir: string;
  /** "HH:MM", local time. */
  at: string;
  keep: number;
  timeZone: string;
}

/** The daily backup's settings in force, or null when none is configured. */
export function dailyBackupSettings(config: HubConfig, dataDir: string): DailyBackupSettings | null {
  return config.backup ? { dir: resolve(dataDir, config.backup.dir), at: config.backup.at, keep: config.backup.keep, timeZone: config.timeZone } : null;
}

export class DailyBackup {
  private doneFor: string | null = null;
  private running = false;

  constructor(
    private readonly dataDir: string,
    private settings: () => DailyBackupSettings | null,
    private readonly log: Logger,
  ) {}

  /** Starts today's backup when it is due and not made yet; returns the promise of it (tests wait on it), or null. */
  tick(now: number): Promise<void> | null {
    const settings = this.settings();
    if (!settings || this.running) return null;
    const local = DateTime.fromMillis(now, { zone: settings.timeZone });
    const date = local.toFormat('yyyy-MM-dd');
    if (this.doneFor === date || local.toFormat('HH:mm') < settings.at) return null;
    const file = join(settings.dir, dailyBackupName(date));
    if (existsSync(file)) {
      this.doneFor = date;
      return null;
    }
    this.running = true;
    return this.make(settings, file, date).finally(() => {
      this.running = false;
    });
  }

  private async make(settings: DailyBackupSettings, file: string, date: string): Promise<void> {
    try {
      mkdirSync(settings.dir, { recursive: true });
      const { bytes } = await backup(this.dataDir, file);
      const removed = pruneDailyBackups(settings.dir, settings.keep);
      this.doneFor = date;
      this.log.info({ file, bytes, removed }, 'daily backup made');
    } catch (error) {
      this.doneFor = date; // once a day: a full disk is not hammered every tick
      this.log.error({ file, error: (error as Error).message }, 'daily backup failed: trying again tomorrow');
    }
  }
}
