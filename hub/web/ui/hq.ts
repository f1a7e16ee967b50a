// The head office's dashboard (#19): the chain's sites at a glance (today's
// presses, open incidents, device health, silent sites first), one site's log,
// and the sites side by side by range, day or week. Same stack and look as
// the shop's page; an area manager's answers hold only their sites (the
// server sees to that, hub/hq/hq-server.ts).
import type { DaySummary } from '../../contract/api-types.js';
import { api, jsonRequest } from './api.js';
import { duration, field, h, replace, table } from './dom.js';
import { format, languagePicker, loadLanguage, t } from './i18n.js';
import { outcomeText } from './words.js';

interface SiteGlance {
  site: string;
  lastSeen: string | null;
  silent: boolean;
  today: { red: number; green: number };
  openIncidents: number;
  devices: { total: number; offline: number; lowBattery: number };
  alarms: { key: string; values?: Record<string, string | number> }[];
}

interface Incident {
  id: number;
  openedAt: string;
  presses: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  reachedAt: string | null;
  outcome: string | null;
  cause: string | null;
}

interface Figures {
  site: string;
  period?: string;
  presses: { red: number; green: number };
  redShare: number | null;
  complaints: number;
  medianAcknowledgeS: number | null;
  medianReachS: number | null;
  recoveredShare: number | null;
  topCause: string | null;
}

const main = document.getElementById('main')!;
const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const when = (iso: string) => new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
const after = (from: string, to: string | null) => (to ? duration(Date.parse(to) - Date.parse(from)) : '—');
const share = (value: number | null) => (value === null ? '—' : format.percent(value));
const seconds = (value: number | null) => (value === null ? '—' : duration(value * 1000));

async function sitesPage(): Promise<void> {
  const { day, sites } = await api<{ day: string; sites: SiteGlance[] }>('/api/hq/overview');
  // The ones to look at first: silent, then with open incidents.
  const ordered = [...sites].sort((a, b) => Number(b.silent) - Number(a.silent) || b.openIncidents - a.openIncidents || a.site.localeCompare(b.site));
  const silent = sites.filter((site) => site.silent).length;
  replace(
    main,
    h('h1', {}, t('Sites')),
    h('p', { class: 'quiet' }, t('Today is {{day}} (UTC). A site is silent when the head office has heard nothing from it for 30 minutes.', { day: format.date(day) })),
    silent > 0 ? h('p', { class: 'banner', id: 'silent' }, t('{{count}} sites went silent', { count: silent })) : null,
    table(
      [t('Site'), t('Red'), t('Green'), t('Open incidents'), t('Devices'), t('Alarms'), t('Last heard')],
      ordered.map((site) => [
        h('span', {}, h('a', { href: `#site/${site.site}` }, site.site), site.silent ? h('span', { class: 'badge bad' }, t('silent')) : null),
        site.today.red,
        site.today.green,
        site.openIncidents > 0 ? h('span', { class: 'badge warn' }, site.openIncidents) : 0,
        h(
          'span',
          {},
          String(site.devices.total),
          site.devices.offline > 0 ? h('span', { class: 'badge bad' }, ` ${t('{{count}} offline', { count: site.devices.offline })}`) : null,
          site.devices.lowBattery > 0 ? h('span', { class: 'badge warn' }, ` ${t('{{count}} low battery', { count: site.devices.lowBattery })}`) : null,
        ),
        site.alarms.length > 0 ? h('span', { class: 'error prose' }, site.alarms.map((alarm) => t(alarm.key, alarm.values)).join(' · ')) : '—',
        site.lastSeen ? when(site.lastSeen) : t('never'),
      ]),
      (i) => (ordered[i].silent ? 'alert' : undefined),
      true,
    ),
  );
}

/** From/to pickers (the last 7 days unless chosen) that call `show` again. */
function rangeForm(from: string, to: string, show: (from: string, to: string, extra: FormData) => void, ...extra: HTMLElement[]): HTMLElement {
  const form = h(
    'form',
    { class: 'pair' },
    field(t('From'), h('input', { type: 'date', name: 'from', value: from, required: true })),
    field(t('To'), h('input', { type: 'date', name: 'to', value: to, required: true })),
    ...extra,
    h('button', { type: 'submit' }, t('Show')),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    show(String(data.get('from')), String(data.get('to')), data);
  });
  return form;
}

