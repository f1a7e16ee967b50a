// The configured devices and routes, looked up by id.
import type { DeviceKind } from '../shared/topics.js';
import type { DeviceConfig, HubConfig } from './config/schema.js';
import type { DeskDirectory } from './domain/incident-desk.js';
import type { Roster } from './domain/roster.js';
import type { Tiers } from './domain/routing.js';
import type { Language } from './i18n/languages.js';
import { say, translator, type Phrase } from './i18n/translate.js';

export class DeviceDirectory implements DeskDirectory {
  private readonly byId: Map<string, DeviceConfig>;

  /** `simulated`: ids of the devices the simulated shop added (they are not in the file). */
  constructor(
    private readonly config: HubConfig,
    private readonly simulated: readonly string[] = [],
    private readonly roster?: Roster,
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

  /** A phrase in the shop's language (the labels the desk makes: a closing summary, a mood alert). */
  say(phrase: Phrase): string {
    return say(translator(this.config.language), phrase);
  }

  /** The language a device's screen speaks: its own, or the shop's. */
  languageOf(id: string): Language {
    return this.byId.get(id)?.language ?? this.config.language;
  }

  /** Where a button stands (mood alerts, analytics, history): its location, or else its label. */
  placeOf(id: string): string {
    return this.byId.get(id)?.location ?? this.labelOf(id);
  }

  routeOf(buttonId: string): Tiers {
    return this.config.routes[buttonId] ?? this.config.defaultRoute;
  }

  /** Whoever wears the pager now, by name (the pager's label when nobody is configured). */
  personOf(pager: string): string {
    return this.roster ? this.roster.nameOf(pager) : this.labelOf(pager);
  }

  /** The managers' pagers: those listed in "managers" and those worn by a manager today; every pager when there are none. */
  supervisionRoute(): Tiers {
    const managers = [...new Set([...this.config.managers, ...(this.roster?.managerPagers(this.pagers()) ?? [])])];
    return [managers.length > 0 ? managers : this.pagers()];
  }
}
