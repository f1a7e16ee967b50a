// The incident desk alone: no sockets, no database, a clock moved by hand.
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../hub/domain/clock.js';
import { IncidentDesk, sequentialIds, type DeskDirectory, type Effect } from '../../../hub/domain/incident-desk.js';
import { english, say } from '../../../hub/i18n/translate.js';

const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
const timings = { foldWindowMs: 60_000, rebuzzMs: 15_000, escalateMs: 30_000, retriggerMs: 180_000, latePressMs: 600_000, updateBuzzGapMs: 0, reopenWindowMs: 0 };

const directory: DeskDirectory = {
  labelOf: (id) => ({ 'btn-1': 'Counter 1', 'pgr-a': 'Anna', 'pgr-b': 'Ben', 'pgr-m': 'Manager' })[id] ?? id,
  routeOf: () => [['pgr-a', 'pgr-b'], ['pgr-m']],
  supervisionRoute: () => [['pgr-m']],
  personOf: (pager) => ({ 'pgr-a': 'Anna', 'pgr-b': 'Ben', 'pgr-m': 'Maria' })[pager] ?? pager,
  say: (p) => say(english, p),
};

const pages = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'page' ? [{ pager: e.pager, ...e.alert }] : []));
const cancels = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'cancel' ? [{ pager: e.pager, ...e.cancel }] : []));
const events = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'event' ? [e.event.type] : []));
const effectsOf = (result: Effect[] | { refused: string }) => {
  if (!Array.isArray(result)) throw new Error(`refused: ${result.refused}`);
  return result;
};

