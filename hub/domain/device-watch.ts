// Supervision: decides when a device counts as missing or low on battery.
// Pure: it is told what happened and when, and asked what changed.
import { BatteryGauge, type BatteryOutlook } from './battery-gauge.js';

export interface WatchSettings {
  /** Devices report at least this often. Two missed heartbeats make a device missing. */
  heartbeatMs: number;
  /** A dropped connection counts only after this long, so a Wi-Fi blip pages nobody. */
  offlineGraceMs: number;
  /** Below this battery voltage (mV) a device raises "battery" whatever else is known. 0 in a heartbeat means "no battery measured". */
  lowBatteryMv: number;
  /** At or below this charge (percent) a device raises "battery"… */
  lowBatteryPercent: number;
  /** …and so does one expected to run out within this many minutes, or before the site closes. */
  batteryWarnMinutes: number;
  /** Points of charge a pager uses in an hour, until its own readings show its drain (npm run power: ~7.8 on 400 mAh). */
  expectedBatteryDrainPerHour: number;
}

/** Charge (points) above the low mark before "battery" clears. */
const BATTERY_HYSTERESIS_PERCENT = 5;
/**
 * Minutes added to the warning time, so that the warning arrives at least
 * that long before the battery runs out: the verdict must hold for
 * BATTERY_HOLD_HEARTBEATS, and a trend over the last hour lags a drain that
 * speeds up.
 */
const BATTERY_WARN_MARGIN_MINUTES = 15;
/** Minutes beyond that a battery must have left before "battery" clears. */
const BATTERY_HYSTERESIS_MINUTES = 15;

/** Voltage the battery must climb back above before the low-battery problem clears. */
const BATTERY_HYSTERESIS_MV = 150;
/**
 * How long a battery reading must stay low (or good) before the problem is
 * raised (or cleared), in heartbeat periods: one reading is not enough, the
 * next must agree. A battery that reads low and good by turns (a loose
 * contact, a reading at the threshold) pages nobody instead of a page a second.
 */
const BATTERY_HOLD_HEARTBEATS = 1.5;

export type Problem = 'missing' | 'battery';

export interface ProblemChange {
  device: string;
  problem: Problem;
  change: 'raise' | 'clear';
  detail: string;
}

interface DeviceState {
  online: boolean;
  /** Connected at least once since watching began. */
  seen: boolean;
  /** Never connected at all (registered, not yet flashed or switched on): waiting, not missing. */
  awaitingFirst: boolean;
  /** When the device went offline (or when watching began, for one not seen yet). */
  offlineSince: number;
  lastHeartbeatAt: number;
  batteryMv: number | null;
  /** When the last battery reading came: a verdict it brings counts from then, not from the next check. */
  batteryReadAt: number;
  gauge: BatteryGauge;
  /** Since when every verdict was low, or good; null when the last one was not. */
  batteryLowSince: number | null;
  batteryGoodSince: number | null;
  raised: Set<Problem>;
}

export class DeviceWatch {
  private readonly devices = new Map<string, DeviceState>();

  constructor(
    private settings: WatchSettings,
    private readonly startedAt: number,
  ) {}

  reconfigure(settings: WatchSettings): void {
    this.settings = settings;
  }

  /** The set of devices to watch; new ones start as "not seen since the hub started". */
  /**
   * `neverConnected`: devices that have not connected once, ever (a device
   * registered before it is flashed): they wait for their first connection
   * and are not missing until they have had one.
   */
  watch(deviceIds: string[], neverConnected: ReadonlySet<string> = new Set()): void {
    const wanted = new Set(deviceIds);
    for (const id of this.devices.keys()) if (!wanted.has(id)) this.devices.delete(id);
    for (const id of deviceIds) if (!this.devices.has(id)) this.devices.set(id, { ...this.fresh(), awaitingFirst: neverConnected.has(id) });
  }

  connected(device: string, now: number): void {
    const state = this.devices.get(device);
    if (!state) return;
    state.online = true;
    state.seen = true;
    state.awaitingFirst = false;
    // A connection counts as a sign of life: the first heartbeat may take a period to come.
    state.lastHeartbeatAt = now;
  }

  disconnected(device: string, now: number): void {
    const state = this.devices.get(device);
    if (!state || !state.online) return;
    state.online = false;
    state.offlineSince = now;
  }

  heartbeat(device: string, batteryMv: number, now: number): void {
    const state = this.devices.get(device);
    if (!state) return;
    state.lastHeartbeatAt = now;
    state.batteryMv = batteryMv;
    state.batteryReadAt = now;
    state.gauge.add(now, batteryMv);
  }

  /** Charge and time to empty, for the dashboard; null without a battery reading. */
  batteryOutlook(device: string): BatteryOutlook | null {
    return this.devices.get(device)?.gauge.outlook() ?? null;
  }

