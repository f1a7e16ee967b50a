// Settings for an owner, in the browser: labels and places of the devices,
// the people, opening hours, who is paged for each button, timings and
// thresholds, the causes. The page edits the configuration file as written
// and sends it back whole; the hub checks it with the same schema as at
// start and answers field-named problems, shown beside the form.
import type { Me } from '../../contract/api-types.js';
import { field, h, replace } from './dom.js';
import type { Api } from './api.js';

type Json = Record<string, unknown>;
interface Device {
  id: string;
  kind: 'button' | 'pager';
  label: string;
  location?: string;
}
interface Person {
  id: string;
  name: string;
  role?: 'staff' | 'manager';
  pager?: string;
  days?: string[];
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const NUMBERS: [string, string, string][] = [
  ['timings', 'rebuzzS', 'Re-buzz every (s)'],
  ['timings', 'escalateS', 'Escalate after (s)'],
  ['timings', 'retriggerS', 'Re-trigger when not resolved after (s)'],
  ['timings', 'foldWindowS', 'Presses fold into the open incident within (s)'],
  ['timings', 'updateBuzzGapS', 'A count update vibrates at most every (s)'],
  ['timings', 'reopenWindowS', 'A press this soon after resolving re-opens it (s)'],
  ['timings', 'latePressS', 'A press older than this is late (s)'],
  ['timings', 'muteMinutes', '"Mute button" lasts (min)'],
  ['timings', 'offlineGraceS', 'A device is missing after offline for (s)'],
  ['', 'reactionTargetS', 'Reaction target (s)'],
  ['moodAlert', 'windowMinutes', 'Mood alert window (min)'],
  ['moodAlert', 'minResponses', 'Mood alert needs at least (presses)'],
  ['moodAlert', 'redSharePercent', 'Mood alert at unhappy share (%)'],
  ['battery', 'lowPercent', 'Battery low at (%)'],
  ['battery', 'warnMinutes', 'Warn before a battery runs out (min)'],
];

const tiersText = (tiers: string[][] | undefined) => (tiers ?? []).map((tier) => tier.join(', ')).join('; ');
const tiersOf = (text: string) =>
  text
    .split(';')
    .map((tier) => tier.split(',').map((id) => id.trim()).filter(Boolean))
    .filter((tier) => tier.length > 0);
const listOf = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

function input(name: string, value: string | number | undefined, props: Record<string, string | number | boolean> = {}): HTMLInputElement {
  return h('input', { name, value: value === undefined ? '' : String(value), ...props }) as HTMLInputElement;
}

export async function showSettings(main: HTMLElement, api: Api, _me: Me, notice?: HTMLElement): Promise<void> {
  let file: Json;
  try {
    file = await api<Json>('/api/settings');
  } catch (failure) {
    replace(main, h('h1', {}, 'Settings'), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const devices = ((file.devices as Device[] | undefined) ?? []).map((d) => ({ ...d }));
  const people = ((file.people as Person[] | undefined) ?? []).map((p) => ({ ...p }));
  const pagers = devices.filter((d) => d.kind === 'pager');
  const buttons = devices.filter((d) => d.kind === 'button');
  const readers: (() => void)[] = [];

  // Devices: label and place.
  const deviceRows = devices.map((d) => {
    const label = input(`label-${d.id}`, d.label, { maxlength: 32, 'aria-label': `Label of ${d.id}` });
    const location = input(`location-${d.id}`, d.location, { maxlength: 80, 'aria-label': `Place of ${d.id}` });
    readers.push(() => {
      d.label = label.value.trim();
      if (location.value.trim()) d.location = location.value.trim();
      else delete d.location;
    });
    return h('tr', {}, h('td', {}, d.id), h('td', {}, d.kind), h('td', {}, label), h('td', {}, location));
  });

  // People: name, role, usual pager, days.
  const personRows = people.map((p) => {
    const name = input(`name-${p.id}`, p.name, { maxlength: 32, 'aria-label': `Name of ${p.id}` });
    const role = h('select', { name: `role-${p.id}`, 'aria-label': `Role of ${p.name}` }, ['staff', 'manager'].map((r) => h('option', { value: r, selected: (p.role ?? 'staff') === r }, r))) as HTMLSelectElement;
    const pager = h('select', { name: `pager-${p.id}`, 'aria-label': `Usual pager of ${p.name}` }, h('option', { value: '' }, '—'), pagers.map((d) => h('option', { value: d.id, selected: p.pager === d.id }, d.label))) as HTMLSelectElement;
    const days = WEEKDAYS.map((day) => h('input', { type: 'checkbox', name: `day-${p.id}-${day}`, 'aria-label': `${p.name} works ${day}`, checked: p.days === undefined || p.days.includes(day) }) as HTMLInputElement);
    readers.push(() => {
      p.name = name.value.trim();
      p.role = role.value as Person['role'];
      if (pager.value) p.pager = pager.value;
      else delete p.pager;
      const chosen = WEEKDAYS.filter((_, i) => days[i].checked);
      if (chosen.length === 7) delete p.days;
      else p.days = chosen;
    });
    return h('tr', {}, h('td', {}, name), h('td', {}, role), h('td', {}, pager), h('td', { class: 'days' }, WEEKDAYS.map((day, i) => h('label', {}, days[i], day))));
  });
  const newPersonId = input('new-person-id', '', { maxlength: 23, placeholder: 'id, e.g. anna' });
  const newPersonName = input('new-person-name', '', { maxlength: 32, placeholder: 'name' });
  readers.push(() => {
    if (newPersonId.value.trim() || newPersonName.value.trim()) people.push({ id: newPersonId.value.trim(), name: newPersonName.value.trim() });
  });

  // Opening hours: one line per day; no key at all means open round the clock.
  const hours = (file.openingHours as Record<string, string[]> | undefined) ?? null;
  const always = h('input', { type: 'checkbox', name: 'always-open', checked: hours === null }) as HTMLInputElement;
  const dayInputs = WEEKDAYS.map((day) => input(`hours-${day}`, (hours?.[day] ?? []).join(', '), { placeholder: 'closed', 'aria-label': `Opening hours ${day}` }));
  readers.push(() => {
    if (always.checked) delete file.openingHours;
    else file.openingHours = Object.fromEntries(WEEKDAYS.map((day, i) => [day, listOf(dayInputs[i].value)]).filter(([, ranges]) => ranges.length > 0));
  });

  // Who is paged: tiers per button, the default, the managers.
  const routes = { ...((file.routes as Record<string, string[][]> | undefined) ?? {}) };
  const routeInputs = buttons.map((b) => input(`route-${b.id}`, tiersText(routes[b.id]), { placeholder: 'the default route', 'aria-label': `Who is paged for ${b.label}` }));
  const defaultRoute = input('default-route', tiersText(file.defaultRoute as string[][] | undefined), { 'aria-label': 'Default route' });
  const managers = input('managers', ((file.managers as string[] | undefined) ?? []).join(', '), { 'aria-label': 'Managers' });
  readers.push(() => {
    buttons.forEach((b, i) => {
      const tiers = tiersOf(routeInputs[i].value);
      if (tiers.length > 0) routes[b.id] = tiers;
      else delete routes[b.id];
    });
    file.routes = routes;
    file.defaultRoute = tiersOf(defaultRoute.value);
    file.managers = listOf(managers.value);
  });

  // Timings and thresholds: only what the owner filled in goes into the file (empty: the default).
  const numberInputs = NUMBERS.map(([group, key, label]) => {
    const holder = group ? ((file[group] as Json | undefined) ?? {}) : file;
    const control = input(`${group ? group + '.' : ''}${key}`, holder[key] as number | undefined, { type: 'number', step: 'any', placeholder: 'default' });
    readers.push(() => {
      const target = group ? ((file[group] as Json | undefined) ?? {}) : file;
      if (control.value === '') delete target[key];
      else target[key] = Number(control.value);
      if (group) file[group] = target;
    });
    return field(label, control);
  });
  const causes = input('causes', ((file.causes as string[] | undefined) ?? []).join(', '), { placeholder: 'Waiting, Food, Staff, Price, Not clean, Other' });
  const timeZone = input('timeZone', file.timeZone as string | undefined, { placeholder: "this computer's zone" });
  readers.push(() => {
    if (causes.value.trim()) file.causes = listOf(causes.value);
    else delete file.causes;
    if (timeZone.value.trim()) file.timeZone = timeZone.value.trim();
    else delete file.timeZone;
  });

  const problems = h('div', { id: 'settings-problems' });
  const save = async (event: Event) => {
    event.preventDefault();
    for (const read of readers) read();
    file.devices = devices;
    file.people = people;
    const response = await fetch('/api/settings', { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(file) });
    const body = (await response.json()) as { error?: { message: string }; problems?: { field: string; message: string }[] };
    if (response.ok) {
      await showSettings(main, api, _me, h('p', { class: 'banner', role: 'status' }, 'Saved and applied.'));
      return;
    }
    replace(
      problems,
      h('p', { class: 'error', role: 'alert' }, body.error?.message ?? response.statusText),
      h('ul', { class: 'error' }, (body.problems ?? []).map((p) => h('li', {}, h('b', {}, p.field || 'the file'), `: ${p.message}`))),
    );
    problems.scrollIntoView();
  };

  replace(
    main,
    h('h1', {}, 'Settings'),
    notice ?? null,
    h(
      'form',
      { id: 'settings', onsubmit: (event: Event) => void save(event) },
      problems,
      h('h2', {}, 'Buttons and pagers'),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['Id', 'Kind', 'Label', 'Place'].map((t) => h('th', {}, t)))), h('tbody', {}, deviceRows))),
      h('p', { class: 'quiet' }, 'New devices are added by the technician with loyalty-hub device add (it makes their secret).'),
      h('h2', {}, 'People'),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Role', 'Usual pager', 'Works on'].map((t) => h('th', {}, t)))), h('tbody', {}, personRows))),
      h('p', { class: 'pair' }, field('New person: id', newPersonId), field('name', newPersonName)),
      h('h2', {}, 'Opening hours'),
      h('label', {}, always, ' open round the clock'),
      h('div', { class: 'grid' }, WEEKDAYS.map((day, i) => field(day, dayInputs[i]))),
      h('p', { class: 'quiet' }, 'Ranges like 08:00-12:00, 13:00-18:00; a range may cross midnight (18:00-02:00); empty: closed.'),
      h('h2', {}, 'Who is paged'),
      h('p', { class: 'quiet' }, 'Pager ids, "," within a tier, ";" between tiers: pgr-anna, pgr-ben; pgr-boss'),
      h('div', { class: 'grid' }, buttons.map((b, i) => field(b.label, routeInputs[i])), field('Every other button', defaultRoute), field('Managers (device problems, late presses, mood)', managers)),
      h('h2', {}, 'Timings and thresholds'),
      h('div', { class: 'grid' }, numberInputs),
      h('h2', {}, 'Causes and time zone'),
      h('div', { class: 'grid' }, field('Causes offered on the pager (up to 8, each up to 10 characters)', causes), field('Time zone (e.g. Europe/Berlin)', timeZone)),
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Save and apply')),
    ),
  );
}
