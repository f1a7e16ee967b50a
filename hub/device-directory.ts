// The configured devices and routes, looked up by id.
import type { DeviceKind } from '../shared/topics.js';
import type { DeviceConfig, HubConfig } from './config/schema.js';
import type { DeskDirectory } from './domain/incident-desk.js';
import type { Tiers } from './domain/routing.js';

export class DeviceDirectory implements DeskDirectory {
  private readonly byId: Map<string, DeviceConfig>;

  /** `simulated`: ids of the devices the simulated shop added (they are not in the file). */
  constructor(
    private readonly config: HubConfig,
    private readonly simulated: readonly string[] = [],
  ) {
    this.byId = new Map(config.devices.map((device) => [device.id, device]));
  }

  /** Every configured device, in the file's order (simulated ones last). */
  all(): DeviceConfig[] {
    return this.config.devices;
  }

  isSimulated(id: string): boolean {
    return this.simulated.includes(id);
  }

  get(id: string): DeviceConfig | undefined {
    return this.byId.get(id);
  }

  kindOf(id: string): DeviceKind | undefined {
    return this.byId.get(id)?.kind;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  pagers(): string[] {
    return this.config.devices.filter((device) => device.kind === 'pager').map((device) => device.id);
  }

  labelOf(id: string): string {
    return this.byId.get(id)?.label ?? id;
  }

  routeOf(buttonId: string): Tiers {
    return this.config.routes[buttonId] ?? this.config.defaultRoute;
  }

  supervisionRoute(): Tiers {
    return [this.config.managers.length > 0 ? this.config.managers : this.pagers()];
  }
}
