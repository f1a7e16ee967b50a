// One incident in a dialog: what happened, in order, with who did it; and,
// for an owner or a manager, the hands on it: "I'm on it", resolve with
// outcome, cause and a note, close without an outcome (with the reason),
// give it to another pager, mute its button. Outside <main>, so the live
// Today view redrawing does not wipe a half-filled form.
import type { IncidentDetail, Me, StaffView } from '../../contract/api-types.js';
import { jsonRequest, type Api } from './api.js';
import { duration, field, h, replace } from './dom.js';
import { pageLanguage, t } from './i18n.js';

const outcomes = (): [string, string][] => [
  ['apologised', t('Apologised')],
  ['compensated', t('Compensated')],
  ['fixed', t('Fixed it')],
  ['left', t('Customer left')],
  ['other', t('Other')],
];

const EVENT_TEXT: Record<string, () => string> = {
  opened: () => t('opened'),
  paged: () => t('paged'),
  unrouted: () => t('nobody could be paged'),
  delivered: () => t('reached the pager'),
  acknowledged: () => t('on it'),
  declined: () => t("can't go"),
  escalated: () => t('escalated'),
  retriggered: () => t('re-triggered (not resolved in time)'),
  resolved: () => t('resolved'),
  reopened: () => t('re-opened (the customer pressed again)'),
  late: () => t('late press'),
  muted: () => t('button muted'),
  reassigned: () => t('given to'),
  reached: () => t('at the customer'),
};

