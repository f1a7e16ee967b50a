// The incident desk: folds presses into incidents, decides who is paged,
// re-buzzes, escalates and re-triggers. Pure logic: it owns no sockets and no
// database; every call returns the effects the hub must carry out, and time
// comes from the injected clock.

import type { Alert, AlertKind, AlertReason, Cancel, CancelReason, Feedback, Outcome, PressKind } from '../../shared/payloads.js';
import { MAX_LABEL_CHARS } from '../../shared/limits.js';
import type { Clock } from './clock.js';
import { nextStaffedTier, type Tiers } from './routing.js';
import { phrase, type Phrase } from './phrase.js';
import { SeqRanges } from './seq-ranges.js';

export interface DeskTimings {
  /** A red press within this long of the last one folds into the open incident even after it was acknowledged. */
  foldWindowMs: number;
  /** Re-buzz the paged pagers this often until someone acknowledges. */
  rebuzzMs: number;
  /** Add the next tier after this long without an acknowledgement. */
  escalateMs: number;
  /** Page again when an acknowledged incident is still unresolved after this long. */
  retriggerMs: number;
  /** A red press older than this when it arrives (the hub was down, the button offline) is not paged as fresh: the customer has left. */
  latePressMs: number;
  /** A count update vibrates a pager at most once per this long (a hammered button); in between it is sent quiet. */
  updateBuzzGapMs: number;
  /** A red press this soon after its button's incident was resolved re-opens it, back to whoever resolved it, instead of paging anew. */
  reopenWindowMs: number;
}

export interface DeskDirectory {
  /** Shown on the pager: the button's label, or the device's for a device problem. */
  labelOf(deviceId: string): string;
  /** Tiers for a red press at this button. */
  routeOf(buttonId: string): Tiers;
  /** Tiers for device problems (missing, low battery). */
  supervisionRoute(): Tiers;
  /** Who wears the pager now, by name: what the log keeps, so history does not change with a label. */
  personOf(pager: string): string;
  /** A phrase in the shop's language: labels the desk makes itself (the closing summary, the hub's disk) go to pagers and the log as words. */
  say(phrase: Phrase): string;
}

export type IncidentEventType =
  | 'opened'
  | 'paged'
  | 'unrouted'
  | 'delivered'
  | 'acknowledged'
  | 'escalated'
  | 'retriggered'
  | 'resolved'
  /** A press that arrived too late to page anyone as fresh (detail: how late). */
  | 'late'
  /** A paged pager said it cannot go. */
  | 'declined'
  /** A press soon after the incident was resolved opened it again. */
  | 'reopened'
  /** A pager or the dashboard muted (or unmuted) the incident's button. */
  | 'muted'
  /** The dashboard gave the incident to one pager. */
  | 'reassigned'
  /** Staff said at the button that they are with the customer. */
  | 'reached';

export interface IncidentEvent {
  incidentId: number;
  at: number;
  type: IncidentEventType;
  pager?: string;
  /** Who wore that pager at that moment. */
  person?: string;
  /** The level a pager was paged at, or an escalation reached ("paged", "escalated"). */
  level?: number;
  detail?: string;
}

/** An incident as it opens: one press, nobody paged or acknowledged yet. */
export function newIncidentRecord(id: number, kind: AlertKind, source: string, label: string, at: number, trial: boolean): IncidentRecord {
  return {
    id,
    kind,
    source,
    label,
    openedAt: at,
    lastPressAt: at,
    count: 1,
    level: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    acknowledgedPerson: null,
    holder: null,
    resolvedAt: null,
    resolvedBy: null,
    resolvedPerson: null,
    outcome: null,
    cause: null,
    reachedAt: null,
    note: null,
    retriggers: 0,
    trial,
  };
}

/** What the log keeps of an incident; written whole on every change. */
export interface IncidentRecord {
  id: number;
  kind: AlertKind;
  source: string;
  label: string;
  openedAt: number;
  lastPressAt: number;
  count: number;
  level: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  /** Who wore the acknowledging pager then (kept, so history does not change with a label or a swap). */
  acknowledgedPerson: string | null;
  /** Who holds it now: set by an acknowledgement, cleared by a re-trigger. */
  holder: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolvedPerson: string | null;
  outcome: Outcome | null;
  /** What went wrong, as staff chose it with the outcome (a configured cause category). */
  cause: string | null;
  /** When staff said at the button that they were with the customer (the true reaction time). */
  reachedAt: number | null;
  /** A note from the dashboard: with an outcome, or why it was closed without one. */
  note: string | null;
  /** Opened while the hub ran its simulated shop: trial data, apart from the real history. */
  trial: boolean;
  retriggers: number;
}

export type Effect =
  | { type: 'page'; pager: string; alert: Alert }
  | { type: 'cancel'; pager: string; cancel: Cancel }
  | { type: 'feedback'; button: string; feedback: Feedback }
  | { type: 'save'; incident: IncidentRecord }
  | { type: 'event'; event: IncidentEvent };

/** An incident still being handled, with what the desk needs to drive it. */
interface OpenIncident {
  record: IncidentRecord;
  tiers: Tiers;
  /** Highest tier engaged so far; -1 while nobody could be paged. */
  tierIndex: number;
  /** Pagers paged so far, with the level they were paged at. */
  paged: Map<string, number>;
  delivered: Set<string>;
  /** Sequence numbers already counted, so a retransmitted press never counts twice. */
  seqs: SeqRanges;
  nextRebuzzAt: number;
  nextEscalateAt: number;
  retriggerAt: number;
  /** Nobody in its tiers could be paged: every online pager was called instead (the failsafe). */
  allCall: boolean;
  /** Opened by a press that arrived too late: the managers were told once; no re-buzz or escalation. */
  late: boolean;
  /** When each pager was last made to vibrate for it. */
  buzzedAt: Map<string, number>;
  /** Pagers that said they cannot go: not re-buzzed, and counted as not reachable. */
  declined: Set<string>;
  /** Staff said at the button they are with the customer (until a re-open): nobody is chased. */
  withCustomer: boolean;
}

