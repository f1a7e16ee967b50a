// The live stream sends the whole "Today" view once, then what changed
// (web/live-feed.ts): this puts the two together again.
import type { OpenIncidentView, TodayChanges, TodayView } from '../../contract/api-types.js';

/** `view` with `changes` applied: today's fields replaced, changed incidents replaced or added, gone ones removed, oldest first as the hub sends them. */
export function withChanges(view: TodayView, changes: TodayChanges): TodayView {
  const replaced = new Set(changes.gone.concat(changes.open.map((incident) => incident.id)));
  const open = view.open.filter((incident) => !replaced.has(incident.id)).concat(changes.open);
  open.sort(oldestFirst);
  const { gone: _gone, ...fields } = changes;
  return { ...fields, open };
}

function oldestFirst(a: OpenIncidentView, b: OpenIncidentView): number {
  return a.openedAt - b.openedAt || a.id - b.id;
}
