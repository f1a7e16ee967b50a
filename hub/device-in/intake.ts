// One handler per uplink channel, called from authorizePublish once the
// topic is the device's own. Each decodes its payload (a bad one closes the
// connection, as MQTT 3.1.1 has no negative PUBACK) and calls back when what
// it changed is on disk: that callback is the device's PUBACK.
//
// A press is paged before it is committed: the pager must not wait for the
// disk; the PUBACK waits for it, so a button keeps a press until it is safe.
import type { Client } from 'aedes';
import { decodeAck, decodeHeartbeat, decodeOutcome, decodePress, decodeReach, decodeShift, decodeStatus } from '../../shared/payloads.js';
import { UPLINK } from '../../shared/topics.js';
import type { UpdateSender } from '../device-out/updates.js';
import type { MoodWatch } from '../domain/mood-watch.js';
import type { Clock } from '../domain/clock.js';
import type { DeviceWatch } from '../domain/device-watch.js';
import type { Effect, IncidentDesk, Refusal } from '../domain/incident-desk.js';
import type { Downlink } from '../device-out/downlink.js';
import type { EffectRunner } from '../device-out/effects.js';
import type { Shifts } from '../device-out/shifts.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../log.js';
import type { HubMetrics } from '../metrics.js';
import type { Journal } from '../store/journal.js';
import type { PressGate } from './press-gate.js';
import { RateLimiter } from './rate-limiter.js';
import type { Callback, Refusals } from './refusals.js';
import { fromDeviceText } from '../../shared/device-text.js';
import { phrase } from '../domain/phrase.js';

export interface IntakeDeps {
  live: LiveConfig;
  clock: Clock;
  log: Logger;
  desk: IncidentDesk;
  watch: DeviceWatch;
  journal: Journal;
  gate: PressGate;
  effects: EffectRunner;
  downlink: Downlink;
  refusals: Refusals;
  metrics: HubMetrics | undefined;
  updates: UpdateSender;
  mood: MoodWatch;
  shifts: Shifts;
}

type Handler = (client: Client, deviceId: string, text: string, done: Callback) => void;

/** Heartbeats a device may send: one a minute, a few more around reconnects. More are acknowledged and dropped. */
const HEARTBEAT_RATE = { perSecond: 0.1, burst: 3 };
/** "Reached the customer" takes 1.5 s of holding both buttons: a few a minute at most. */
const REACH_RATE = { perSecond: 0.5, burst: 3 };

export class UplinkIntake {
  private readonly handlers: Record<string, Handler> = {
    [UPLINK.press]: (client, deviceId, text, done) => this.press(client, deviceId, text, done),
    [UPLINK.reach]: (client, deviceId, text, done) => this.reach(client, deviceId, text, done),
    [UPLINK.ack]: (client, deviceId, text, done) => this.ack(client, deviceId, text, done),
    [UPLINK.decline]: (client, deviceId, text, done) => this.decline(client, deviceId, text, done),
    [UPLINK.outcome]: (client, deviceId, text, done) => this.outcome(client, deviceId, text, done),
    [UPLINK.mute]: (client, deviceId, text, done) => this.mute(client, deviceId, text, done),
    [UPLINK.shift]: (client, deviceId, text, done) => this.shift(client, deviceId, text, done),
    [UPLINK.heartbeat]: (client, deviceId, text, done) => this.heartbeat(client, deviceId, text, done),
    [UPLINK.status]: (client, _deviceId, text, done) => this.status(client, text, done),
    [UPLINK.updateStatus]: (_client, deviceId, text, done) => {
      this.deps.updates.status(deviceId, text);
      done(null);
    },
  };

  private readonly heartbeatLimit = new RateLimiter(HEARTBEAT_RATE.perSecond, HEARTBEAT_RATE.burst);
  private readonly reachLimit = new RateLimiter(REACH_RATE.perSecond, REACH_RATE.burst);

  constructor(private readonly deps: IntakeDeps) {}

  handle(channel: string, client: Client, deviceId: string, text: string, done: Callback): void {
    const handler = Object.hasOwn(this.handlers, channel) ? this.handlers[channel] : undefined;
    if (!handler) return this.deps.refusals.publish(client, `no handler for channel "${channel}"`, done);
    handler(client, deviceId, text, done);
  }

  private press(client: Client, deviceId: string, text: string, done: Callback): void {
    // Monotonic: wall-clock steps (NTP) must not distort latency figures.
    const arrived = performance.now();
    const { clock, desk, journal, gate, effects, refusals, live } = this.deps;
    const decoded = decodePress(text);
    if (!decoded.ok) return refusals.publish(client, `bad press: ${decoded.error}`, done);
    const press = decoded.value;
    const receivedAt = clock.now();
    const arrival = gate.arrive(deviceId, press.seq, receivedAt, done);
    if (arrival === 'retransmission') return;
    if (arrival === 'over-rate') {
      const rate = live.config.pressRate;
      return refusals.publish(client, `more than ${rate.perSecond} presses per second (burst ${rate.burst})`, done);
    }
    const pressedAt = receivedAt - press.ageMs;
    const { incidentId, effects: pages } = desk.press({ button: deviceId, kind: press.kind, seq: press.seq, pressedAt });
    // Page first: the pager must not wait for the disk.
    effects.apply(pages, arrived);
    const place = live.directory.placeOf(deviceId);
    const mood = this.deps.mood.press(place, `${deviceId}:${press.seq}`, press.kind === 'red', pressedAt);
    if (mood) {
      const values = { place, red: mood.red, total: mood.total };
      const { directory } = this.deps.live;
      effects.apply(desk.raiseMood(place, directory.say(phrase('{{place}}: {{red}} of {{total}} unhappy', values)), directory.say(phrase('{{red}} of the last {{total}} presses unhappy', values))));
    }

    const row = { deviceId, seq: press.seq, kind: press.kind, pressedAt, receivedAt, ageMs: press.ageMs, incidentId, trial: live.directory.isSimulated(deviceId) };
    if (live.config.durability === 'none') {
      // Measuring only: acknowledge before the write (a crash can lose what was acknowledged).
      gate.submittedUnconfirmed(deviceId, press.seq);
      journal.submit({ op: 'press', row });
      return done(null);
    }
    const answer = gate.committing(deviceId, press.seq, done);
    journal.submit({ op: 'press', row }, (error) => {
      if (error) this.deps.log.error({ device: deviceId, seq: press.seq, error: error.message }, 'press not stored: withholding PUBACK so the button keeps it');
      else this.deps.metrics?.pressDurable(arrived);
      answer(error);
    });
  }

