// Who is on shift and who wears which pager today. An owner or a manager puts
// a pager on or off shift and hands it to someone else for the day; a viewer
// sees the same without the controls.
import type { Me, StaffView } from '../../contract/api-types.js';
import { h, replace, table } from './dom.js';
import { jsonRequest, type Api } from './api.js';
import { t } from './i18n.js';

export async function showStaff(main: HTMLElement, api: Api, me: Me, error?: string): Promise<void> {
  let view: StaffView;
  try {
    view = await api<StaffView>('/api/staff');
  } catch (failure) {
    replace(main, h('h1', {}, t('Staff')), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const canChange = me.role !== 'viewer';
  const change = async (path: string, body: unknown) => {
    try {
      await api(path, jsonRequest('PUT', body));
      await showStaff(main, api, me);
    } catch (failure) {
      await showStaff(main, api, me, (failure as Error).message);
    }
  };
  const wearer = (pager: StaffView['pagers'][number]) => {
    if (!canChange || view.people.length === 0) return pager.wearerName ?? '—';
    const select = h(
      'select',
      { 'aria-label': t('Who wears {{pager}}', { pager: pager.label }), 'data-pager': pager.id, onchange: (e: Event) => void change(`/api/pagers/${pager.id}/wearer`, { person: (e.target as HTMLSelectElement).value || null }) },
      h('option', { value: '' }, t('nobody')),
      view.people.map((p) => h('option', { value: p.id, selected: p.id === pager.wearer }, p.name)),
    );
    return select;
  };
  const shift = (pager: StaffView['pagers'][number]) =>
    canChange
      ? h(
          'button',
          { type: 'button', class: pager.onShift ? 'on' : '', 'data-shift': pager.id, onclick: () => void change(`/api/pagers/${pager.id}/shift`, { onShift: !pager.onShift }) },
          pager.onShift ? t('On shift') : t('Off shift'),
        )
      : pager.onShift
        ? t('on shift')
        : t('off shift');
  replace(
    main,
    h('h1', {}, t('Staff')),
    error ? h('p', { class: 'error', role: 'alert' }, error) : null,
    h('p', { class: 'quiet' }, t('Every pager goes off shift at closing time and those scheduled go on at opening; a swap lasts until closing.')),
    table(
      [t('Pager'), t('Worn today by'), t('Shift'), t('Connected')],
      view.pagers.map((p) => [h('span', {}, p.label, p.swapped ? h('small', {}, ` (${t('swapped today')})`) : null), wearer(p), shift(p), p.online ? t('yes') : t('no')]),
      (i) => (view.pagers[i].onShift && view.pagers[i].online ? undefined : 'alert'),
    ),
    view.people.length === 0 ? h('p', { class: 'quiet' }, t('No people are configured: each pager’s label stands for its wearer (see "people" in the configuration).')) : null,
  );
}
