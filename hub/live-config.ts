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

  constructor(config: HubConfig, simulated: readonly string[] = []) {
    this.replace(config, simulated);
  }

  /** `simulated`: ids of the devices the simulated shop added to `config`. */
  replace(config: HubConfig, simulated: readonly string[] = []): void {
    this.config = config;
    this.directory = new DeviceDirectory(config, simulated);
    this.uplinkAccess = new UplinkAccess(config.site);
    this.hours = weeklyHours(config);
  }

  get site(): string {
    return this.config.site;
  }
}