  /** Staff held RED and GREEN together at the button: they are with the customer. */
  private reach(client: Client, buttonId: string, text: string, done: Callback): void {
    const decoded = decodeReach(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad reach: ${decoded.error}`, done);
    const now = this.deps.clock.now();
    if (!this.reachLimit.take(buttonId, now)) return this.deps.refusals.throttled(client, `more than ${REACH_RATE.burst} "reached" in ${REACH_RATE.burst / REACH_RATE.perSecond} s`, done);
    const { seq, ageMs } = decoded.value;
    const { effects, incidentId } = this.deps.desk.reach(buttonId, seq, now - ageMs);
    if (seq > 0) this.deps.journal.submit({ op: 'staffPress', deviceId: buttonId, seq });
    this.deps.log.info({ button: buttonId, incident: incidentId, staffPress: seq || null }, incidentId === null ? 'staff at the button, no complaint open there' : 'staff reached the customer');
    this.deps.effects.apply(effects);
    this.afterCommit(done);
  }

  private ack(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeAck(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad ack: ${decoded.error}`, done);
    this.pagerAction(pagerId, decoded.value.incident, this.deps.desk.acknowledge(pagerId, decoded.value.incident), done);
  }

  /** "Can't go": the same payload as an acknowledgement (the incident). */
  private decline(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeAck(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad decline: ${decoded.error}`, done);
    this.pagerAction(pagerId, decoded.value.incident, this.deps.desk.decline(pagerId, decoded.value.incident), done);
  }

  private outcome(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeOutcome(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad outcome: ${decoded.error}`, done);
    const { incident, outcome } = decoded.value;
    // The pager sends back the cause as it showed it: in its charset ("Ожидание" arrives as bytes 0x80–0xBF).
    const cause = decoded.value.cause === undefined ? undefined : fromDeviceText(decoded.value.cause);
    // A cause the configuration does not list (an older list on the pager, a forged one) is refused; the outcome still counts.
    const known = cause !== undefined && this.deps.live.config.causes.includes(cause);
    if (cause !== undefined && !known) this.deps.refusals.note(pagerId, `unknown cause "${cause.slice(0, 16)}" with the outcome of incident ${incident}: outcome kept without it`);
    this.pagerAction(pagerId, incident, this.deps.desk.recordOutcome(pagerId, incident, outcome, known ? cause : null), done);
  }

  /** "Mute this button": the same payload as an acknowledgement (the incident whose button it is). */
  private mute(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeAck(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad mute: ${decoded.error}`, done);
    const forMs = this.deps.live.config.timings.muteMinutes * 60_000;
    this.pagerAction(pagerId, decoded.value.incident, this.deps.desk.mute(pagerId, decoded.value.incident, forMs), done);
  }

  /** A pager acting on an incident it no longer holds is told to drop it; that is not a protocol error. */
  private pagerAction(pagerId: string, incident: number, result: Effect[] | Refusal, done: Callback): void {
    if (!Array.isArray(result)) {
      this.deps.log.info({ pager: pagerId, incident, reason: result.refused }, 'pager action ignored');
      this.deps.downlink.cancel(pagerId, { incident, reason: 'withdrawn' });
      return done(null);
    }
    this.deps.effects.apply(result);
    this.afterCommit(done);
  }

  private shift(client: Client, pagerId: string, text: string, done: Callback): void {
    const decoded = decodeShift(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad shift: ${decoded.error}`, done);
    const onShift = decoded.value.onShift;
    this.deps.shifts.fromPager(pagerId, onShift);
    this.afterCommit(done);
  }

  private heartbeat(client: Client, deviceId: string, text: string, done: Callback): void {
    const decoded = decodeHeartbeat(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad heartbeat: ${decoded.error}`, done);
    const now = this.deps.clock.now();
    if (!this.heartbeatLimit.take(deviceId, now)) return this.deps.refusals.throttled(client, `more than ${HEARTBEAT_RATE.burst} heartbeats in ${HEARTBEAT_RATE.burst / HEARTBEAT_RATE.perSecond} s`, done);
    this.deps.watch.heartbeat(deviceId, decoded.value.batteryMv, now);
    this.deps.journal.submit({ op: 'heartbeat', deviceId, heartbeat: decoded.value, at: now });
    this.afterCommit(done);
  }

  private status(client: Client, text: string, done: Callback): void {
    const decoded = decodeStatus(text);
    if (!decoded.ok) return this.deps.refusals.publish(client, `bad status: ${decoded.error}`, done);
    // Presence itself comes from the connection; the retained status is for other subscribers.
    done(null);
  }

  /** Calls back once everything queued so far is committed. */
  private afterCommit(done: Callback): void {
    this.deps.journal.submit({ op: 'barrier' }, (error) => done(error));
  }
}
