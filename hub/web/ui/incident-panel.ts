// One incident in a dialog: what happened, in order, with who did it; and,
// for an owner or a manager, the hands on it: "I'm on it", resolve with
// outcome, cause and a note, close without an outcome (with the reason),
// give it to another pager, mute its button. Outside <main>, so the live
// Today view redrawing does not wipe a half-filled form.
import type { IncidentDetail, Me, StaffView } from '../../contract/api-types.js';
import { jsonRequest, type Api } from './api.js';
import { duration, field, h, replace } from './dom.js';

const OUTCOMES: [string, string][] = [
  ['apologised', 'Apologised'],
  ['compensated', 'Compensated'],
  ['fixed', 'Fixed it'],
  ['left', 'Customer left'],
  ['other', 'Other'],
];

const EVENT_TEXT: Record<string, string> = {
  opened: 'opened',
  paged: 'paged',
  unrouted: 'nobody could be paged',
  delivered: 'reached the pager',
  acknowledged: 'on it',
  declined: "can't go",
  escalated: 'escalated',
  retriggered: 're-triggered (not resolved in time)',
  resolved: 'resolved',
  reopened: 're-opened (the customer pressed again)',
  late: 'late press',
  muted: 'button muted',
  reassigned: 'given to',
  reached: 'at the customer',
};

function clock(ms: number | null): string {
  return ms === null ? '–' : new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function select(name: string, options: [string, string][]): HTMLSelectElement {
  return h('select', { name }, options.map(([value, text]) => h('option', { value }, text))) as HTMLSelectElement;
}

export async function openIncident(id: number, api: Api, me: Me): Promise<void> {
  document.getElementById('incident-panel')?.remove();
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'quiet' }, 'Loading…'));
  const dialog = h(
    'dialog',
    { id: 'incident-panel', 'aria-labelledby': 'incident-title' },
    h('p', { class: 'panel-close' }, h('button', { type: 'button', onclick: () => (dialog as HTMLDialogElement).close() }, 'Close')),
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
    const state = d.open ? (d.holder ? `${d.holder} is on it` : 'waiting for someone') : `closed ${clock(d.resolvedAt)}${d.outcome ? ` · ${d.outcome}` : ''}`;
    const parts: HTMLElement[] = [
      h('h2', { id: 'incident-title' }, `${d.location} · incident ${d.id}`),
      h('p', {}, `${d.count} press${d.count === 1 ? '' : 'es'} since ${clock(d.openedAt)} · ${state}`),
    ];
    if (d.reachedAt !== null) parts.push(h('p', {}, `Staff at the customer ${duration(d.reachedAt - d.openedAt)} after the first press.`));
    if (d.cause || d.note) parts.push(h('p', {}, d.cause ? `What went wrong: ${d.cause}. ` : '', d.note ? `Note: ${d.note}` : ''));
    if (error) parts.push(h('p', { class: 'error', role: 'alert' }, error));
    if (d.open && people) parts.push(...actions(d, people));
    parts.push(
      h('h3', {}, 'What happened'),
      h(
        'ol',
        { class: 'history' },
        d.history.map((e) => h('li', {}, h('time', {}, clock(e.at)), ' ', EVENT_TEXT[e.type] ?? e.type, e.who ? ` · ${e.who}` : '', e.detail ? ` · ${e.detail}` : '')),
      ),
    );
    return parts;
  }

  function actions(d: IncidentDetail, people: StaffView): HTMLElement[] {
    const forms: HTMLElement[] = [];
    if (!d.holder?.endsWith('(dashboard)')) {
      forms.push(h('p', {}, h('button', { type: 'button', id: 'ack', class: 'primary', onclick: () => void act(`/api/incidents/${d.id}/acknowledge`, jsonRequest('POST', {})) }, "I'm on it")));
    }
    const outcome = select('outcome', OUTCOMES);
    const cause = select('cause', [['', '—'], ...me.causes.map((c): [string, string] => [c, c])]);
    const note = h('input', { name: 'note', maxlength: 500, placeholder: 'what was done' }) as HTMLInputElement;
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
        h('h3', {}, 'Resolve'),
        field('Outcome', outcome),
        field('What went wrong', cause),
        field('Note', note),
        h('button', { type: 'submit', class: 'primary' }, 'Resolve'),
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
          h('h3', {}, 'Give it to'),
          field('Pager', pager),
          h('button', { type: 'submit' }, 'Page them'),
        ),
      );
    }
    if (d.kind === 'red') {
      const minutes = select('minutes', [['15', '15 min'], ['30', '30 min'], ['60', '1 hour']]);
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
          h('h3', {}, 'Someone keeps pressing?'),
          field('Mute this button for', minutes),
          h('button', { type: 'submit' }, 'Mute'),
        ),
      );
    }
    const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'e.g. a test press' }) as HTMLInputElement;
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
        h('h3', {}, 'Close without an outcome'),
        field('Why', reason),
        h('button', { type: 'submit' }, 'Close it'),
      ),
    );
    return forms;
  }
}
