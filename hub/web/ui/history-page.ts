// History over any range: from and to (local days), totals per day, week or
// month as bars with the numbers beside them, and the incidents a page at a
// time, filtered by place, outcome, cause or person.
import type { HistoryView } from '../../contract/api-types.js';
import { field, h, replace, table } from './dom.js';
import type { Api } from './api.js';

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
  const per = h('select', { name: 'per' }, (['day', 'week', 'month'] as const).map((p) => h('option', { value: p, selected: p === c.per }, `per ${p}`))) as HTMLSelectElement;
  const place = h('input', { name: 'place', value: c.place, placeholder: 'every place' }) as HTMLInputElement;
  const outcome = h('select', { name: 'outcome' }, [['', 'any outcome'], ['open', 'still open'], ['apologised', 'apologised'], ['compensated', 'compensated'], ['fixed', 'fixed'], ['left', 'customer left'], ['other', 'other']].map(([value, text]) => h('option', { value, selected: value === c.outcome }, text))) as HTMLSelectElement;
  const person = h('input', { name: 'person', value: c.person, placeholder: 'anyone' }) as HTMLInputElement;
  const again = (page = 1) => void showHistory(main, api, today, { from: from.value, to: to.value, per: per.value as HistoryChoice['per'], place: place.value.trim(), outcome: outcome.value, person: person.value.trim(), page });
  const form = h(
    'form',
    { class: 'grid', id: 'history-form', onsubmit: (event: Event) => (event.preventDefault(), again()) },
    field('From', from),
    field('To', to),
    field('Totals', per),
    field('Place', place),
    field('Outcome', outcome),
    field('Person', person),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Show')),
  );
  replace(main, h('h1', {}, 'History'), form, h('p', { class: 'quiet' }, 'Loading…'));

  const query = new URLSearchParams({ from: c.from, to: c.to, per: c.per, page: String(c.page) });
  if (c.place) query.set('place', c.place);
  if (c.outcome) query.set('outcome', c.outcome);
  if (c.person) query.set('person', c.person);
  let view: HistoryView;
  try {
    view = await api<HistoryView>(`/api/history?${query}`);
  } catch (failure) {
    replace(main, h('h1', {}, 'History'), form, h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const most = Math.max(1, ...view.totals.map((t) => t.incidents));
  const seconds = (s: number | null) => (s === null ? '–' : `${s} s`);
  replace(
    main,
    h('h1', {}, 'History'),
    form,
    h('p', {}, `${view.total} incidents from ${view.from} to ${view.to} (${view.timeZone}). `, h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print')),
    view.total === 0
      ? h('p', { class: 'quiet' }, 'Nothing in this range. Complaints appear here as customers press RED; try a longer range or fewer filters.')
      : table(
          [view.per === 'day' ? 'Day' : view.per === 'week' ? 'Week of' : 'Month of', 'Unhappy customers (presses)', 'Happy customers', 'Incidents', '', 'Recovered', 'Median to acknowledge', 'Median to reach'],
          view.totals.map((t) => [
            t.period,
            `${t.customers.red} (${t.presses.red})`,
            t.customers.green,
            t.incidents,
            h('span', { class: 'hbar', style: `width:${Math.round((t.incidents / most) * 8)}rem` }),
            `${t.recovered} of ${t.resolved}`,
            seconds(t.medianAcknowledgeS),
            seconds(t.medianReachS),
          ]),
        ),
    view.total === 0
      ? null
      : table(
          ['#', 'Opened', 'Place', 'What', '×N', 'Taken by', 'To ack', 'Outcome', 'Why'],
          view.incidents.map((i) => [i.id, i.opened.slice(0, 16).replace('T', ' '), i.location, i.kind, i.presses, i.acknowledgedBy ?? '', seconds(i.secondsToAcknowledge), i.outcome ?? '', i.cause ?? '']),
        ),
    view.pages > 1
      ? h(
          'p',
          { class: 'pair' },
          h('button', { type: 'button', disabled: view.page <= 1, onclick: () => again(view.page - 1) }, '← Earlier page'),
          h('span', {}, `page ${view.page} of ${view.pages}`),
          h('button', { type: 'button', disabled: view.page >= view.pages, onclick: () => again(view.page + 1) }, 'Later page →'),
        )
      : null,
  );
}
