// The wall display: for a screen behind the counter, read from across the
// room. Each open incident is a big card, its colour by how long the customer
// has waited; nothing to click but "exit". Best with a viewer account.
import type { TodayView } from '../../contract/api-types.js';
import { duration, h, replace } from './dom.js';
import { t } from './i18n.js';
import { kindText } from './words.js';

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
      ? h('p', { class: 'wall-quiet' }, t('All quiet'))
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
                kindText(incident.kind),
                incident.count > 1 ? ` ×${incident.count}` : '',
                ' · ',
                incident.unrouted ? t('NOBODY REACHABLE') : incident.reachedAt !== null ? t('staff with the customer') : incident.holder ? t('{{name}} is on it', { name: incident.holder }) : t('waiting for someone'),
              ),
            ),
          ),
        ),
    h('p', { class: 'wall-foot' }, t('{{red}} red · {{green}} green today', { red: view.red, green: view.green }) + ' · ', h('a', { href: '#today', onclick: () => document.body.classList.remove('wall') }, t('exit wall display'))),
  );
}
