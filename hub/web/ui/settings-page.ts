// Settings for an owner, in the browser: labels and places of the devices,
// the people, opening hours, who is paged for each button, timings and
// thresholds, the causes. The page edits the configuration file as written
// and sends it back whole; the hub checks it with the same schema as at
// start and answers field-named problems, shown beside the form.
import type { Me } from '../../contract/api-types.js';
import { field, h, replace } from './dom.js';
import type { Api } from './api.js';
import { format, pageLanguage, t } from './i18n.js';

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
const numbers = (): [string, string, string][] => [
  ['timings', 'rebuzzS', t('Re-buzz every (s)')],
  ['timings', 'escalateS', t('Escalate after (s)')],
  ['timings', 'retriggerS', t('Re-trigger when not resolved after (s)')],
  ['timings', 'foldWindowS', t('Presses fold into the open incident within (s)')],
  ['timings', 'updateBuzzGapS', t('A count update vibrates at most every (s)')],
  ['timings', 'reopenWindowS', t('A press this soon after resolving re-opens it (s)')],
  ['timings', 'latePressS', t('A press older than this is late (s)')],
  ['timings', 'muteMinutes', t('"Mute button" lasts (min)')],
  ['timings', 'offlineGraceS', t('A device is missing after offline for (s)')],
  ['', 'reactionTargetS', t('Reaction target (s)')],
  ['moodAlert', 'windowMinutes', t('Mood alert window (min)')],
  ['moodAlert', 'minResponses', t('Mood alert needs at least (presses)')],
  ['moodAlert', 'redSharePercent', t('Mood alert at unhappy share (%)')],
  ['battery', 'lowPercent', t('Battery low at (%)')],
  ['battery', 'warnMinutes', t('Warn before a battery runs out (min)')],
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
    replace(main, h('h1', {}, t('Settings')), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const devices = ((file.devices as Device[] | undefined) ?? []).map((d) => ({ ...d }));
  const people = ((file.people as Person[] | undefined) ?? []).map((p) => ({ ...p }));
  const pagers = devices.filter((d) => d.kind === 'pager');
  const buttons = devices.filter((d) => d.kind === 'button');
  const readers: (() => void)[] = [];

  // Devices: label and place.
  const deviceRows = devices.map((d) => {
    const label = input(`label-${d.id}`, d.label, { maxlength: 32, 'aria-label': t('Label of {{id}}', { id: d.id }) });
    const location = input(`location-${d.id}`, d.location, { maxlength: 80, 'aria-label': t('Place of {{id}}', { id: d.id }) });
    readers.push(() => {
      d.label = label.value.trim();
      if (location.value.trim()) d.location = location.value.trim();
      else delete d.location;
    });
    return h('tr', {}, h('td', {}, d.id), h('td', {}, d.kind === 'pager' ? t('pager') : t('button')), h('td', {}, label), h('td', {}, location));
  });

  // People: name, role, usual pager, days.
  const personRows = people.map((p) => {
    const name = input(`name-${p.id}`, p.name, { maxlength: 32, 'aria-label': t('Name of {{id}}', { id: p.id }) });
    const role = h('select', { name: `role-${p.id}`, 'aria-label': t('Role of {{name}}', { name: p.name }) }, ['staff', 'manager'].map((r) => h('option', { value: r, selected: (p.role ?? 'staff') === r }, r === 'staff' ? t('staff') : t('manager')))) as HTMLSelectElement;
    const pager = h('select', { name: `pager-${p.id}`, 'aria-label': t('Usual pager of {{name}}', { name: p.name }) }, h('option', { value: '' }, '—'), pagers.map((d) => h('option', { value: d.id, selected: p.pager === d.id }, d.label))) as HTMLSelectElement;
    const days = WEEKDAYS.map((day) => h('input', { type: 'checkbox', name: `day-${p.id}-${day}`, 'aria-label': t('{{name}} works {{day}}', { name: p.name, day: format.weekday(WEEKDAYS.indexOf(day)) }), checked: p.days === undefined || p.days.includes(day) }) as HTMLInputElement);
    readers.push(() => {
      p.name = name.value.trim();
      p.role = role.value as Person['role'];
      if (pager.value) p.pager = pager.value;
      else delete p.pager;
      const chosen = WEEKDAYS.filter((_, i) => days[i].checked);
      if (chosen.length === 7) delete p.days;
      else p.days = chosen;
    });
    return h('tr', {}, h('td', {}, name), h('td', {}, role), h('td', {}, pager), h('td', { class: 'days' }, WEEKDAYS.map((_, i) => h('label', {}, days[i], format.weekday(i)))));
  });
  const newPersonId = input('new-person-id', '', { maxlength: 23, placeholder: t('id, e.g. anna') });
  const newPersonName = input('new-person-name', '', { maxlength: 32, placeholder: t('name') });
  readers.push(() => {
    if (newPersonId.value.trim() || newPersonName.value.trim()) people.push({ id: newPersonId.value.trim(), name: newPersonName.value.trim() });
  });

  // Opening hours: one line per day; no key at all means open round the clock.
  const hours = (file.openingHours as Record<string, string[]> | undefined) ?? null;
  const always = h('input', { type: 'checkbox', name: 'always-open', checked: hours === null }) as HTMLInputElement;
  const dayInputs = WEEKDAYS.map((day) => input(`hours-${day}`, (hours?.[day] ?? []).join(', '), { placeholder: t('closed'), 'aria-label': t('Opening hours {{day}}', { day: format.weekday(WEEKDAYS.indexOf(day)) }) }));
  readers.push(() => {
    if (always.checked) delete file.openingHours;
    else file.openingHours = Object.fromEntries(WEEKDAYS.map((day, i) => [day, listOf(dayInputs[i].value)]).filter(([, ranges]) => ranges.length > 0));
  });

  // Who is paged: tiers per button, the default, the managers.
  const routes = { ...((file.routes as Record<string, string[][]> | undefined) ?? {}) };
  const routeInputs = buttons.map((b) => input(`route-${b.id}`, tiersText(routes[b.id]), { placeholder: t('the default route'), 'aria-label': t('Who is paged for {{label}}', { label: b.label }) }));
  const defaultRoute = input('default-route', tiersText(file.defaultRoute as string[][] | undefined), { 'aria-label': t('Default route') });
  const managers = input('managers', ((file.managers as string[] | undefined) ?? []).join(', '), { 'aria-label': t('Managers') });
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
  const numberInputs = numbers().map(([group, key, label]) => {
    const holder = group ? ((file[group] as Json | undefined) ?? {}) : file;
    const control = input(`${group ? group + '.' : ''}${key}`, holder[key] as number | undefined, { type: 'number', step: 'any', placeholder: t('default') });
    readers.push(() => {
      const target = group ? ((file[group] as Json | undefined) ?? {}) : file;
      if (control.value === '') delete target[key];
      else target[key] = Number(control.value);
      if (group) file[group] = target;
    });
    return field(label, control);
  });
  const causes = input('causes', ((file.causes as string[] | undefined) ?? []).join(', '), { placeholder: 'Waiting, Food, Staff, Price, Not clean, Other' });
  const timeZone = input('timeZone', file.timeZone as string | undefined, { placeholder: t("this computer's zone") });
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
    const response = await fetch('/api/settings', { method: 'PUT', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'Accept-Language': pageLanguage() }, body: JSON.stringify(file) });
    const body = (await response.json()) as { error?: { message: string }; problems?: { field: string; message: string }[] };
    if (response.ok) {
      await showSettings(main, api, _me, h('p', { class: 'banner', role: 'status' }, t('Saved and applied.')));
      return;
    }
    replace(
      problems,
      h('p', { class: 'error', role: 'alert' }, body.error?.message ?? response.statusText),
      h('ul', { class: 'error' }, (body.problems ?? []).map((p) => h('li', {}, h('b', {}, p.field || t('the file')), `: ${p.message}`))),
    );
    problems.scrollIntoView();
  };

  replace(
    main,
    h('h1', {}, t('Settings')),
    notice ?? null,
    h(
      'form',
      { id: 'settings', onsubmit: (event: Event) => void save(event) },
      problems,
      h('h2', {}, t('Buttons and pagers')),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, [t('Id'), t('Kind'), t('Label'), t('Place')].map((text) => h('th', {}, text)))), h('tbody', {}, deviceRows))),
      h('p', { class: 'quiet' }, t('New devices are added by the technician with loyalty-hub device add (it makes their secret).')),
      h('h2', {}, t('People')),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, [t('Name'), t('Role'), t('Usual pager'), t('Works on')].map((text) => h('th', {}, text)))), h('tbody', {}, personRows))),
      h('p', { class: 'pair' }, field(t('New person: id'), newPersonId), field(t('name'), newPersonName)),
      h('h2', {}, t('Opening hours')),
      h('label', {}, always, ' ', t('open round the clock')),
      h('div', { class: 'grid' }, WEEKDAYS.map((_, i) => field(format.weekday(i), dayInputs[i]))),
      h('p', { class: 'quiet' }, t('Ranges like 08:00-12:00, 13:00-18:00; a range may cross midnight (18:00-02:00); empty: closed.')),
      h('h2', {}, t('Who is paged')),
      h('p', { class: 'quiet' }, t('Pager ids, "," within a tier, ";" between tiers: pgr-anna, pgr-ben; pgr-boss')),
      h('div', { class: 'grid' }, buttons.map((b, i) => field(b.label, routeInputs[i])), field(t('Every other button'), defaultRoute), field(t('Managers (device problems, late presses, mood)'), managers)),
      h('h2', {}, t('Timings and thresholds')),
      h('div', { class: 'grid' }, numberInputs),
      h('h2', {}, t('Causes and time zone')),
      h('div', { class: 'grid' }, field(t('Causes offered on the pager (up to 8, each up to 10 characters)'), causes), field(t('Time zone (e.g. Europe/Berlin)'), timeZone)),
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, t('Save and apply'))),
    ),
  );
}
