// Supervision: decides when a device counts as missing or low on battery.
// Pure: it is told what happened and when, and asked what changed.

export interface WatchSettings {
  /** Devices report at least this often. Two missed heartbeats make a device missing. */
  heartbeatMs: number;
  /** A dropped connection counts only after this long, so a Wi-Fi blip pages nobody. */
  offlineGraceMs: number;
  /** Below this battery voltage (mV) a device raises "battery". 0 in a heartbeat means "no battery measured". */
  lowBatteryMv: number;
}

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
  /** When the device went offline (or when watching began, for one not seen yet). */
  offlineSince: number;
  lastHeartbeatAt: number;
  batteryMv: number | null;
  /** Since when every reading was low, or good; null when the last one was not. */
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
  watch(deviceIds: string[]): void {
    const wanted = new Set(deviceIds);
    for (const id of this.devices.keys()) if (!wanted.has(id)) this.devices.delete(id);
    for (const id of deviceIds) if (!this.devices.has(id)) this.devices.set(id, this.fresh());
  }

  connected(device: string, now: number): void {
    const state = this.devices.get(device);
    if (!state) return;
    state.online = true;
    state.seen = true;
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
    const low = batteryMv > 0 && batteryMv < this.settings.lowBatteryMv;
    const good = batteryMv === 0 || batteryMv >= this.settings.lowBatteryMv + BATTERY_HYSTERESIS_MV;
    state.batteryLowSince = low ? (state.batteryLowSince ?? now) : null;
    state.batteryGoodSince = good ? (state.batteryGoodSince ?? now) : null;
  }

  /**
   * Problems that began or ended. "missing" is raised only while the site is
   * open (a device switched off at night is fine); it clears whenever the
   * device is back.
   */
  check(now: number, siteOpen: boolean): ProblemChange[] {
    const changes: ProblemChange[] = [];
    for (const [device, state] of this.devices) {
      const missingReason = this.missingReason(state, now);
      if (missingReason && siteOpen) this.transition(state, device, 'missing', 'raise', missingReason, changes);
      if (!missingReason) this.transition(state, device, 'missing', 'clear', 'device is back', changes);

      const hold = BATTERY_HOLD_HEARTBEATS * this.settings.heartbeatMs;
      if (state.batteryLowSince !== null && now - state.batteryLowSince >= hold) {
        this.transition(state, device, 'battery', 'raise', `battery at ${state.batteryMv} mV`, changes);
      } else if (state.batteryGoodSince !== null && now - state.batteryGoodSince >= hold) {
        this.transition(state, device, 'battery', 'clear', `battery at ${state.batteryMv} mV`, changes);
      }
    }
    return changes;
  }

  private missingReason(state: DeviceState, now: number): string | null {
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
    return { online: false, seen: false, offlineSince: this.startedAt, lastHeartbeatAt: this.startedAt, batteryMv: null, batteryLowSince: null, batteryGoodSince: null, raised: new Set() };
  }
}