  /**
   * Problems that began or ended. "missing" is raised only while the site is
   * open (a device switched off at night is fine); it clears whenever the
   * device is back. "battery" is raised for a battery that is low, or will
   * run out within the warning time or before `closesAt` (when the site is
   * open and closes).
   */
  check(now: number, siteOpen: boolean, closesAt: number | null = null): ProblemChange[] {
    const changes: ProblemChange[] = [];
    for (const [device, state] of this.devices) {
      const missingReason = this.missingReason(state, now);
      if (missingReason && siteOpen) this.transition(state, device, 'missing', 'raise', missingReason, changes);
      if (!missingReason) this.transition(state, device, 'missing', 'clear', 'device is back', changes);

      const verdict = this.batteryVerdict(state, now, siteOpen ? closesAt : null);
      state.batteryLowSince = verdict.low ? (state.batteryLowSince ?? state.batteryReadAt) : null;
      state.batteryGoodSince = verdict.good ? (state.batteryGoodSince ?? state.batteryReadAt) : null;
      const hold = BATTERY_HOLD_HEARTBEATS * this.settings.heartbeatMs;
      if (state.batteryLowSince !== null && now - state.batteryLowSince >= hold) {
        this.transition(state, device, 'battery', 'raise', verdict.detail, changes);
      } else if (state.batteryGoodSince !== null && now - state.batteryGoodSince >= hold) {
        this.transition(state, device, 'battery', 'clear', verdict.detail, changes);
      }
    }
    return changes;
  }

  /** Low: needs charging now. Good: clearly fine (with a margin, so a reading near a mark pages nobody twice). Neither: leave as it is. */
  private batteryVerdict(state: DeviceState, now: number, closesAt: number | null): { low: boolean; good: boolean; detail: string } {
    const mv = state.batteryMv;
    if (mv === null || mv === 0) return { low: false, good: true, detail: 'no battery reading' };
    const s = this.settings;
    const outlook = state.gauge.outlook();
    if (!outlook) return { low: mv < s.lowBatteryMv, good: mv >= s.lowBatteryMv + BATTERY_HYSTERESIS_MV, detail: `battery at ${mv} mV` };
    const left = outlook.minutesLeft;
    const untilClosing = closesAt === null ? null : Math.ceil((closesAt - now) / 60_000);
    const detail =
      `${outlook.percent} %` +
      (left === null ? ', not draining' : `, about ${formatMinutes(left)} left`) +
      (untilClosing !== null && left !== null && left < untilClosing ? `, closing in ${formatMinutes(untilClosing)}` : '');
    const warnMinutes = s.batteryWarnMinutes + BATTERY_WARN_MARGIN_MINUTES;
    const low = mv < s.lowBatteryMv || outlook.percent <= s.lowBatteryPercent || (left !== null && (left < warnMinutes || (untilClosing !== null && left < untilClosing)));
    const good =
      mv >= s.lowBatteryMv + BATTERY_HYSTERESIS_MV &&
      outlook.percent >= s.lowBatteryPercent + BATTERY_HYSTERESIS_PERCENT &&
      (left === null || (left >= warnMinutes + BATTERY_HYSTERESIS_MINUTES && (untilClosing === null || left >= untilClosing + BATTERY_HYSTERESIS_MINUTES)));
    return { low, good, detail };
  }

  private missingReason(state: DeviceState, now: number): string | null {
    if (state.awaitingFirst) return null;
    const silentFor = now - state.lastHeartbeatAt;
    if (!state.online) {
      // After a hub restart devices need a moment to reconnect: allow them two heartbeat periods.
      const allowance = !state.seen ? 2 * this.settings.heartbeatMs : this.settings.offlineGraceMs;
      const offlineFor = now - state.offlineSince;
      return offlineFor >= allowance ? `offline for ${Math.round(offlineFor / 1000)} s` : null;
    }
    return silentFor > 2 * this.settings.heartbeatMs ? `no heartbeat for ${Math.round(silentFor / 1000)} s` : null;
  }

  private transition(state: DeviceState, device: string, problem: Problem, change: 'raise' | 'clear', detail: string, out: ProblemChange[]): void {
    const isRaised = state.raised.has(problem);
    if (change === 'raise' && !isRaised) {
      state.raised.add(problem);
      out.push({ device, problem, change, detail });
    } else if (change === 'clear' && isRaised) {
      state.raised.delete(problem);
      out.push({ device, problem, change, detail });
    }
  }

  private fresh(): DeviceState {
    return {
      online: false,
      seen: false,
      awaitingFirst: false,
      offlineSince: this.startedAt,
      lastHeartbeatAt: this.startedAt,
      batteryMv: null,
      batteryReadAt: this.startedAt,
      gauge: new BatteryGauge(this.settings.expectedBatteryDrainPerHour),
      batteryLowSince: null,
      batteryGoodSince: null,
      raised: new Set(),
    };
  }
}

/** "45 min", "3 h 20 min". */
function formatMinutes(minutes: number): string {
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
