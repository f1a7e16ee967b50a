// The configured devices and routes, looked up by id.
import type { DeviceKind } from '../shared/topics.js';
import type { DeviceConfig, HubConfig } from './config/schema.js';
import type { DeskDirectory } from './domain/incident-desk.js';
import type { Tiers } from './domain/routing.js';

export class DeviceDirectory implements DeskDirectory {
  private readonly byId: Map<string, DeviceConfig>;

  constructor(private readonly config: HubConfig) {
    this.byId = new Map(config.devices.map((device) => [device.id, device]));
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