async function sitePage(site: string, from = isoDay(Date.now() - 6 * DAY_MS), to = isoDay(Date.now())): Promise<void> {
  const log = await api<{ total: number; incidents: Incident[]; days: DaySummary[] }>(`/api/hq/sites/${encodeURIComponent(site)}/incidents?from=${from}&to=${to}`);
  replace(
    main,
    h('h1', {}, site),
    rangeForm(from, to, (f, tt) => void sitePage(site, f, tt).catch(failed)),
    log.days.length > 0
      ? table(
          [t('Day'), t('Customers'), t('Red'), t('Green'), t('Complaints'), t('Open at closing')],
          log.days.map((day) => [format.date(day.day), day.customers.red + day.customers.green, day.red, day.green, day.complaints, day.open]),
        )
      : null,
    h('p', { class: 'quiet' }, t('{{count}} incidents', { count: log.total })),
    table(
      [t('Opened'), t('Presses'), t('Acknowledged after'), t('By'), t('Reached after'), t('Outcome'), t('Cause')],
      log.incidents.map((incident) => [when(incident.openedAt), incident.presses, after(incident.openedAt, incident.acknowledgedAt), incident.acknowledgedBy ?? '—', after(incident.openedAt, incident.reachedAt), incident.outcome ? outcomeText(incident.outcome) : t('open'), incident.cause ?? '—']),
      undefined,
      true,
    ),
  );
}

async function comparePage(from = isoDay(Date.now() - 6 * DAY_MS), to = isoDay(Date.now()), by = 'range'): Promise<void> {
  const rows = await api<Figures[]>(`/api/hq/compare?from=${from}&to=${to}&by=${by}`);
  const names = { range: t('whole range'), day: t('by day'), week: t('by week') };
  const periods = h('select', { name: 'by' }, ...(['range', 'day', 'week'] as const).map((value) => h('option', { value, selected: value === by }, names[value])));
  replace(
    main,
    h('h1', {}, t('Comparison')),
    rangeForm(from, to, (f, tt, data) => void comparePage(f, tt, String(data.get('by'))).catch(failed), field(t('Periods'), periods)),
    table(
      [t('Site'), ...(by === 'range' ? [] : [t('From')]), t('Customers'), t('Red share'), t('Complaints'), t('Median reaction'), t('Median time to reach'), t('Recovered'), t('Most common cause')],
      rows.map((row) => [
        h('a', { href: `#site/${row.site}` }, row.site),
        ...(row.period ? [format.date(row.period)] : []),
        row.presses.red + row.presses.green,
        share(row.redShare),
        row.complaints,
        seconds(row.medianAcknowledgeS),
        seconds(row.medianReachS),
        share(row.recoveredShare),
        row.topCause ?? '—',
      ]),
      undefined,
      true,
    ),
  );
}

function failed(error: Error): void {
  replace(main, h('p', { class: 'error', role: 'alert' }, error.message));
}

function route(): void {
  const [page, site] = location.hash.slice(1).split('/');
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('on', link.getAttribute('href') === `#${page === 'site' ? 'sites' : page || 'sites'}`);
  const shown = page === 'site' && site ? sitePage(decodeURIComponent(site)) : page === 'compare' ? comparePage() : sitesPage();
  shown.catch(failed);
}

void loadLanguage().then(async () => {
  document.title = `${t('Head office')} · ${t('Loyalty button')}`;
  for (const element of document.querySelectorAll('header strong, nav a, #logout, #main > p')) element.textContent = t(element.textContent ?? '');
  const me = await api<{ username: string; role: 'owner' | 'area'; sites: string[] | null }>('/api/hq/me');
  document.getElementById('who')!.textContent = `${me.username} · ${me.role === 'owner' ? t('chain owner') : t('area manager')}`;
  document.getElementById('logout')!.addEventListener('click', () => void api('/api/logout', jsonRequest('POST')).finally(() => (location.href = '/login')));
  document.querySelector('header')!.append(languagePicker());
  window.addEventListener('hashchange', route);
  route();
});