describe('IncidentDesk', () => {
  let clock: ManualClock;
  let desk: IncidentDesk;

  beforeEach(() => {
    clock = new ManualClock(T0);
    desk = new IncidentDesk(clock, timings, directory, sequentialIds(1));
    for (const pager of ['pgr-a', 'pgr-b', 'pgr-m']) desk.setPagerOnline(pager, true);
  });

  const press = (seq: number, at = clock.now(), kind: 'red' | 'green' = 'red') => desk.press({ button: 'btn-1', kind, seq, pressedAt: at });

  it('opens an incident on a red press and pages every available pager of tier 1', () => {
    const { incidentId, effects } = press(1);
    expect(incidentId).toBe(1);
    expect(pages(effects)).toEqual([
      { pager: 'pgr-a', incident: 1, kind: 'red', location: 'Counter 1', count: 1, level: 1, time: T0, reason: 'new' },
      { pager: 'pgr-b', incident: 1, kind: 'red', location: 'Counter 1', count: 1, level: 1, time: T0, reason: 'new' },
    ]);
    expect(events(effects)).toEqual(['opened', 'paged', 'paged']);
  });

  it('logs green presses without an incident', () => {
    expect(press(1, T0, 'green')).toEqual({ incidentId: null, effects: [] });
  });

  it('folds presses into the open incident and counts a retransmitted sequence number once', () => {
    press(1);
    clock.advance(5000);
    const second = press(2);
    expect(second.incidentId).toBe(1);
    expect(pages(second.effects).map((p) => [p.pager, p.count, p.reason])).toEqual([
      ['pgr-a', 2, 'update'],
      ['pgr-b', 2, 'update'],
    ]);
    const again = press(2);
    expect(pages(again.effects)).toEqual([]);
    expect(desk.openIncidents()[0].count).toBe(2);
  });

  it('keeps folding while unacknowledged, even past the window; opens a new incident after an acknowledged one’s window', () => {
    press(1);
    clock.advance(120_000);
    expect(press(2).incidentId).toBe(1);
    effectsOf(desk.acknowledge('pgr-a', 1));
    clock.advance(30_000);
    expect(press(3).incidentId).toBe(1); // within 60 s of the last press
    clock.advance(61_000);
    expect(press(4).incidentId).toBe(2);
  });

  it('re-buzzes every 15 s, adds tier 2 after 30 s, and keeps the level per pager', () => {
    press(1);
    clock.advance(14_999);
    expect(pages(desk.tick())).toEqual([]);
    clock.advance(1);
    expect(pages(desk.tick()).map((p) => [p.pager, p.reason, p.level])).toEqual([
      ['pgr-a', 'rebuzz', 1],
      ['pgr-b', 'rebuzz', 1],
    ]);
    clock.advance(15_000);
    const escalation = desk.tick();
    expect(pages(escalation).map((p) => [p.pager, p.reason, p.level])).toEqual([['pgr-m', 'escalated', 2]]);
    expect(events(escalation)).toContain('escalated');
    clock.advance(15_000);
    expect(pages(desk.tick()).map((p) => [p.pager, p.level])).toEqual([
      ['pgr-a', 1],
      ['pgr-b', 1],
      ['pgr-m', 2],
    ]);
  });

  it('skips an unstaffed tier: offline or off shift', () => {
    desk.setPagerOnline('pgr-a', false);
    desk.setPagerOnShift('pgr-b', false);
    expect(pages(press(1).effects).map((p) => [p.pager, p.level])).toEqual([['pgr-m', 2]]);
  });

  it('records an unrouted incident when nobody is reachable and pages the first pager who comes on', () => {
    for (const pager of ['pgr-a', 'pgr-b', 'pgr-m']) desk.setPagerOnline(pager, false);
    expect(events(press(1).effects)).toEqual(['opened', 'unrouted']);
    expect(pages(desk.tick())).toEqual([]);
    desk.setPagerOnline('pgr-m', true);
    expect(pages(desk.tick()).map((p) => [p.pager, p.reason, p.level])).toEqual([['pgr-m', 'new', 2]]);
  });

  it('escalates at once when every paged pager drops', () => {
    press(1);
    desk.setPagerOnline('pgr-a', false);
    desk.setPagerOnline('pgr-b', false);
    clock.advance(1000);
    expect(pages(desk.tick()).map((p) => [p.pager, p.reason])).toEqual([['pgr-m', 'escalated']]);
  });

  it('on acknowledgement tells the other pagers who took it and the button that help is coming', () => {
    press(1);
    clock.advance(8000);
    const effects = effectsOf(desk.acknowledge('pgr-b', 1));
    expect(cancels(effects)).toEqual([{ pager: 'pgr-a', incident: 1, reason: 'taken', by: 'Ben' }]);
    expect(effects).toContainEqual({ type: 'feedback', button: 'btn-1', feedback: { state: 'acknowledged', incident: 1 } });
    expect(desk.openIncidents()[0]).toMatchObject({ acknowledgedAt: T0 + 8000, acknowledgedBy: 'pgr-b', holder: 'pgr-b' });
    // No more re-buzzing or escalation once acknowledged.
    clock.advance(60_000);
    expect(pages(desk.tick())).toEqual([]);
    // A late acknowledgement from Anna is answered with who has it; Ben's own retransmission changes nothing.
    expect(cancels(effectsOf(desk.acknowledge('pgr-a', 1)))).toEqual([{ pager: 'pgr-a', incident: 1, reason: 'taken', by: 'Ben' }]);
    expect(effectsOf(desk.acknowledge('pgr-b', 1))).toEqual([]);
  });

  it('re-triggers an incident acknowledged but unresolved for 3 minutes, keeping the first acknowledgement time', () => {
    press(1);
    clock.advance(10_000);
    effectsOf(desk.acknowledge('pgr-a', 1));
    clock.advance(179_999);
    expect(pages(desk.tick())).toEqual([]);
    clock.advance(1);
    const retrigger = desk.tick();
    expect(pages(retrigger).map((p) => [p.pager, p.reason])).toEqual([
      ['pgr-a', 'retrigger'],
      ['pgr-b', 'retrigger'],
    ]);
    expect(desk.openIncidents()[0]).toMatchObject({ retriggers: 1, holder: null, acknowledgedAt: T0 + 10_000 });
    // Back to re-buzzing, then escalation.
    clock.advance(30_000);
    expect(pages(desk.tick()).map((p) => p.pager)).toEqual(['pgr-m']);
  });

  it('resolves with an outcome, implying an acknowledgement, and closes the incident', () => {
    press(1);
    clock.advance(20_000);
    const effects = effectsOf(desk.recordOutcome('pgr-a', 1, 'apologised'));
    expect(cancels(effects)).toEqual([{ pager: 'pgr-b', incident: 1, reason: 'resolved', by: 'Anna' }]);
    expect(events(effects)).toEqual(['acknowledged', 'resolved']);
    const saved = effects.filter((e) => e.type === 'save').at(-1);
    expect(saved).toMatchObject({ incident: { outcome: 'apologised', resolvedAt: T0 + 20_000, acknowledgedAt: T0 + 20_000, resolvedBy: 'pgr-a' } });
    expect(desk.openIncidents()).toEqual([]);
    expect(desk.recordOutcome('pgr-a', 1, 'fixed')).toEqual({ refused: 'incident 1 is not open' });
  });

  it('refuses actions from pagers that were not paged', () => {
    press(1);
    expect(desk.acknowledge('pgr-m', 1)).toEqual({ refused: 'pager pgr-m was not paged for incident 1' });
    expect(desk.acknowledge('pgr-a', 99)).toEqual({ refused: 'incident 99 is not open' });
  });

  it('records delivery once per pager', () => {
    press(1);
    expect(events(desk.delivered('pgr-a', 1))).toEqual(['delivered']);
    expect(desk.delivered('pgr-a', 1)).toEqual([]);
  });

  it('resends held incidents to a pager that comes back, but not ones someone else holds', () => {
    press(1);
    desk.setPagerOnline('pgr-a', false);
    expect(pages(desk.setPagerOnline('pgr-a', true)).map((p) => [p.pager, p.reason])).toEqual([['pgr-a', 'resend']]);
    effectsOf(desk.acknowledge('pgr-b', 1));
    desk.setPagerOnline('pgr-a', false);
    expect(pages(desk.setPagerOnline('pgr-a', true))).toEqual([]);
  });

  it('opens one device problem per device and kind, routed to the managers, and withdraws it when cleared', () => {
    const raised = desk.raiseDeviceProblem('btn-1', 'missing');
    expect(pages(raised).map((p) => [p.pager, p.kind, p.location, p.level])).toEqual([['pgr-m', 'missing', 'Counter 1', 1]]);
    expect(desk.raiseDeviceProblem('btn-1', 'missing')).toEqual([]);
    const cleared = desk.clearDeviceProblem('btn-1', 'missing', 'device is back');
    expect(cancels(cleared)).toEqual([{ pager: 'pgr-m', incident: 1, reason: 'withdrawn' }]);
    expect(cleared.filter((e) => e.type === 'save').at(-1)).toMatchObject({ incident: { outcome: 'fixed', resolvedBy: null } });
  });

  it('restores an open incident with its pagers and presses after a restart', () => {
    const restored = new IncidentDesk(clock, timings, directory, sequentialIds(1));
    restored.setPagerOnline('pgr-a', true);
    restored.restore(
      { id: 7, kind: 'red', source: 'btn-1', label: 'Counter 1', openedAt: T0, lastPressAt: T0, count: 2, level: 1, acknowledgedAt: null, acknowledgedBy: null, acknowledgedPerson: null, holder: null, resolvedAt: null, resolvedBy: null, resolvedPerson: null, outcome: null, cause: null, reachedAt: null, note: null, retriggers: 0, trial: false },
      new Map([['pgr-a', 1]]),
      new Set(),
      [1, 2],
    );
    expect(restored.press({ button: 'btn-1', kind: 'red', seq: 2, pressedAt: T0 }).effects.filter((e) => e.type === 'page')).toEqual([]);
    const next = restored.press({ button: 'btn-1', kind: 'red', seq: 3, pressedAt: T0 });
    expect(next.incidentId).toBe(7);
    expect(pages(next.effects)).toMatchObject([{ pager: 'pgr-a', count: 3 }]);
    // New incidents continue after the restored ids.
    effectsOf(restored.recordOutcome('pgr-a', 7, 'fixed'));
    expect(restored.press({ button: 'btn-1', kind: 'red', seq: 4, pressedAt: T0 }).incidentId).toBe(8);
  });

  // ---- a café's week (#16) -------------------------------------------------

  it('passes over a pager already holding an incident while another of its tier is free', () => {
    press(1);
    effectsOf(desk.acknowledge('pgr-a', 1)); // Anna is with the first customer
    const second = desk.press({ button: 'btn-2', kind: 'red', seq: 1, pressedAt: clock.now() });
    expect(pages(second.effects).map((p) => p.pager)).toEqual(['pgr-b']);
    effectsOf(desk.acknowledge('pgr-b', second.incidentId!)); // now both are busy: both are paged
    const third = desk.press({ button: 'btn-3', kind: 'red', seq: 1, pressedAt: clock.now() });
    expect(pages(third.effects).map((p) => p.pager)).toEqual(['pgr-a', 'pgr-b']);
  });

  it('calls every online pager when nobody in the tiers is on shift, re-buzzes them, and raises an alarm until someone takes it', () => {
    for (const pager of ['pgr-a', 'pgr-b', 'pgr-m']) desk.setPagerOnShift(pager, false);
    const { effects } = press(1);
    expect(pages(effects).map((p) => [p.pager, p.reason])).toEqual([
      ['pgr-a', 'new'],
      ['pgr-b', 'new'],
      ['pgr-m', 'new'],
    ]);
    expect(effects.find((e) => e.type === 'event' && e.event.type === 'unrouted')).toMatchObject({ event: { detail: 'no pager on shift in any tier: every online pager called' } });
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual(['Nobody on shift for Counter 1 (incident 1): every online pager was called']);
    clock.advance(15_000);
    expect(pages(desk.tick()).map((p) => p.reason)).toEqual(['rebuzz', 'rebuzz', 'rebuzz']);
    effectsOf(desk.acknowledge('pgr-b', 1)); // off shift, but called: may take it
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual([]);
  });

  it('says when no pager at all is online, and calls the first one that comes', () => {
    for (const pager of ['pgr-a', 'pgr-b', 'pgr-m']) desk.setPagerOnline(pager, false);
    const { effects } = press(1);
    expect(pages(effects)).toEqual([]);
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual(['Nobody can be paged for Counter 1 (incident 1): no pager is online']);
    desk.setPagerOnline('pgr-m', true);
    desk.setPagerOnShift('pgr-m', false);
    expect(pages(desk.tick()).map((p) => [p.pager, p.reason])).toEqual([['pgr-m', 'new']]);
  });

  it('sends device problems to every online pager when no manager is reachable', () => {
    desk.setPagerOnline('pgr-m', false);
    expect(pages(desk.raiseDeviceProblem('btn-1', 'missing')).map((p) => [p.pager, p.kind])).toEqual([
      ['pgr-a', 'missing'],
      ['pgr-b', 'missing'],
    ]);
  });

  it('neither re-buzzes nor re-triggers while the site is closed', () => {
    press(1);
    clock.advance(15_000);
    expect(desk.tick(false).filter((e) => e.type === 'page')).toEqual([]);
    effectsOf(desk.acknowledge('pgr-a', 1));
    clock.advance(200_000);
    expect(events(desk.tick(false))).toEqual([]);
    expect(events(desk.tick(true))).toContain('retriggered'); // at opening, a reminder
  });

  it('dates an incident from its earliest press, whatever order presses arrive in', () => {
    press(2, T0 + 5000);
    press(1, T0);
    expect(desk.openIncidents()[0]).toMatchObject({ openedAt: T0, lastPressAt: T0 + 5000, count: 2 });
  });

  it('shows a press that arrives too late to the managers once, at its true time, and chases nobody', () => {
    clock.advance(25 * 60_000); // the press was made 25 minutes ago, while the hub was down
    const { incidentId, effects } = press(1, T0);
    expect(pages(effects).map((p) => [p.pager, p.time])).toEqual([['pgr-m', T0]]);
    expect(effects.find((e) => e.type === 'event' && e.event.type === 'late')).toMatchObject({ event: { detail: 'pressed 25 min before it reached the hub' } });
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual([`Late complaint at Counter 1 (incident ${incidentId}): pressed while the hub could not hear it; the customer has probably left`]);
    clock.advance(60_000);
    expect(desk.tick()).toEqual([]); // no re-buzz, no escalation
    const more = press(2, T0 + 1000);
    expect([more.incidentId, pages(more.effects)]).toEqual([incidentId, []]);
    effectsOf(desk.recordOutcome('pgr-m', incidentId!, 'left'));
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual([]);
  });

  it('gives the incidents a missing pager held back to routing at once, and says what it held', () => {
    press(1);
    effectsOf(desk.acknowledge('pgr-a', 1));
    desk.setPagerOnline('pgr-a', false);
    const { effects, held } = desk.pagerMissing('pgr-a');
    expect(held).toEqual(['Counter 1 (incident 1)']);
    expect(pages(effects).map((p) => [p.pager, p.reason])).toEqual([['pgr-b', 'retrigger']]);
    expect(desk.openIncidents()[0].holder).toBeNull();
    expect(pages(desk.raiseDeviceProblem('pgr-a', 'missing')).map((p) => [p.pager, p.kind, p.location])).toEqual([['pgr-m', 'missing', 'Anna had Counter 1']]);
    effectsOf(desk.acknowledge('pgr-b', 1)); // Ben takes it over
    expect(desk.pagerMissing('pgr-a')).toEqual({ effects: [], held: [] });
  });

  it('vibrates a pager for a count update at most once per gap; in between the count changes quietly', () => {
    const quiet = new IncidentDesk(clock, { ...timings, updateBuzzGapMs: 20_000 }, directory, sequentialIds(1));
    quiet.setPagerOnline('pgr-a', true);
    const hammer = (seq: number) => pages(quiet.press({ button: 'btn-1', kind: 'red', seq, pressedAt: clock.now() }).effects).map((p) => [p.reason, p.count]);
    expect(hammer(1)).toEqual([['new', 1]]);
    clock.advance(1000);
    expect(hammer(2)).toEqual([['quiet', 2]]);
    clock.advance(19_000);
    expect(hammer(3)).toEqual([['update', 3]]);
    clock.advance(500);
    expect(hammer(4)).toEqual([['quiet', 4]]);
  });

  it('lets a pager decline: the others go on; when nobody is left, the busy ones of the tier, or the next tier at once', () => {
    press(1);
    const first = effectsOf(desk.decline('pgr-a', 1));
    expect([events(first), pages(first)]).toEqual([['declined'], []]); // Ben can still take it
    clock.advance(15_000);
    expect(pages(desk.tick()).map((p) => p.pager)).toEqual(['pgr-b']); // no re-buzz for Anna
    const second = effectsOf(desk.decline('pgr-b', 1));
    expect(pages(second).map((p) => [p.pager, p.reason, p.level])).toEqual([['pgr-m', 'escalated', 2]]); // escalation without waiting
    expect(desk.decline('pgr-m', 99)).toEqual({ refused: 'incident 99 is not open' });
    // The manager declines too: nobody is left to call, and the dashboard says so.
    expect(pages(effectsOf(desk.decline('pgr-m', 1)))).toEqual([]);
    expect(desk.alarms().map((alarm) => say(english, alarm))).toEqual(['Nobody can take Counter 1 (incident 1): every pager paged declined']);
  });

  it('pages a tier’s busy pager when the free one declines', () => {
    press(1);
    effectsOf(desk.acknowledge('pgr-a', 1)); // Anna is busy
    const second = desk.press({ button: 'btn-2', kind: 'red', seq: 1, pressedAt: clock.now() });
    expect(pages(second.effects).map((p) => p.pager)).toEqual(['pgr-b']);
    const declined = effectsOf(desk.decline('pgr-b', second.incidentId!));
    expect(pages(declined).map((p) => [p.pager, p.reason, p.level])).toEqual([['pgr-a', 'new', 1]]);
  });

  it('re-opens an incident for a press just after it was resolved, back to whoever resolved it, instead of paging anew', () => {
    const cool = new IncidentDesk(clock, { ...timings, reopenWindowMs: 60_000 }, directory, sequentialIds(1));
    for (const pager of ['pgr-a', 'pgr-b', 'pgr-m']) cool.setPagerOnline(pager, true);
    const red = (seq: number) => cool.press({ button: 'btn-1', kind: 'red', seq, pressedAt: clock.now() });
    red(1);
    effectsOf(cool.acknowledge('pgr-a', 1));
    effectsOf(cool.recordOutcome('pgr-a', 1, 'apologised'));
    clock.advance(20_000);
    const again = red(2);
    expect(again.incidentId).toBe(1);
    expect(pages(again.effects).map((p) => [p.pager, p.reason, p.count])).toEqual([['pgr-a', 'retrigger', 2]]);
    expect(events(again.effects)).toEqual(['reopened']);
    expect(cool.openIncidents()[0]).toMatchObject({ id: 1, holder: 'pgr-a', resolvedAt: null, outcome: null, count: 2 });
    effectsOf(cool.recordOutcome('pgr-a', 1, 'compensated'));
    clock.advance(61_000);
    expect(red(3).incidentId).toBe(2); // past the cool-down: a new customer, a new incident
  });

  it('keeps who acted by the name of whoever wore the pager then, and what went wrong', () => {
    let wearer = 'Anna';
    const people = new IncidentDesk(clock, timings, { ...directory, personOf: (pager) => (pager === 'pgr-a' ? wearer : pager) }, sequentialIds(1));
    for (const pager of ['pgr-a', 'pgr-b']) people.setPagerOnline(pager, true);
    people.press({ button: 'btn-1', kind: 'red', seq: 1, pressedAt: clock.now() });
    const acked = effectsOf(people.acknowledge('pgr-a', 1));
    expect(acked.flatMap((e) => (e.type === 'event' ? [[e.event.type, e.event.pager, e.event.person]] : []))).toEqual([['acknowledged', 'pgr-a', 'Anna']]);
    expect(cancels(acked)).toEqual([{ pager: 'pgr-b', incident: 1, reason: 'taken', by: 'Anna' }]);
    wearer = 'Carla'; // Carla takes over Anna's pager
    const resolved = effectsOf(people.recordOutcome('pgr-a', 1, 'compensated', 'Waiting'));
    const saved = resolved.flatMap((e) => (e.type === 'save' ? [e.incident] : []))[0];
    expect(saved).toMatchObject({ acknowledgedBy: 'pgr-a', acknowledgedPerson: 'Anna', resolvedBy: 'pgr-a', resolvedPerson: 'Carla', outcome: 'compensated', cause: 'Waiting' });
  });

  it('mutes a hammered button: its presses count on the open incident and are logged, nobody vibrates, until the time is up', () => {
    press(1);
    expect(desk.mute('pgr-m', 1, 600_000)).toEqual({ refused: 'pager pgr-m was not paged for incident 1' });
    const muted = effectsOf(desk.mute('pgr-a', 1, 600_000));
    expect(muted.flatMap((e) => (e.type === 'event' ? [[e.event.type, e.event.detail]] : []))).toEqual([['muted', 'Counter 1 muted for 10 min']]);
    clock.advance(1000);
    const during = press(2);
    expect([during.incidentId, pages(during.effects)]).toEqual([1, []]);
    expect(desk.openIncidents()[0].count).toBe(2);
    effectsOf(desk.recordOutcome('pgr-a', 1, 'other'));
    clock.advance(120_000);
    const afterResolve = press(3);
    expect([afterResolve.incidentId, afterResolve.effects]).toEqual([null, []]); // still muted: logged, no incident, no page
    expect(desk.mutedButtons()).toEqual([{ button: 'btn-1', until: T0 + 600_000 }]);
    clock.advance(480_000);
    expect(pages(press(4).effects).map((p) => p.pager)).toEqual(['pgr-a', 'pgr-b']);
    expect(desk.mutedButtons()).toEqual([]);
  });

  it('records staff reaching the customer: the chord’s own press comes off the count, and nobody is chased any more', () => {
    press(1);
    clock.advance(20_000);
    press(2); // staff's RED, the start of their chord
    const reached = desk.reach('btn-1', 2, clock.now() - 1500);
    expect(reached.incidentId).toBe(1);
    expect(reached.effects.flatMap((e) => (e.type === 'event' ? [[e.event.type, e.event.detail]] : e.type === 'feedback' ? [[e.feedback.state, e.button]] : []))).toEqual([
      ['reached', '19 s after the first press'],
      ['reached', 'btn-1'],
    ]);
    expect(desk.openIncidents()[0]).toMatchObject({ count: 1, reachedAt: T0 + 18_500, holder: null });
    clock.advance(60_000);
    expect(pages(desk.tick())).toEqual([]); // no re-buzz, no escalation: someone is with the customer
    // The chord again: the time of the first arrival is kept.
    expect(desk.reach('btn-1', 0, clock.now()).effects.filter((e) => e.type === 'event')).toEqual([]);
  });

  it('withdraws an incident that staff’s own press alone opened, and tells the pagers', () => {
    press(1); // staff start their chord with RED where no customer complained
    const reached = desk.reach('btn-1', 1, clock.now());
    expect(reached.incidentId).toBeNull();
    expect(cancels(reached.effects).map((c) => [c.pager, c.reason])).toEqual([['pgr-a', 'withdrawn'], ['pgr-b', 'withdrawn']]);
    expect(desk.openIncidents()).toEqual([]);
  });

  it('withdraws a removed button’s complaints and gives what a removed pager held back to routing (#17)', () => {
    press(1);
    effectsOf(desk.acknowledge('pgr-a', 1));
    const second = desk.press({ button: 'btn-2', kind: 'red', seq: 1, pressedAt: clock.now() });
    const pagerGone = desk.deviceRemoved('pgr-a', 'Anna');
    // Anna held btn-1's complaint: Ben gets it again at once.
    expect(pages(pagerGone).map((p) => [p.pager, p.incident, p.reason])).toEqual([['pgr-b', 1, 'retrigger']]);
    const buttonGone = desk.deviceRemoved('btn-2', 'Counter 2');
    expect(cancels(buttonGone).map((c) => [c.pager, c.incident, c.reason])).toEqual([['pgr-b', second.incidentId, 'withdrawn']]);
    expect(desk.openIncidents().map((r) => [r.id, r.holder])).toEqual([[1, null]]);
    clock.advance(15_000);
    expect(pages(desk.tick()).map((p) => p.pager)).toEqual(['pgr-b']); // the removed pager is never re-buzzed
  });

  describe('from the dashboard', () => {
    it('acknowledges as "olga (dashboard)": the pagers are told it is taken, the button that help is coming', () => {
      press(1);
      const taken = effectsOf(desk.acknowledgeBy('olga', 1));
      expect(cancels(taken)).toEqual([
        { pager: 'pgr-a', incident: 1, reason: 'taken', by: 'olga (dashboard)' },
        { pager: 'pgr-b', incident: 1, reason: 'taken', by: 'olga (dashboard)' },
      ]);
      expect(taken.some((e) => e.type === 'feedback' && e.feedback.state === 'acknowledged')).toBe(true);
      expect(desk.openIncidents()[0]).toMatchObject({ holder: '@olga', acknowledgedBy: '@olga', acknowledgedPerson: 'olga (dashboard)' });
      clock.advance(60_000);
      expect(pages(desk.tick())).toEqual([]); // held: no re-buzz, no escalation
      clock.advance(180_000);
      expect(pages(desk.tick()).map((p) => [p.pager, p.reason])).toEqual([['pgr-a', 'retrigger'], ['pgr-b', 'retrigger']]); // not resolved in time
    });

    it('resolves with outcome, cause and note, and closes a test incident with a reason', () => {
      press(1);
      effectsOf(desk.acknowledge('pgr-a', 1));
      const resolved = effectsOf(desk.resolveBy('olga', 1, 'compensated', 'Food', 'free dessert'));
      expect(cancels(resolved).map((c) => [c.pager, c.reason, c.by])).toEqual([['pgr-a', 'resolved', 'olga (dashboard)'], ['pgr-b', 'resolved', 'olga (dashboard)']]);
      const saved = resolved.flatMap((e) => (e.type === 'save' ? [e.incident] : [])).pop();
      expect(saved).toMatchObject({ acknowledgedPerson: 'Anna', resolvedBy: '@olga', resolvedPerson: 'olga (dashboard)', outcome: 'compensated', cause: 'Food', note: 'free dessert' });
      expect(desk.resolveBy('olga', 1, 'fixed', null, null)).toEqual({ refused: 'incident 1 is not open' });

      clock.advance(120_000);
      press(2);
      const closed = effectsOf(desk.closeBy('olga', 2, 'the technician testing'));
      const record = closed.flatMap((e) => (e.type === 'save' ? [e.incident] : [])).pop();
      expect(record).toMatchObject({ outcome: null, note: 'the technician testing', resolvedPerson: 'olga (dashboard)' });
      expect(cancels(closed).map((c) => c.reason)).toEqual(['withdrawn', 'withdrawn']);
    });

    it('reassigns to one pager: the others are told, it must acknowledge, and an unreachable pager is refused', () => {
      press(1);
      effectsOf(desk.acknowledge('pgr-a', 1));
      const moved = effectsOf(desk.reassign('olga', 1, 'pgr-m'));
      expect(cancels(moved).map((c) => [c.pager, c.by])).toEqual([['pgr-a', 'Maria'], ['pgr-b', 'Maria']]);
      expect(pages(moved).map((p) => [p.pager, p.reason])).toEqual([['pgr-m', 'new']]);
      expect(desk.openIncidents()[0].holder).toBeNull();
      clock.advance(15_000);
      expect(pages(desk.tick()).map((p) => p.pager)).toEqual(['pgr-m']); // re-buzzed until Maria acknowledges
      desk.setPagerOnline('pgr-b', false);
      expect(desk.reassign('olga', 1, 'pgr-b')).toEqual({ refused: "Ben's pager is not connected" });
    });

    it('mutes and unmutes a button, recording it on its open complaint', () => {
      press(1);
      const muted = desk.muteButton('olga', 'btn-1', 600_000);
      expect(muted.map((e) => (e.type === 'event' ? [e.event.type, e.event.person, e.event.detail] : null))).toEqual([['muted', 'olga (dashboard)', 'muted for 10 min']]);
      expect(pages(press(2).effects)).toEqual([]);
      desk.muteButton('olga', 'btn-1', 0);
      expect(desk.mutedButtons()).toEqual([]);
      expect(pages(press(3).effects).length).toBeGreaterThan(0);
    });
  });

  it('tells the managers once, at closing, which complaints are still open', () => {
    expect(desk.closingSummary()).toEqual([]);
    press(1);
    desk.press({ button: 'btn-2', kind: 'red', seq: 1, pressedAt: clock.now() });
    const summary = desk.closingSummary();
    expect(pages(summary).map((p) => [p.pager, p.kind, p.location])).toEqual([['pgr-m', 'closing', '2 still open: Counter 1, btn-2']]);
    expect(desk.closingSummary()).toEqual([]); // one at a time
  });
});

