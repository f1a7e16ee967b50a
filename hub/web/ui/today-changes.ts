// The live stream sends the whole "Today" view once, then what changed
// (web/live-feed.ts): this puts the two together again.
import type { OpenIncidentView, TodayChanges, TodayView } from '../../contract/api-types.js';

/**
 * `view` with `changes` applied: today's fields replaced, changed incidents
 * updated with the fields sent (a press sends only the count and last press)
 * or added whole, gone ones removed, oldest first as the hub sends them.
 */
export function withChanges(view: TodayView, changes: TodayChanges): TodayView {
  const before = new Map(view.open.map((incident) => [incident.id, incident]));
  const gone = new Set(changes.gone);
  // A part (an id with some fields) comes only for an incident the stream already has; a new one comes whole.
  for (const change of changes.open) before.set(change.id, { ...before.get(change.id), ...change } as OpenIncidentView);
  const open = [...before.values()].filter((incident) => !gone.has(incident.id));
  open.sort(oldestFirst);
  const { gone: _gone, ...fields } = changes;
  return { ...fields, open };
}

function oldestFirst(a: OpenIncidentView, b: OpenIncidentView): number {
  return a.openedAt - b.openedAt || a.id - b.id;
}