export interface PressInput {
  button: string;
  kind: PressKind;
  seq: number;
  pressedAt: number;
}

export type Refusal = { refused: string };

/** Problems paged to the managers rather than to a counter's staff. */
export type SupervisionKind = 'missing' | 'battery' | 'storage';
/** The kinds that are a device's (or the hub's) problem, not a customer's. */
export const DEVICE_PROBLEM_KINDS: ReadonlySet<string> = new Set<SupervisionKind>(['missing', 'battery', 'storage']);
const isSupervision = (kind: AlertKind): boolean => kind === 'missing' || kind === 'battery' || kind === 'storage' || kind === 'mood' || kind === 'closing';
/** News for the managers, not emergencies: never an all-call when no manager is reachable. */
const isNews = (kind: AlertKind): boolean => kind === 'mood' || kind === 'closing';

/** Where incident ids come from: never one that a pager may already have seen (see store/incident-ids.ts). */
export interface IncidentIdSource {
  next(): number;
  /** Ids up to `id` are taken (a restored incident): hand out only higher ones. */
  skipThrough(id: number): void;
}

/** Ids counted up from `first`, for a desk whose ids need not survive a restart (tests). */
export function sequentialIds(first: number): IncidentIdSource {
  let next = first;
  return {
    next: () => next++,
    skipThrough: (id) => {
      next = Math.max(next, id + 1);
    },
  };
}

/** A dashboard user as an incident's holder or actor: "@olga". */
export const asDashboardUser = (user: string): string => `@${user}`;
export const isDashboardUser = (holder: string): boolean => holder.startsWith('@');
/** A pager's wearer (through `personOf`) or a dashboard user ("olga (dashboard)"), by name. */
export const actorName = (pagerOrUser: string, personOf: (pager: string) => string): string =>
  isDashboardUser(pagerOrUser) ? `${pagerOrUser.slice(1)} (dashboard)` : personOf(pagerOrUser);

