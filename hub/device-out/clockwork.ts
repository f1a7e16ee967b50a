// What the passing of time brings, checked at every hub tick: the site
// opening and closing (a summary to the managers at closing), devices going
// missing or low on battery (a missing pager gives back what it held), the
// desk's re-buzz, escalation and re-trigger, updates over the air, and the
// owner's news (the daily digest, push notifications to try again).
import type { Clock } from '../domain/clock.js';
import type { DeviceWatch } from '../domain/device-watch.js';
import type { IncidentDesk } from '../domain/incident-desk.js';
import { closesAt, isOpenAt } from '../domain/opening-hours.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../log.js';
import type { EffectRunner } from './effects.js';
import type { DailyBackup } from '../store/daily-backup.js';
import type { OwnerNews } from '../news/owner-news.js';
import type { Shifts } from './shifts.js';
import type { HeadOfficeNews } from '../uplink/head-office-news.js';
import type { UpdateSender } from './updates.js';

export interface ClockworkDeps {
  live: LiveConfig;
  clock: Clock;
  log: Logger;
  desk: IncidentDesk;
  watch: DeviceWatch;
  effects: EffectRunner;
  updates: UpdateSender;
  shifts: Shifts;
  backups: DailyBackup;
  news: OwnerNews;
  /** With an uplink: alarms and the day's figures for the head office. */
  headOffice?: HeadOfficeNews;
}

export class Clockwork {
  /** Whether the site was open at the last tick (undefined before the first). */
  private wasOpen: boolean | undefined;

  constructor(private readonly deps: ClockworkDeps) {}

  tick(): void {
    const { live, clock, desk, effects } = this.deps;
    const now = clock.now();
    const siteOpen = isOpenAt(live.hours, live.config.timeZone, now);
    const closing = siteOpen ? closesAt(live.hours, live.config.timeZone, now) : null;
    // The moment the site closes, the managers hear once what is still open, and everyone goes off shift.
    const closedNow = this.wasOpen === true && !siteOpen;
    if (closedNow) {
      effects.apply(desk.closingSummary());
      this.deps.shifts.closed();
    }
    if (this.wasOpen === false && siteOpen) this.deps.shifts.opened();
    this.wasOpen = siteOpen;
    this.superviseDevices(now, siteOpen, closing);
    effects.apply(desk.tick(siteOpen));
    this.deps.updates.tick();
    void this.deps.backups.tick(now);
    this.deps.news.tick(now);
    this.deps.headOffice?.tick(now, closedNow);
  }

  private superviseDevices(now: number, siteOpen: boolean, closing: number | null): void {
    const { live, desk, effects, watch, log } = this.deps;
    for (const change of watch.check(now, siteOpen, closing)) {
      let detail = change.detail;
      if (change.change === 'raise' && change.problem === 'missing' && live.directory.kindOf(change.device) === 'pager') {
        // Whatever the missing pager held goes back to routing now, and its alert says what it held.
        const released = desk.pagerMissing(change.device);
        effects.apply(released.effects);
        if (released.held.length > 0) detail += `; it held ${released.held.join(', ')}`;
      }
      log.warn({ device: change.device, problem: change.problem, change: change.change, detail }, 'device problem');
      effects.apply(change.change === 'raise' ? desk.raiseDeviceProblem(change.device, change.problem, detail) : desk.clearDeviceProblem(change.device, change.problem, detail));
    }
  }
}
