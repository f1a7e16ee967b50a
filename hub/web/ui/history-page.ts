// History over any range: from and to (local days), totals per day, week or
// month as bars with the numbers beside them, and the incidents a page at a
// time, filtered by place, outcome, cause or person.
import type { HistoryView } from '../../contract/api-types.js';
import { field, h, replace, table } from './dom.js';
import type { Api } from './api.js';
import { format, t } from './i18n.js';
import { kindText, outcomeText } from './words.js';

export interface HistoryChoice {
  from: string;
  to: string;
  per: 'day' | 'week' | 'month';
  place: string;
  outcome: string;
  person: string;
  page: number;
}

export async function showHistory(main: HTMLElement, api: Api, today: string, choice?: HistoryChoice): Promise<void> {
  const monthAgo = new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10);
  const c: HistoryChoice = choice ?? { from: monthAgo, to: today, per: 'day', place: '', outcome: '', person: '', page: 1 };
  const from = h('input', { type: 'date', name: 'from', value: c.from, required: true }) as HTMLInputElement;
  const to = h('input', { type: 'date', name: 'to', value: c.to, required: true }) as HTMLInputElement;
  const per = h('select', { name: 'per' }, ([['day', t('per day')], ['week', t('per week')], ['month', t('per month')]] as const).map(([p, text]) => h('option', { value: p, selected: p === c.per }, text))) as HTMLSelectElement;
  const place = h('input', { name: 'place', value: c.place, placeholder: t('every place') }) as HTMLInputElement;
  const outcome = h('select', { name: 'outcome' }, [['', t('any outcome')], ['open', t('still open')], ['apologised', t('apologised')], ['compensated', t('compensated')], ['fixed', t('fixed')], ['left', t('customer left')], ['other', t('other')]].map(([value, text]) => h('option', { value, selected: value === c.outcome }, text))) as HTMLSelectElement;
  const person = h('input', { name: 'person', value: c.person, placeholder: t('anyone') }) as HTMLInputElement;
  const again = (page = 1) => void showHistory(main, api, today, { from: from.value, to: to.value, per: per.value as HistoryChoice['per'], place: place.value.trim(), outcome: outcome.value, person: person.value.trim(), page });
  const form = h(
    'form',
    { class: 'grid', id: 'history-form', onsubmit: (event: Event) => (event.preventDefault(), again()) },
    field(t('From'), from),
    field(t('To'), to),
    field(t('Totals'), per),
    field(t('Place'), place),
    field(t('Outcome'), outcome),
    field(t('Person'), person),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('Show'))),
  );
  replace(main, h('h1', {}, t('History')), form, h('p', { class: 'quiet' }, t('Loading…')));

  const query = new URLSearchParams({ from: c.from, to: c.to, per: c.per, page: String(c.page) });
  if (c.place) query.set('place', c.place);
  if (c.outcome) query.set('outcome', c.outcome);
  if (c.person) query.set('person', c.person);
  let view: HistoryView;
  try {
    view = await api<HistoryView>(`/api/history?${query}`);
  } catch (failure) {
    replace(main, h('h1', {}, t('History')), form, h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const most = Math.max(1, ...view.totals.map((total) => total.incidents));
  const seconds = (s: number | null) => (s === null ? '–' : t('{{n}} s', { n: s }));
  replace(
    main,
    h('h1', {}, t('History')),
    form,
    h('p', {}, t('{{count}} incidents from {{from}} to {{to}} ({{zone}}).', { count: view.total, from: format.date(view.from), to: format.date(view.to), zone: view.timeZone }) + ' ', h('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('Print'))),
    view.total === 0
      ? h('p', { class: 'quiet' }, t('Nothing in this range. Complaints appear here as customers press RED; try a longer range or fewer filters.'))
      : table(
          [view.per === 'day' ? t('Day') : view.per === 'week' ? t('Week of') : t('Month of'), t('Unhappy customers (presses)'), t('Happy customers'), t('Incidents'), '', t('Recovered'), t('Median to acknowledge'), t('Median to reach')],
          view.totals.map((total) => [
            total.period,
            `${total.customers.red} (${total.presses.red})`,
            total.customers.green,
            total.incidents,
            h('span', { class: 'hbar', style: `width:${Math.round((total.incidents / most) * 8)}rem` }),
            t('{{recovered}} of {{resolved}}', { recovered: total.recovered, resolved: total.resolved }),
            seconds(total.medianAcknowledgeS),
            seconds(total.medianReachS),
          ]),
        ),
    view.total === 0
      ? null
      : table(
          ['#', t('Opened'), t('Place'), t('What'), '×N', t('Taken by'), t('To acknowledge'), t('Outcome'), t('Why')],
          view.incidents.map((i) => [i.id, i.opened.slice(0, 16).replace('T', ' '), i.location, kindText(i.kind), i.presses, i.acknowledgedBy ?? '', seconds(i.secondsToAcknowledge), i.outcome ? outcomeText(i.outcome) : '', i.cause ?? '']),
        ),
    view.pages > 1
      ? h(
          'p',
          { class: 'pair' },
          h('button', { type: 'button', disabled: view.page <= 1, onclick: () => again(view.page - 1) }, t('← Earlier page')),
          h('span', {}, t('page {{page}} of {{pages}}', { page: view.page, pages: view.pages })),
          h('button', { type: 'button', disabled: view.page >= view.pages, onclick: () => again(view.page + 1) }, t('Later page →')),
        )
      : null,
  );
}
