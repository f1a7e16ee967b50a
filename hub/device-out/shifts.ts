// Shifts follow the clock: at closing every pager goes off shift and the
// day's pager swaps end; at opening the pagers of those scheduled for the day
// go on. Staff can still toggle on the pager. Each change is stored (with its
// time, so a hub that was off over a closing or opening catches up at start)
// and sent to the pager with who wears it and the causes it offers ("duty").
import { DateTime } from 'luxon';
import { encodeDuty } from '../../shared/payloads.js';
import type { Clock } from '../domain/clock.js';
import type { IncidentDesk } from '../domain/incident-desk.js';
import { isOpenAt, lastOpeningAndClosing } from '../domain/opening-hours.js';
import type { StaffView } from '../contract/api-types.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../log.js';
import type { DeviceStateRow } from '../store/device-store.js';
import type { Journal } from '../store/journal.js';
import type { Downlink } from './downlink.js';
import type { EffectRunner } from './effects.js';

export interface ShiftsDeps {
  live: LiveConfig;
  clock: Clock;
  log: Logger;
  desk: IncidentDesk;
  journal: Journal;
  downlink: Downlink;
  effects: EffectRunner;
}

export class Shifts {
  private readonly onShift = new Map<string, boolean>();

  constructor(private readonly deps: ShiftsDeps) {}

  isOnShift(pager: string): boolean {
    return this.onShift.get(pager) ?? true;
  }

  /**
   * At start-up: the stored states, except where the site opened or closed
   * since a pager's state last changed (the hub was off overnight): then
   * what the clock says now. Today's swaps are kept unless the site closed
   * since they were made.
   */
  restore(states: DeviceStateRow[]): void {
    const { live, clock } = this.deps;
    const now = clock.now();
    const { opened, closed } = lastOpeningAndClosing(live.hours, live.config.timeZone, now);
    const lastChange = Math.max(opened ?? -Infinity, closed ?? -Infinity);
    const byId = new Map(states.map((state) => [state.deviceId, state]));
    for (const state of states) {
      if (live.directory.kindOf(state.deviceId) !== 'pager' || !state.swapped) continue;
      if (closed !== null && (state.shiftChangedAt ?? -Infinity) < closed && live.config.shifts.endAtClosing) continue;
      live.roster.wear(state.deviceId, state.wornBy);
    }
    for (const pager of live.directory.pagers()) {
      const state = byId.get(pager);
      const stale = live.config.shifts.endAtClosing && (state?.shiftChangedAt ?? -Infinity) < lastChange;
      // Not told now (the broker is not up yet): a pager hears its duty when it subscribes.
      if (stale) this.set(pager, this.clockSays(pager, now), 'the site opened or closed while the hub was off', false);
      else this.apply(pager, state?.onShift ?? true);
    }
  }

  /** The site just opened: those scheduled today go on shift, the others stay off until they toggle. */
  opened(): void {
    if (!this.deps.live.config.shifts.endAtClosing) return;
    const now = this.deps.clock.now();
    for (const pager of this.deps.live.directory.pagers()) this.set(pager, this.clockSays(pager, now), 'opening time');
  }

  /** The site just closed: everyone goes off shift and wears their usual pager again tomorrow. */
  closed(): void {
    if (!this.deps.live.config.shifts.endAtClosing) return;
    const { live, journal } = this.deps;
    for (const { pager } of live.roster.swapList()) journal.submit({ op: 'wear', deviceId: pager, swapped: false, personId: null });
    live.roster.resetSwaps();
    for (const pager of live.directory.pagers()) this.set(pager, false, 'closing time');
  }

  /** Staff toggled the shift on the pager. */
  fromPager(pager: string, onShift: boolean): void {
    this.set(pager, onShift, 'toggled on the pager');
  }

  /** An owner or a manager put the pager on or off shift from the dashboard. Returns why not, or null. */
  fromDashboard(pager: string, onShift: boolean, user: string): string | null {
    if (this.deps.live.directory.kindOf(pager) !== 'pager') return `"${pager}" is not a pager`;
    this.set(pager, onShift, `set on the dashboard by ${user}`);
    return null;
  }

  /** For the rest of the day `personId` wears `pager` (null: nobody). Returns why not, or null. */
  wear(pager: string, personId: string | null): string | null {
    const { live, journal } = this.deps;
    if (live.directory.kindOf(pager) !== 'pager') return `"${pager}" is not a pager`;
    const before = live.roster.swapList();
    const refused = live.roster.wear(pager, personId);
    if (refused) return refused;
    const after = new Map(live.roster.swapList().map((swap) => [swap.pager, swap.personId]));
    for (const { pager: changed } of before) if (!after.has(changed)) journal.submit({ op: 'wear', deviceId: changed, swapped: false, personId: null });
    for (const [changed, id] of after) journal.submit({ op: 'wear', deviceId: changed, swapped: true, personId: id });
    this.deps.log.info({ pager, person: personId }, 'pager worn by someone else today');
    for (const changed of new Set([pager, ...before.map((swap) => swap.pager)])) this.tell(changed);
    return null;
  }

  /** Today's people and pagers, for the dashboard. */
  view(online: (pager: string) => boolean): StaffView {
    const { live } = this.deps;
    const swapped = new Set(live.roster.swapList().map((swap) => swap.pager));
    return {
      people: live.config.people.map((p) => ({ id: p.id, name: p.name, role: p.role, usualPager: p.pager ?? null, days: p.days ?? null })),
      pagers: live.directory.pagers().map((id) => {
        const wearer = live.roster.wearerOf(id);
        return { id, label: live.directory.labelOf(id), wearer: wearer?.id ?? null, wearerName: wearer?.name ?? null, swapped: swapped.has(id), onShift: this.isOnShift(id), online: online(id) };
      }),
    };
  }

  /** Sends the pager its duty: shift state, wearer, causes (when it subscribes, after a change, after a reload). */
  tell(pager: string): void {
    const { live } = this.deps;
    const wearer = live.roster.wearerOf(pager);
    this.deps.downlink.duty(pager, encodeDuty({ onShift: this.isOnShift(pager), wearer: wearer?.name, causes: live.config.causes }));
  }

  /** What the clock says for this pager now: off while closed; while open, on if its wearer works today. */
  private clockSays(pager: string, now: number): boolean {
    const { live } = this.deps;
    if (!isOpenAt(live.hours, live.config.timeZone, now)) return false;
    return live.roster.scheduled(pager, DateTime.fromMillis(now, { zone: live.config.timeZone }).weekday);
  }

  private set(pager: string, onShift: boolean, why: string, tell = true): void {
    const changed = this.isOnShift(pager) !== onShift;
    this.deps.journal.submit({ op: 'shift', deviceId: pager, onShift, at: this.deps.clock.now() });
    this.apply(pager, onShift);
    if (changed) this.deps.log.info({ pager, onShift, why }, 'shift change');
    if (tell) this.tell(pager);
  }

  private apply(pager: string, onShift: boolean): void {
    this.onShift.set(pager, onShift);
    this.deps.effects.apply(this.deps.desk.setPagerOnShift(pager, onShift));
  }
}
