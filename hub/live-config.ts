// The configuration in force and what the hub derives from it. A reload
// replaces it whole; every handler reads it afresh, so none keeps a stale copy.
import type { MoodSettings } from './domain/mood-watch.js';
import { HEARTBEAT_PERIOD_S } from '../shared/limits.js';
import { UplinkAccess } from './broker/access.js';
import { weeklyHours, type HubConfig } from './config/schema.js';
import { DeviceDirectory } from './device-directory.js';
import type { WatchSettings } from './domain/device-watch.js';
import type { DeskTimings } from './domain/incident-desk.js';
import type { WeeklyHours } from './domain/opening-hours.js';
import { Roster } from './domain/roster.js';

export class LiveConfig {
  config!: HubConfig;
  directory!: DeviceDirectory;
  uplinkAccess!: UplinkAccess;
  hours!: WeeklyHours;
  /** Who wears which pager: kept across reloads (today's swaps stay). */
  readonly roster = new Roster([], (id) => id);

  constructor(config: HubConfig, simulated: readonly string[] = []) {
    this.replace(config, simulated);
  }

  /** `simulated`: ids of the devices the simulated shop added to `config`. */
  replace(config: HubConfig, simulated: readonly string[] = []): void {
    this.config = config;
    this.directory = new DeviceDirectory(config, simulated, this.roster);
    const directory = this.directory;
    this.roster.reconfigure(config.people, (id) => directory.labelOf(id));
    this.uplinkAccess = new UplinkAccess(config.site);
    this.hours = weeklyHours(config);
  }

  get site(): string {
    return this.config.site;
  }

  /** The incident desk's timings, in ms. */
  deskTimings(): DeskTimings {
    const t = this.config.timings;
    return { foldWindowMs: t.foldWindowS * 1000, rebuzzMs: t.rebuzzS * 1000, escalateMs: t.escalateS * 1000, retriggerMs: t.retriggerS * 1000, latePressMs: t.latePressS * 1000, updateBuzzGapMs: t.updateBuzzGapS * 1000, reopenWindowMs: t.reopenWindowS * 1000 };
  }

  /** The device watch's settings, in ms. */
  watchSettings(): WatchSettings {
    const battery = this.config.battery;
    return {
      heartbeatMs: HEARTBEAT_PERIOD_S * 1000,
      offlineGraceMs: this.config.timings.offlineGraceS * 1000,
      lowBatteryMv: this.config.lowBatteryMv,
      lowBatteryPercent: battery.lowPercent,
      batteryWarnMinutes: battery.warnMinutes,
      expectedBatteryDrainPerHour: battery.expectedDrainPerHour,
    };
  }

  /** The mood alert's settings, in ms and shares. */
  moodSettings(): MoodSettings {
    const m = this.config.moodAlert;
    return { enabled: m.enabled, windowMs: m.windowMinutes * 60_000, minResponses: m.minResponses, redShare: m.redSharePercent / 100 };
  }
}
