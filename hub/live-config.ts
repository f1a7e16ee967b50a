// The configuration in force and what the hub derives from it. A reload
// replaces it whole; every handler reads it afresh, so none keeps a stale copy.
import { UplinkAccess } from './broker/access.js';
import { weeklyHours, type HubConfig } from './config/schema.js';
import { DeviceDirectory } from './device-directory.js';
import type { WeeklyHours } from './domain/opening-hours.js';

export class LiveConfig {
  config!: HubConfig;
  directory!: DeviceDirectory;
  uplinkAccess!: UplinkAccess;
  hours!: WeeklyHours;

  constructor(config: HubConfig) {
    this.replace(config);
  }

  replace(config: HubConfig): void {
    this.config = config;
    this.directory = new DeviceDirectory(config);
    this.uplinkAccess = new UplinkAccess(config.site);
    this.hours = weeklyHours(config);
  }

  get site(): string {
    return this.config.site;
  }
}