function clock(ms: number | null): string {
  return ms === null ? '–' : new Date(ms).toLocaleTimeString(pageLanguage(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function select(name: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { name }, options.map(([value, text]) => h('option', { value }, text))) as HTMLSelectElement;
}

export async function openIncident(id: number, api: Api, me: Me): Promise<void> {
  document.getElementById('incident-panel')?.remove();
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'quiet' }, t('Loading…')));
  const dialog = h(
    'dialog',
    { id: 'incident-panel', 'aria-labelledby': 'incident-title' },
    h('p', { class: 'panel-close' }, h('button', { type: 'button', onclick: () => (dialog as HTMLDialogElement).close() }, t('Close'))),
    body,
  ) as HTMLDialogElement;
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();

  const show = (detail: IncidentDetail, staff: StaffView | null, error?: string) => replace(body, render(detail, staff, error));
  const act = async (path: string, init: RequestInit) => {
    try {
      show(await api<IncidentDetail>(path, init), staff);
    } catch (failure) {
      show(detail, staff, (failure as Error).message);
    }
  };

  let detail: IncidentDetail;
  let staff: StaffView | null = null;
  try {
    detail = await api<IncidentDetail>(`/api/incidents/${id}`);
    if (me.role !== 'viewer') staff = await api<StaffView>('/api/staff');
  } catch (failure) {
    replace(body, h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  show(detail, staff);

  function render(d: IncidentDetail, people: StaffView | null, error?: string): HTMLElement[] {
    detail = d;
    const outcome = outcomes().find(([value]) => value === d.outcome)?.[1] ?? d.outcome;
    const state = d.open ? (d.holder ? t('{{name}} is on it', { name: d.holder }) : t('waiting for someone')) : `${t('closed {{time}}', { time: clock(d.resolvedAt) })}${outcome ? ` · ${outcome}` : ''}`;
    const parts: HTMLElement[] = [
      h('h2', { id: 'incident-title' }, `${d.location} · ${t('incident {{id}}', { id: d.id })}`),
      h('p', {}, `${t('{{count}} presses since {{time}}', { count: d.count, time: clock(d.openedAt) })} · ${state}`),
    ];
    if (d.reachedAt !== null) parts.push(h('p', {}, t('Staff at the customer {{time}} after the first press.', { time: duration(d.reachedAt - d.openedAt) })));
    if (d.cause || d.note) parts.push(h('p', {}, d.cause ? t('What went wrong: {{cause}}.', { cause: d.cause }) + ' ' : '', d.note ? t('Note: {{note}}', { note: d.note }) : ''));
    if (error) parts.push(h('p', { class: 'error', role: 'alert' }, error));
    if (d.open && people) parts.push(...actions(d, people));
    parts.push(
      h('h3', {}, t('What happened')),
      h(
        'ol',
        { class: 'history' },
        d.history.map((e) => h('li', {}, h('time', {}, clock(e.at)), ' ', EVENT_TEXT[e.type]?.() ?? e.type, e.who ? ` · ${e.who}` : '', e.detail ? ` · ${e.detail}` : '')),
      ),
    );
    return parts;
  }

  function actions(d: IncidentDetail, people: StaffView): HTMLElement[] {
    const forms: HTMLElement[] = [];
    if (!d.holder?.endsWith('(dashboard)')) {
      forms.push(h('p', {}, h('button', { type: 'button', id: 'ack', class: 'primary', onclick: () => void act(`/api/incidents/${d.id}/acknowledge`, jsonRequest('POST', {})) }, t("I'm on it"))));
    }
    const outcome = select('outcome', outcomes());
    const cause = select('cause', [['', '—'], ...me.causes.map((c): [string, string] => [c, c])]);
    const note = h('input', { name: 'note', maxlength: 500, placeholder: t('what was done') }) as HTMLInputElement;
    forms.push(
      h(
        'form',
        {
          class: 'act',
          id: 'resolve',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const payload: Record<string, string> = { outcome: outcome.value };
            if (cause.value) payload.cause = cause.value;
            if (note.value.trim()) payload.note = note.value.trim();
            void act(`/api/incidents/${d.id}/resolve`, jsonRequest('POST', payload));
          },
        },
        h('h3', {}, t('Resolve')),
        field(t('Outcome'), outcome),
        field(t('What went wrong'), cause),
        field(t('Note'), note),
        h('button', { type: 'submit', class: 'primary' }, t('Resolve')),
      ),
    );
    const pagers = people.pagers.filter((p) => p.online && p.onShift);
    if (pagers.length > 0) {
      const pager = select('pager', pagers.map((p): [string, string] => [p.id, p.wearerName ?? p.label]));
      forms.push(
        h(
          'form',
          {
            class: 'act',
            id: 'reassign',
            onsubmit: (event: Event) => {
              event.preventDefault();
              void act(`/api/incidents/${d.id}/reassign`, jsonRequest('POST', { pager: pager.value }));
            },
          },
          h('h3', {}, t('Give it to')),
          field(t('Pager'), pager),
          h('button', { type: 'submit' }, t('Page them')),
        ),
      );
    }
    if (d.kind === 'red') {
      const minutes = select('minutes', [['15', t('{{m}} min', { m: 15 })], ['30', t('{{m}} min', { m: 30 })], ['60', t('1 hour')]]);
      forms.push(
        h(
          'form',
          {
            class: 'act',
            id: 'mute',
            onsubmit: async (event: Event) => {
              event.preventDefault();
              try {
                await api(`/api/buttons/${d.source}/mute`, jsonRequest('PUT', { minutes: Number(minutes.value) }));
                show(await api<IncidentDetail>(`/api/incidents/${d.id}`), people);
              } catch (failure) {
                show(d, people, (failure as Error).message);
              }
            },
          },
          h('h3', {}, t('Someone keeps pressing?')),
          field(t('Mute this button for'), minutes),
          h('button', { type: 'submit' }, t('Mute')),
        ),
      );
    }
    const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: t('e.g. a test press') }) as HTMLInputElement;
    forms.push(
      h(
        'form',
        {
          class: 'act',
          id: 'close',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void act(`/api/incidents/${d.id}/close`, jsonRequest('POST', { reason: reason.value.trim() }));
          },
        },
        h('h3', {}, t('Close without an outcome')),
        field(t('Why'), reason),
        h('button', { type: 'submit' }, t('Close it')),
      ),
    );
    return forms;
  }
}
