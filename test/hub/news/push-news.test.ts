// What counts as news for an owner's phone, and quiet hours (pure).
import { describe, expect, it } from 'vitest';
import type { Effect, IncidentRecord } from '../../../hub/domain/incident-desk.js';
import { english, say } from '../../../hub/i18n/translate.js';
import { isQuiet, newsIn, type PushNote } from '../../../hub/news/push-news.js';

/** A note as an English-speaking phone gets it. */
const read = (notes: PushNote[]) => notes.map((n) => ({ ...n, title: say(english, n.title), body: say(english, n.body) }));

const record = (over: Partial<IncidentRecord>): IncidentRecord => ({
  id: 7, kind: 'red', source: 'btn-1', label: 'Terrace', openedAt: 0, lastPressAt: 0, count: 1, level: 1,
  acknowledgedAt: null, acknowledgedBy: null, acknowledgedPerson: null, holder: null, resolvedAt: null, resolvedBy: null, resolvedPerson: null,
  outcome: null, cause: null, reachedAt: null, note: null, trial: false, retriggers: 0, ...over,
});
const batch = (incident: IncidentRecord, ...events: Omit<Effect & { type: 'event' }, 'type'>['event'][]): Effect[] => [
  ...events.map((event) => ({ type: 'event' as const, event })),
  { type: 'save', incident },
];

describe('news for phones', () => {
  it('names an escalation, an all-call once per incident, device problems and mood alerts; not pages, not trial data', () => {
    expect(read(newsIn(batch(record({ level: 2 }), { incidentId: 7, at: 0, type: 'escalated', level: 2 })))).toEqual([
      { topic: 'unhandled', title: 'Unhappy customer: Terrace', body: 'Nobody has answered yet: escalated to level 2.', tag: 'incident-7', incidentId: 7 },
    ]);
    const allCall = newsIn(batch(record({}), { incidentId: 7, at: 0, type: 'paged', pager: 'a', detail: 'all-call' }, { incidentId: 7, at: 0, type: 'paged', pager: 'b', detail: 'all-call' }));
    expect(read(allCall).map((n) => [n.topic, n.title])).toEqual([['all-call', 'All-call: Terrace']]);
    expect(read(newsIn(batch(record({ kind: 'battery', label: 'Anna’s pager' }), { incidentId: 7, at: 0, type: 'opened', detail: '5 % left' })))).toMatchObject([{ topic: 'devices', title: 'Anna’s pager: battery low', body: '5 % left' }]);
    expect(read(newsIn(batch(record({ kind: 'mood' }), { incidentId: 7, at: 0, type: 'opened', detail: '3 of 5 unhappy' })))).toMatchObject([{ topic: 'mood', body: '3 of 5 unhappy' }]);
    expect(newsIn(batch(record({}), { incidentId: 7, at: 0, type: 'paged', pager: 'a', level: 1 }, { incidentId: 7, at: 0, type: 'opened' }))).toEqual([]);
    expect(newsIn(batch(record({ trial: true }), { incidentId: 7, at: 0, type: 'escalated', level: 2 }))).toEqual([]);
  });

  it('quiet hours hold within a day and across midnight', () => {
    expect(isQuiet('13:00', '12:00', '14:00')).toBe(true);
    expect(isQuiet('14:00', '12:00', '14:00')).toBe(false);
    expect(isQuiet('23:30', '22:00', '07:00')).toBe(true);
    expect(isQuiet('06:59', '22:00', '07:00')).toBe(true);
    expect(isQuiet('07:00', '22:00', '07:00')).toBe(false);
    expect(isQuiet('12:00', null, null)).toBe(false);
  });
});
