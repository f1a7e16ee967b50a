// The wall display: for a screen behind the counter, read from across the
// room. Each open incident is a big card, its colour by how long the customer
// has waited; nothing to click but "exit". Best with a viewer account.
import type { TodayView } from '../../contract/api-types.js';
import { duration, h, replace } from './dom.js';

const KIND: Record<string, string> = { red: 'Unhappy customer', missing: 'Device missing', battery: 'Battery low', storage: 'Hub disk failing', mood: 'Many unhappy', closing: 'Still open at closing' };

/** fresh under a minute, waiting under three, late after that; someone on it is calm. */
function urgency(waitedMs: number, taken: boolean): string {
  if (taken) return 'taken';
  return waitedMs < 60_000 ? 'fresh' : waitedMs < 180_000 ? 'waiting' : 'late';
}

export function renderWall(main: HTMLElement, view: TodayView, offset: number): void {
  document.body.classList.add('wall');
  const now = Date.now() + offset;
  replace(
    main,
    view.alarms.map((alarm) => h('p', { class: 'alarm', role: 'alert' }, alarm)),
    view.open.length === 0
      ? h('p', { class: 'wall-quiet' }, 'All quiet')
      : h(
          'div',
          { class: 'wall-cards' },
          view.open.map((incident) =>
            h(
              'section',
              { class: `wall-card ${urgency(now - incident.openedAt, incident.holder !== null || incident.reachedAt !== null)}`, 'data-incident': incident.id },
              h('h2', {}, incident.location),
              h('p', { class: 'wall-age age', 'data-since': incident.openedAt }, duration(now - incident.openedAt)),
              h(
                'p',
                {},
                KIND[incident.kind] ?? incident.kind,
                incident.count > 1 ? ` ×${incident.count}` : '',
                ' · ',
                incident.unrouted ? 'NOBODY REACHABLE' : incident.reachedAt !== null ? 'staff with the customer' : incident.holder ? `${incident.holder} is on it` : 'waiting for someone',
              ),
            ),
          ),
        ),
    h('p', { class: 'wall-foot' }, `${view.red} red · ${view.green} green today · `, h('a', { href: '#today', onclick: () => document.body.classList.remove('wall') }, 'exit wall display')),
  );
}