export class IncidentDesk {
  private readonly open = new Map<number, OpenIncident>();
  /** The open incidents of each source, oldest first: a press finds its incident without scanning them all. */
  private readonly openBySource = new Map<string, OpenIncident[]>();
  private readonly online = new Set<string>();
  private readonly offShift = new Set<string>();
  /** Each button's red incident resolved last, for a press that follows within the re-open window. */
  private readonly lastResolved = new Map<string, OpenIncident>();
  /** Where each pager gone missing was needed (the label of the first incident it held), for its missing-device alert. */
  private readonly heldWhenMissing = new Map<string, string>();
  /** The hub runs its simulated shop: incidents opened now are trial data. */
  trial = false;
  /** Buttons staff muted (someone hammering them), until when: their presses are logged, nobody is paged. */
  private readonly mutedUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private timings: DeskTimings,
    private directory: DeskDirectory,
    private readonly ids: IncidentIdSource,
  ) {}

  /** New timings and routes (a configuration reload). Open incidents keep the tiers they were opened with. */
  reconfigure(timings: DeskTimings, directory: DeskDirectory): void {
    this.timings = timings;
    this.directory = directory;
  }

  // ---- pager availability -------------------------------------------------

  isAvailable = (pager: string): boolean => this.online.has(pager) && !this.offShift.has(pager);

  /** A pager connected or dropped. A pager that comes back gets the incidents it still holds. */
  setPagerOnline(pager: string, online: boolean): Effect[] {
    if (!online) {
      this.online.delete(pager);
      return [];
    }
    this.online.add(pager);
    return this.isAvailable(pager) ? this.resendTo(pager) : [];
  }

  setPagerOnShift(pager: string, onShift: boolean): Effect[] {
    if (onShift) {
      this.offShift.delete(pager);
      return this.isAvailable(pager) ? this.resendTo(pager) : [];
    }
    this.offShift.add(pager);
    return [];
  }

  /**
   * A pager has gone missing (no heartbeat, offline past the grace): the
   * incidents it held go back to routing at once — the others it was paged
   * with get them again, or the next tier — instead of waiting for the
   * re-trigger. Returns what it held, for the missing-device alert.
   */
  pagerMissing(pager: string): { effects: Effect[]; held: string[] } {
    const { effects, held, firstPlace } = this.release(pager, 'went missing');
    if (held.length > 0) this.heldWhenMissing.set(pager, firstPlace);
    return { effects, held };
  }

  /** What `pager` held goes back to routing: the others it was paged with get it again, or the next tier. */
  private release(pager: string, why: string): { effects: Effect[]; held: string[]; firstPlace: string } {
    const effects: Effect[] = [];
    const held: string[] = [];
    let firstPlace = '';
    const now = this.clock.now();
    for (const incident of this.open.values()) {
      if (incident.record.holder !== pager) continue;
      if (held.length === 0) firstPlace = incident.record.label;
      held.push(`${incident.record.label} (incident ${incident.record.id})`);
      incident.record.holder = null;
      incident.retriggerAt = Infinity;
      incident.nextRebuzzAt = now + this.timings.rebuzzMs;
      incident.nextEscalateAt = now + this.timings.escalateMs;
      effects.push(this.event(incident, 'retriggered', pager, `${this.who(pager)}'s pager ${why}`));
      const others = this.othersThan(incident, pager).filter(this.isAvailable);
      for (const other of others) effects.push(this.pageEffect(incident, other, 'retrigger'));
      if (others.length === 0) effects.push(...this.engageNextTier(incident));
      effects.push(this.save(incident));
    }
    return { effects, held, firstPlace };
  }

  /**
   * A device was taken out of the configuration. Its own incidents (a
   * button's complaints, its device problems) are withdrawn, the pagers told;
   * a removed pager drops out of every incident it was paged for, and what it
   * held goes back to routing at once. The history stays in the log.
   */
  deviceRemoved(device: string, label: string): Effect[] {
    const effects: Effect[] = [];
    for (const incident of [...(this.openBySource.get(device) ?? [])]) {
      effects.push(...this.resolve(incident, null, null, 'withdrawn', `${label} was removed from the configuration`));
    }
    effects.push(...this.release(device, 'was removed').effects);
    for (const incident of this.open.values()) {
      if (!incident.paged.delete(device)) continue;
      incident.delivered.delete(device);
      if (this.takers(incident).length === 0 && incident.record.holder === null) effects.push(...this.engageNextTier(incident));
      effects.push(this.save(incident));
    }
    this.online.delete(device);
    this.offShift.delete(device);
    this.heldWhenMissing.delete(device);
    this.mutedUntil.delete(device);
    return effects;
  }

  // ---- presses ------------------------------------------------------------

  /** A stored-to-be press. Returns the incident it belongs to (null for green) and what to do. */
  press(input: PressInput): { incidentId: number | null; effects: Effect[] } {
    if (input.kind !== 'red') return { incidentId: null, effects: [] };
    const lateByMs = this.clock.now() - input.pressedAt;
    const current = this.foldTarget(input.button, input.pressedAt);
    if (this.isMuted(input.button)) return this.mutedPress(input, current);
    if (!current) {
      if (lateByMs > this.timings.latePressMs) return this.openLate(input, lateByMs);
      const reopened = this.reopen(input);
      if (reopened) return reopened;
      return this.openIncident('red', input.button, input.pressedAt, input.seq);
    }
    // Counted already but offered again: the commit that carried it failed, so write the incident again.
    if (current.seqs.has(input.seq)) return { incidentId: current.record.id, effects: [this.save(current)] };

    current.seqs.add(input.seq);
    current.record.count += 1;
    current.record.lastPressAt = Math.max(current.record.lastPressAt, input.pressedAt);
    // Presses may arrive out of order (an outbox drained after a reconnect): the incident began with the earliest.
    current.record.openedAt = Math.min(current.record.openedAt, input.pressedAt);
    if (current.late) return { incidentId: current.record.id, effects: [this.save(current)] };
    // Before an acknowledgement everybody paged sees the new count; after it, only whoever holds it.
    const holder = current.record.holder;
    const recipients = holder ? [holder] : [...current.paged.keys()];
    const now = this.clock.now();
    const effects: Effect[] = recipients
      .filter(this.isAvailable)
      .map((pager) => this.pageEffect(current, pager, now - (current.buzzedAt.get(pager) ?? -Infinity) < this.timings.updateBuzzGapMs ? 'quiet' : 'update'));
    effects.push(this.save(current));
    return { incidentId: current.record.id, effects };
  }

  /** A press at a muted button: counted on its open incident if there is one, otherwise only logged; nobody vibrates. */
  private mutedPress(input: PressInput, current: OpenIncident | undefined): { incidentId: number | null; effects: Effect[] } {
    if (!current) return { incidentId: null, effects: [] };
    if (!current.seqs.has(input.seq)) {
      current.seqs.add(input.seq);
      current.record.count += 1;
      current.record.lastPressAt = Math.max(current.record.lastPressAt, input.pressedAt);
      current.record.openedAt = Math.min(current.record.openedAt, input.pressedAt);
    }
    return { incidentId: current.record.id, effects: [this.save(current)] };
  }

  private isMuted(button: string): boolean {
    const until = this.mutedUntil.get(button);
    if (until === undefined) return false;
    if (this.clock.now() < until) return true;
    this.mutedUntil.delete(button);
    return false;
  }

  /**
   * "Mute this button" from a pager paged for one of its complaints (someone
   * is hammering it): for `forMs` its presses are logged but page nobody.
   * The incident itself stays open with whoever has it.
   */
  mute(pager: string, incidentId: number, forMs: number): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    if (!incident.paged.has(pager)) return { refused: `pager ${pager} was not paged for incident ${incidentId}` };
    if (incident.record.kind !== 'red') return { refused: `incident ${incidentId} is not a customer's complaint: there is no button to mute` };
    this.mutedUntil.set(incident.record.source, this.clock.now() + forMs);
    return [this.event(incident, 'muted', pager, `${incident.record.label} muted for ${Math.round(forMs / 60_000)} min`)];
  }

  /**
   * Staff held RED and GREEN together at the button: they are with the
   * customer. The press that began their chord (`staffSeq`, 0: none) was
   * theirs, not a customer's: it comes off the count (an incident it alone
   * opened is withdrawn). The button's open complaint records the time
   * (`at`); nobody is chased for it any more, whoever holds it keeps it.
   */
  reach(button: string, staffSeq: number, at: number): { effects: Effect[]; incidentId: number | null } {
    const effects = staffSeq > 0 ? this.discountStaffPress(button, staffSeq) : [];
    const open = (this.openBySource.get(button) ?? []).filter((incident) => incident.record.kind === 'red');
    const incident = open[open.length - 1];
    if (!incident) return { effects, incidentId: null };
    const r = incident.record;
    incident.withCustomer = true;
    if (r.reachedAt === null) {
      r.reachedAt = Math.max(at, r.openedAt);
      const seconds = Math.round((r.reachedAt - r.openedAt) / 1000);
      effects.push(this.event(incident, 'reached', r.holder ?? undefined, `${seconds} s after the first press`));
      effects.push({ type: 'feedback', button, feedback: { state: 'reached', incident: r.id } });
    }
    effects.push(this.save(incident));
    return { effects, incidentId: r.id };
  }

  /** A press that was staff's own (the start of their chord) leaves its incident's count; alone, it leaves no incident. */
  private discountStaffPress(button: string, seq: number): Effect[] {
    const incident = (this.openBySource.get(button) ?? []).find((open) => open.seqs.has(seq));
    if (!incident) return [];
    incident.seqs.delete(seq);
    incident.record.count -= 1;
    if (incident.record.count <= 0) return this.resolve(incident, null, null, 'withdrawn', 'opened by staff at the button, not by a customer');
    return [this.save(incident)];
  }

  /** Buttons muted now, and until when (the dashboard shows them). */
  mutedButtons(): Array<{ button: string; until: number }> {
    return [...this.mutedUntil.keys()].filter((button) => this.isMuted(button)).map((button) => ({ button, until: this.mutedUntil.get(button)! }));
  }

  private foldTarget(button: string, pressedAt: number): OpenIncident | undefined {
    for (const incident of this.openBySource.get(button) ?? []) {
      if (incident.record.kind !== 'red') continue;
      const recent = pressedAt - incident.record.lastPressAt <= this.timings.foldWindowMs;
      if (incident.record.holder === null || recent) return incident;
    }
    return undefined;
  }

  // ---- device problems ----------------------------------------------------

  /** Opens a "missing", "battery" or "storage" (the hub's own disk) incident, unless one is open already. */
  /** `detail` (why: "18 %, about 45 min left") is kept with the incident's "opened" event. */
  raiseDeviceProblem(device: string, kind: SupervisionKind, detail?: string): Effect[] {
    if (this.findDeviceProblem(device, kind)) return [];
    const opened = this.openIncident(kind, device, this.clock.now(), null, detail);
    const heldAt = kind === 'missing' ? this.heldWhenMissing.get(device) : undefined;
    if (heldAt === undefined) return opened.effects;
    // The managers' pagers say where it was needed: "Anna had Counter 1".
    this.heldWhenMissing.delete(device);
    return this.relabel(opened, `${this.directory.personOf(device)} had ${heldAt}`);
  }

  /**
   * A mood alert for a place ("Terrace: 3 of 5 unhappy"): to the managers, one
   * open at a time per place; like any incident they acknowledge and close it.
   */
  raiseMood(place: string, label: string, detail: string): Effect[] {
    if (this.findDeviceProblem(place, 'mood')) return [];
    return this.relabel(this.openIncident('mood', place, this.clock.now(), null, detail), label);
  }

  /**
   * At closing time: one alert to the managers naming the complaints still
   * open ("2 still open: Counter 1, Terrace"), nothing when none is. Nobody is
   * re-buzzed for them while the site is closed.
   */
  closingSummary(): Effect[] {
    const open = [...this.open.values()].filter((incident) => incident.record.kind === 'red');
    if (open.length === 0 || this.findDeviceProblem('hub', 'closing')) return [];
    const places = [...new Set(open.map((incident) => incident.record.label))].join(', ');
    const values = { count: open.length, places };
    return this.relabel(this.openIncident('closing', 'hub', this.clock.now(), null, this.directory.say(phrase('{{count}} complaints still open at closing: {{places}}', values))), this.directory.say(phrase('{{count}} still open: {{places}}', values)));
  }

  /** A just-opened incident shown under another label: its record and the pages it sent say `label`. */
  private relabel(opened: { incidentId: number; effects: Effect[] }, label: string): Effect[] {
    const incident = this.open.get(opened.incidentId)!;
    incident.record.label = label.slice(0, MAX_LABEL_CHARS);
    return opened.effects.map((effect) => (effect.type === 'page' ? { ...effect, alert: { ...effect.alert, location: incident.record.label } } : effect.type === 'save' ? this.save(incident) : effect));
  }

  /** The device is back (or charged): close its incident without anyone having to. */
  clearDeviceProblem(device: string, kind: SupervisionKind, detail: string): Effect[] {
    const incident = this.findDeviceProblem(device, kind);
    return incident ? this.resolve(incident, null, 'fixed', 'withdrawn', detail) : [];
  }

  private findDeviceProblem(device: string, kind: AlertKind): OpenIncident | undefined {
    for (const incident of this.openBySource.get(device) ?? []) {
      if (incident.record.kind === kind) return incident;
    }
    return undefined;
  }

  // ---- pager actions ------------------------------------------------------

  acknowledge(pager: string, incidentId: number): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    if (!incident.paged.has(pager)) return { refused: `pager ${pager} was not paged for incident ${incidentId}` };
    const holder = incident.record.holder;
    if (holder !== null) {
      // Someone else was faster: tell this pager who has it. The same pager twice is a retransmission.
      return holder === pager ? [] : [{ type: 'cancel', pager, cancel: this.cancelFor(incident, 'taken', holder) }];
    }

    return this.take(incident, pager);
  }

  /** `taker` (a pager, or a dashboard user) has it now: the other pagers are told who, the button that help is coming. */
  private take(incident: OpenIncident, taker: string): Effect[] {
    const now = this.clock.now();
    incident.record.holder = taker;
    incident.retriggerAt = now + this.timings.retriggerMs;
    if (incident.record.acknowledgedAt === null) {
      incident.record.acknowledgedAt = now;
      incident.record.acknowledgedBy = taker;
      incident.record.acknowledgedPerson = this.who(taker);
    }
    const effects: Effect[] = this.othersThan(incident, taker).map((other) => ({
      type: 'cancel' as const,
      pager: other,
      cancel: this.cancelFor(incident, 'taken', taker),
    }));
    if (incident.record.kind === 'red' || incident.record.kind === 'green') {
      effects.push({ type: 'feedback', button: incident.record.source, feedback: { state: 'acknowledged', incident: incident.record.id } });
    }
    effects.push(this.event(incident, 'acknowledged', taker), this.save(incident));
    return effects;
  }

  // ---- dashboard actions --------------------------------------------------
  // A dashboard user acts as a pager would: the pagers are told the same way,
  // and the log names the user ("olga (dashboard)"). As a holder a user is
  // written "@olga": never a pager id (ids start with a letter or digit).

  /** "I'm on it" from the dashboard: the user takes it over, from a pager that held it too. */
  acknowledgeBy(user: string, incidentId: number): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    const taker = asDashboardUser(user);
    if (incident.record.holder === taker) return [];
    return this.take(incident, taker);
  }

  /** Resolved on the dashboard, with the outcome, what went wrong and a note. */
  resolveBy(user: string, incidentId: number, outcome: Outcome, cause: string | null, note: string | null): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    const taker = asDashboardUser(user);
    const effects: Effect[] = [];
    if (incident.record.acknowledgedAt === null) {
      incident.record.acknowledgedAt = this.clock.now();
      incident.record.acknowledgedBy = taker;
      incident.record.acknowledgedPerson = this.who(taker);
      effects.push(this.event(incident, 'acknowledged', taker));
    }
    incident.record.cause = cause;
    incident.record.note = note;
    const detail = [outcome, cause === null ? '' : `cause: ${cause}`, note === null ? '' : `note: ${note}`].filter(Boolean).join(', ');
    return effects.concat(this.resolve(incident, taker, outcome, 'resolved', detail));
  }

  /** Closed without an outcome (a test press, a stale incident), with the reason. */
  closeBy(user: string, incidentId: number, reason: string): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    incident.record.note = reason;
    return this.resolve(incident, asDashboardUser(user), null, 'withdrawn', `closed on the dashboard: ${reason}`);
  }

  /**
   * "Ben, you take it": the incident goes to this pager alone. The others
   * are told it was taken (by whom it went to); it must acknowledge like
   * any paged pager, and escalation goes on from the tier it had reached.
   */
  reassign(user: string, incidentId: number, pager: string): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    if (!this.isAvailable(pager)) return { refused: `${this.who(pager)}'s pager is ${this.online.has(pager) ? 'off shift' : 'not connected'}` };
    const now = this.clock.now();
    const level = Math.max(1, incident.record.level);
    const effects: Effect[] = [];
    for (const other of incident.paged.keys()) if (other !== pager) effects.push({ type: 'cancel', pager: other, cancel: this.cancelFor(incident, 'taken', pager) });
    incident.paged = new Map([[pager, level]]);
    incident.declined.delete(pager);
    incident.record.holder = null;
    incident.retriggerAt = Infinity;
    incident.withCustomer = false;
    incident.nextRebuzzAt = now + this.timings.rebuzzMs;
    incident.nextEscalateAt = now + this.timings.escalateMs;
    effects.push(this.pageEffect(incident, pager, 'new'), this.event(incident, 'reassigned', pager, `by ${this.who(asDashboardUser(user))}`, level), this.save(incident));
    return effects;
  }

  /** Mute a button from the dashboard for `forMs` (0: unmute). Its open complaint, if any, records it. */
  muteButton(user: string, button: string, forMs: number): Effect[] {
    if (forMs > 0) this.mutedUntil.set(button, this.clock.now() + forMs);
    else this.mutedUntil.delete(button);
    const open = (this.openBySource.get(button) ?? []).filter((incident) => incident.record.kind === 'red');
    const detail = forMs > 0 ? `muted for ${Math.round(forMs / 60_000)} min` : 'unmuted';
    return open.map((incident) => this.event(incident, 'muted', asDashboardUser(user), detail));
  }

  /**
   * "Can't go": the pager drops out of this incident. While another paged
   * pager can still take it nothing more happens; otherwise the pagers of its
   * tier passed over as busy are paged, or the next tier at once (when
   * everyone declines, escalation does not wait).
   */
  decline(pager: string, incidentId: number): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    if (!incident.paged.has(pager)) return { refused: `pager ${pager} was not paged for incident ${incidentId}` };
    if (incident.record.holder !== null) return incident.record.holder === pager ? { refused: `pager ${pager} holds incident ${incidentId}: it can only record an outcome` } : [];
    if (incident.declined.has(pager)) return [];
    incident.declined.add(pager);
    const effects: Effect[] = [this.event(incident, 'declined', pager)];
    if (this.takers(incident).length === 0) {
      const level = incident.tierIndex + 1;
      const passedOver = (incident.tiers[incident.tierIndex] ?? []).filter((p) => this.isAvailable(p) && !incident.paged.has(p));
      for (const other of passedOver) {
        incident.paged.set(other, level);
        effects.push(this.pageEffect(incident, other, 'new'), this.event(incident, 'paged', other, undefined, level));
      }
      if (passedOver.length === 0) {
        const next = this.engageNextTier(incident);
        // Nobody further up: the failsafe calls whoever online has not declined; the dashboard shows an alarm if nobody is left.
        effects.push(...(next.length > 0 ? next : this.allCall(incident)));
      }
    }
    effects.push(this.save(incident));
    return effects;
  }

  /** Paged pagers that can still take the incident: online, on shift, and not declined. */
  private takers(incident: OpenIncident): string[] {
    return [...incident.paged.keys()].filter((pager) => this.isAvailable(pager) && !incident.declined.has(pager));
  }

  /** `cause`: what went wrong, when staff chose one (a configured category; the caller checks it). */
  recordOutcome(pager: string, incidentId: number, outcome: Outcome, cause: string | null = null): Effect[] | Refusal {
    const incident = this.open.get(incidentId);
    if (!incident) return { refused: `incident ${incidentId} is not open` };
    if (!incident.paged.has(pager)) return { refused: `pager ${pager} was not paged for incident ${incidentId}` };
    const effects: Effect[] = [];
    if (incident.record.acknowledgedAt === null) {
      // Recording an outcome implies the pager took it.
      incident.record.acknowledgedAt = this.clock.now();
      incident.record.acknowledgedBy = pager;
      incident.record.acknowledgedPerson = this.directory.personOf(pager);
      effects.push(this.event(incident, 'acknowledged', pager));
    }
    incident.record.cause = cause;
    return effects.concat(this.resolve(incident, pager, outcome, 'resolved', cause === null ? outcome : `${outcome}, cause: ${cause}`));
  }

  /** The pager's PUBACK for an alert: recorded once per pager and incident. */
  delivered(pager: string, incidentId: number): Effect[] {
    const incident = this.open.get(incidentId);
    if (!incident || incident.delivered.has(pager)) return [];
    incident.delivered.add(pager);
    return [this.event(incident, 'delivered', pager)];
  }

  // ---- time ---------------------------------------------------------------

  /** Everything due by now: routing of unrouted incidents, escalation, re-buzz, re-trigger (the last two only while the site is open). */
  tick(siteOpen = true): Effect[] {
    const now = this.clock.now();
    const effects: Effect[] = [];
    for (const incident of this.open.values()) {
      if (incident.record.holder !== null) {
        if (siteOpen && now >= incident.retriggerAt) effects.push(...this.retrigger(incident, now));
        continue;
      }
      // Late, or someone is with the customer already: nobody is chased.
      if (incident.late || incident.withCustomer) continue;
      const nobodyReachable = this.takers(incident).length === 0;
      if (nobodyReachable || now >= incident.nextEscalateAt) {
        const added = this.engageNextTier(incident);
        if (added.length > 0) {
          effects.push(...added);
          continue;
        }
        if (incident.paged.size === 0 && !isNews(incident.record.kind)) {
          const called = this.allCall(incident);
          if (called.length > 0) {
            effects.push(...called);
            continue;
          }
        }
      }
      // Nobody is there to hear it while the site is closed (an incident left open is reminded of at opening).
      if (siteOpen && now >= incident.nextRebuzzAt) {
        incident.nextRebuzzAt = now + this.timings.rebuzzMs;
        for (const pager of incident.paged.keys()) {
          if (incident.declined.has(pager)) continue;
          if (this.isAvailable(pager) || (incident.allCall && this.online.has(pager))) effects.push(this.pageEffect(incident, pager, 'rebuzz'));
        }
      }
    }
    return effects;
  }

  /** What the dashboard shows above everything: incidents nobody on shift could be paged for, and presses that came too late. */
  alarms(): Phrase[] {
    const alarms: Phrase[] = [];
    for (const incident of this.open.values()) {
      const r = incident.record;
      if (r.holder !== null) continue;
      const values = { label: r.label, id: r.id };
      if (incident.late) alarms.push(phrase('Late complaint at {{label}} (incident {{id}}): pressed while the hub could not hear it; the customer has probably left', values));
      else if (incident.paged.size === 0) alarms.push(phrase('Nobody can be paged for {{label}} (incident {{id}}): no pager is online', values));
      else if (incident.declined.size > 0 && this.takers(incident).length === 0) alarms.push(phrase('Nobody can take {{label}} (incident {{id}}): every pager paged declined', values));
      else if (incident.allCall && ![...incident.paged.keys()].some(this.isAvailable)) alarms.push(phrase('Nobody on shift for {{label}} (incident {{id}}): every online pager was called', values));
    }
    return alarms;
  }

  // ---- restart ------------------------------------------------------------

  /**
   * Takes back an incident that was open when the hub stopped. Its timers
   * start afresh; the pagers that had it get it again when they reconnect.
   */
  restore(record: IncidentRecord, paged: Map<string, number>, delivered: Set<string>, seqs: number[]): void {
    const now = this.clock.now();
    const tiers = isSupervision(record.kind) ? this.directory.supervisionRoute() : this.directory.routeOf(record.source);
    this.track({
      record,
      tiers,
      tierIndex: record.level - 1,
      paged,
      delivered,
      seqs: new SeqRanges(seqs),
      nextRebuzzAt: now + this.timings.rebuzzMs,
      nextEscalateAt: now + this.timings.escalateMs,
      retriggerAt: record.holder === null ? Infinity : now + this.timings.retriggerMs,
      // Whoever of them is online and on shift takes over; the failsafe and lateness are not kept across a restart.
      allCall: false,
      late: false,
      buzzedAt: new Map(),
      declined: new Set(),
      withCustomer: record.reachedAt !== null,
    });
    this.ids.skipThrough(record.id);
  }

  private track(incident: OpenIncident): void {
    this.open.set(incident.record.id, incident);
    const ofSource = this.openBySource.get(incident.record.source);
    if (ofSource) ofSource.push(incident);
    else this.openBySource.set(incident.record.source, [incident]);
  }

  private untrack(incident: OpenIncident): void {
    this.open.delete(incident.record.id);
    const rest = (this.openBySource.get(incident.record.source) ?? []).filter((other) => other !== incident);
    if (rest.length > 0) this.openBySource.set(incident.record.source, rest);
    else this.openBySource.delete(incident.record.source);
  }

  openIncidents(): IncidentRecord[] {
    return [...this.open.values()].map((incident) => ({ ...incident.record }));
  }

  // ---- internals ----------------------------------------------------------

  private openIncident(kind: AlertKind, source: string, at: number, seq: number | null, detail?: string, late = false): { incidentId: number; effects: Effect[] } {
    const id = this.ids.next();
    const incident: OpenIncident = {
      record: newIncidentRecord(id, kind, source, kind === 'storage' ? this.directory.say(phrase('Hub disk')) : this.directory.labelOf(source), at, this.trial),
      // A late press goes to the managers (its age on their pager says how late), not to the counter's staff.
      tiers: isSupervision(kind) || late ? this.directory.supervisionRoute() : this.directory.routeOf(source),
      tierIndex: -1,
      paged: new Map(),
      delivered: new Set(),
      seqs: new SeqRanges(seq === null ? [] : [seq]),
      nextRebuzzAt: 0,
      nextEscalateAt: 0,
      retriggerAt: Infinity,
      allCall: false,
      late,
      buzzedAt: new Map(),
      declined: new Set(),
      withCustomer: false,
    };
    this.track(incident);
    const effects: Effect[] = [this.event(incident, 'opened', undefined, detail)];
    const paged = this.engageNextTier(incident);
    if (paged.length > 0 || late) return { incidentId: id, effects: effects.concat(paged) };
    // A mood alert is news for the managers, not an emergency: no all-call when none is reachable.
    const called = isNews(kind) ? [] : this.allCall(incident);
    effects.push(this.event(incident, 'unrouted', undefined, called.length > 0 ? 'no pager on shift in any tier: every online pager called' : 'no pager online'));
    if (called.length === 0) effects.push(this.save(incident));
    return { incidentId: id, effects: effects.concat(called) };
  }

  /**
   * The same customer pressing again just after staff closed the incident
   * (the cool-down): it is opened again and goes back to whoever resolved it,
   * instead of paging the whole tier anew; if they are not reachable, it is
   * routed as usual. Null when there is nothing to re-open.
   */
  private reopen(input: PressInput): { incidentId: number; effects: Effect[] } | null {
    const incident = this.lastResolved.get(input.button);
    const r = incident?.record;
    if (!incident || !r || r.resolvedAt === null || input.pressedAt - r.resolvedAt >= this.timings.reopenWindowMs || input.pressedAt < r.openedAt) return null;
    this.lastResolved.delete(input.button);
    const now = this.clock.now();
    const resolver = r.resolvedBy;
    r.resolvedAt = null;
    r.resolvedBy = null;
    r.resolvedPerson = null;
    r.outcome = null;
    r.cause = null;
    incident.withCustomer = false;
    r.count += 1;
    r.lastPressAt = Math.max(r.lastPressAt, input.pressedAt);
    incident.seqs.add(input.seq);
    incident.declined.clear();
    incident.nextRebuzzAt = now + this.timings.rebuzzMs;
    incident.nextEscalateAt = now + this.timings.escalateMs;
    this.track(incident);
    const effects: Effect[] = [this.event(incident, 'reopened', resolver ?? undefined)];
    if (resolver !== null && this.isAvailable(resolver)) {
      r.holder = resolver;
      incident.retriggerAt = now + this.timings.retriggerMs;
      effects.push(this.pageEffect(incident, resolver, 'retrigger'));
    } else {
      incident.tierIndex = -1;
      effects.push(...this.engageNextTier(incident));
    }
    effects.push(this.save(incident));
    return { incidentId: r.id, effects };
  }

  /** A press that arrives too late to help the customer: logged as an incident at its true time, the managers told once, nobody chased. */
  private openLate(input: PressInput, lateByMs: number): { incidentId: number; effects: Effect[] } {
    const opened = this.openIncident('red', input.button, input.pressedAt, input.seq, undefined, true);
    const incident = this.open.get(opened.incidentId)!;
    const minutes = Math.round(lateByMs / 60_000);
    return { incidentId: opened.incidentId, effects: [...opened.effects, this.event(incident, 'late', undefined, `pressed ${minutes} min before it reached the hub`), this.save(incident)] };
  }

  /**
   * The failsafe: nobody in the incident's tiers is online and on shift, so
   * every online pager is called (on shift or not). Nothing when no pager is online.
   */
  private allCall(incident: OpenIncident): Effect[] {
    const pagers = [...this.online].filter((pager) => !incident.declined.has(pager) && !incident.paged.has(pager));
    if (pagers.length === 0) return [];
    const now = this.clock.now();
    incident.allCall = true;
    incident.record.level = 1;
    incident.nextRebuzzAt = now + this.timings.rebuzzMs;
    incident.nextEscalateAt = now + this.timings.escalateMs;
    const effects: Effect[] = [];
    for (const pager of pagers) {
      incident.paged.set(pager, 1);
      effects.push(this.pageEffect(incident, pager, 'new'), this.event(incident, 'paged', pager, 'all-call', 1));
    }
    effects.push(this.save(incident));
    return effects;
  }

  /** Whether the pager holds an open incident (its wearer is with a customer). */
  private holdsIncident(pager: string): boolean {
    for (const incident of this.open.values()) if (incident.record.holder === pager) return true;
    return false;
  }

  /**
   * Pages the next staffed tier, if there is one; restarts the re-buzz and
   * escalation timers. Within the tier, a pager already holding an incident is
   * passed over while another of the tier is free.
   */
  private engageNextTier(incident: OpenIncident): Effect[] {
    const staffed = nextStaffedTier(incident.tiers, incident.tierIndex, this.isAvailable);
    if (!staffed) return [];
    const free = staffed.pagers.filter((pager) => !this.holdsIncident(pager));
    const choice = { index: staffed.index, pagers: free.length > 0 ? free : staffed.pagers };
    const now = this.clock.now();
    const level = choice.index + 1;
    incident.tierIndex = choice.index;
    incident.record.level = level;
    incident.nextRebuzzAt = now + this.timings.rebuzzMs;
    incident.nextEscalateAt = now + this.timings.escalateMs;
    const wasRouted = incident.paged.size > 0;
    const effects: Effect[] = [];
    if (wasRouted) effects.push(this.event(incident, 'escalated', undefined, undefined, level));
    for (const pager of choice.pagers) {
      incident.paged.set(pager, level);
      effects.push(this.pageEffect(incident, pager, wasRouted ? 'escalated' : 'new'));
      effects.push(this.event(incident, 'paged', pager, undefined, level));
    }
    effects.push(this.save(incident));
    return effects;
  }

  private retrigger(incident: OpenIncident, now: number): Effect[] {
    incident.record.holder = null;
    incident.retriggerAt = Infinity;
    incident.nextRebuzzAt = now + this.timings.rebuzzMs;
    incident.nextEscalateAt = now + this.timings.escalateMs;
    incident.record.retriggers += 1;
    const effects: Effect[] = [this.event(incident, 'retriggered')];
    for (const pager of incident.paged.keys()) {
      if (this.isAvailable(pager)) effects.push(this.pageEffect(incident, pager, 'retrigger'));
    }
    effects.push(this.save(incident));
    return effects;
  }

  private resolve(incident: OpenIncident, pager: string | null, outcome: Outcome | null, reason: CancelReason, detail: string): Effect[] {
    incident.record.resolvedAt = this.clock.now();
    incident.record.resolvedBy = pager;
    incident.record.resolvedPerson = pager === null ? null : this.who(pager);
    incident.record.outcome = outcome;
    incident.record.holder = null;
    this.untrack(incident);
    if (incident.record.kind === 'red') this.lastResolved.set(incident.record.source, incident);
    const effects: Effect[] = this.othersThan(incident, pager).map((other) => ({
      type: 'cancel' as const,
      pager: other,
      cancel: this.cancelFor(incident, reason, pager),
    }));
    effects.push(this.event(incident, 'resolved', pager ?? undefined, detail), this.save(incident));
    return effects;
  }

  /** Pages the pager again with every open incident it was paged for and nobody else holds. */
  private resendTo(pager: string): Effect[] {
    const effects: Effect[] = [];
    for (const incident of this.open.values()) {
      if (!incident.paged.has(pager)) continue;
      const holder = incident.record.holder;
      if (holder !== null && holder !== pager) continue;
      effects.push(this.pageEffect(incident, pager, 'resend'));
    }
    return effects;
  }

  private othersThan(incident: OpenIncident, pager: string | null): string[] {
    return [...incident.paged.keys()].filter((other) => other !== pager);
  }

  private pageEffect(incident: OpenIncident, pager: string, reason: AlertReason): Effect {
    const r = incident.record;
    if (reason !== 'quiet') incident.buzzedAt.set(pager, this.clock.now());
    return {
      type: 'page',
      pager,
      alert: {
        incident: r.id,
        kind: r.kind,
        location: r.label,
        count: r.count,
        level: incident.paged.get(pager) ?? r.level,
        time: r.openedAt,
        reason,
      },
    };
  }

  private cancelFor(incident: OpenIncident, reason: CancelReason, by: string | null): Cancel {
    return by ? { incident: incident.record.id, reason, by: this.who(by).slice(0, MAX_LABEL_CHARS) } : { incident: incident.record.id, reason };
  }

  private event(incident: OpenIncident, type: IncidentEventType, pager?: string, detail?: string, level?: number): Effect {
    const event: IncidentEvent = { incidentId: incident.record.id, at: this.clock.now(), type };
    if (pager !== undefined) {
      event.pager = pager;
      event.person = this.who(pager);
    }
    if (level !== undefined) event.level = level;
    if (detail !== undefined) event.detail = detail;
    return { type: 'event', event };
  }

  /** Who a pager's wearer or a dashboard user is, by name, for the log and the pagers. */
  private who(pagerOrUser: string): string {
    return actorName(pagerOrUser, (pager) => this.directory.personOf(pager));
  }

  private save(incident: OpenIncident): Effect {
    return { type: 'save', incident: { ...incident.record } };
  }
}
