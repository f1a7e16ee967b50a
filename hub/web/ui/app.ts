// The owner dashboard: Today (live), Daily log, Analytics, Devices.
import type { AnalyticsView, DailyLog, DeviceView, Me, OpenIncidentView, ShopState, SimulatedDeviceState, TodayChanges, TodayView } from '../../contract/api-types.js';
import { api, jsonRequest } from './api.js';
import { duration, h, percent, replace, table } from './dom.js';
import { openIncident } from './incident-panel.js';
import { showStaff } from './staff-page.js';
import { showAccounts } from './accounts-page.js';
import { showSettings } from './settings-page.js';
import { showHistory } from './history-page.js';
import { showNotify } from './notify-page.js';
import { attentionSwitch, noticeChanges } from './attention.js';
import { format, languagePicker, loadLanguage, pageLanguage, t } from './i18n.js';
import { kindText, outcomeText } from './words.js';
import { withChanges } from './today-changes.js';
import { renderWall } from './wall.js';



const main = document.getElementById('main')!;
const TITLE = document.title;
const who = document.getElementById('who')!;
let me: Me;
let stopPage: () => void = () => undefined;

function problem(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, (error as Error).message);
}

// ---- Today --------------------------------------------------------------------

function stateOf(incident: OpenIncidentView, now: number): HTMLElement {
  if (incident.unrouted) return h('span', { class: 'badge loud' }, t('NOBODY REACHABLE'));
  if (incident.reachedAt !== null) return h('span', { class: 'badge ok' }, t('at the customer · {{time}}', { time: duration(now - incident.reachedAt) }));
  if (incident.holder) return h('span', { class: 'badge ok' }, t('{{name}} on it · {{time}}', { name: incident.holder, time: duration(now - (incident.acknowledgedAt ?? now)) }));
  const delivered = incident.paged.some((p) => p.deliveredAt !== null);
  return h(
    'span',
    { class: 'badge warn' },
    incident.level > 1 ? t('passed on to group {{level}}', { level: incident.level }) : delivered ? t('on the pager, waiting') : t('paging'),
    incident.retriggers > 0 ? ` · ${t('re-triggered ×{{count}}', { count: incident.retriggers })}` : '',
  );
}

/** What the simulated shop left behind, once real devices run the shop: the owner removes it with one click. */
let trialBanner: HTMLElement | null = null;

async function loadTrialBanner(): Promise<void> {
  const trial = await api<{ presses: number; incidents: number }>('/api/trial');
  if (me.simulation || (trial.presses === 0 && trial.incidents === 0)) {
    trialBanner = null;
    return;
  }
  const goLive = async () => {
    if (!confirm(t("Remove the virtual shop's {{presses}} presses and {{incidents}} incidents? The shop's real history stays.", trial))) return;
    const { removed } = await api<{ removed: { presses: number; incidents: number } }>('/api/go-live', jsonRequest('POST'));
    trialBanner = h('p', { class: 'banner', id: 'trial' }, t('Live: removed {{presses}} trial presses and {{incidents}} trial incidents.', removed));
  };
  trialBanner = h(
    'p',
    { class: 'banner', id: 'trial' },
    t('The virtual shop left {{presses}} presses and {{incidents}} incidents of trial data; they are kept apart and counted nowhere.', trial) + ' ',
    me.role === 'owner' ? h('button', { type: 'button', id: 'go-live', onclick: () => void goLive() }, t('Go live: remove them')) : null,
  );
}

function renderToday(view: TodayView, offset: number): void {
  const now = Date.now() + offset;
  // Seen from another tab: how many are open.
  document.title = view.open.length > 0 ? `(${view.open.length}) ${TITLE}` : TITLE;
  replace(
    main,
    view.alarms.map((alarm) => h('p', { class: 'alarm', role: 'alert' }, alarm)),
    trialBanner,
    h('h1', {}, t('Today')),
    h(
      'div',
      { class: 'tiles' },
      h('div', { class: 'tile red' }, h('b', { id: 'red-count' }, view.red), ' ', t('red'), h('small', {}, ` · ${t('{{count}} customers', { count: view.customers.red })}`)),
      h('div', { class: 'tile green' }, h('b', { id: 'green-count' }, view.green), ' ', t('green'), h('small', {}, ` · ${t('{{count}} customers', { count: view.customers.green })}`)),
      h('div', { class: 'tile' }, h('b', {}, view.open.length), ' ', t('open')),
    ),
    view.open.length === 0
      ? h('p', { class: 'quiet' }, t('No open incidents.'))
      : table(
          [t('Age'), t('Where'), t('What'), '×N', t('Paged'), t('State')],
          view.open.map((incident) => [
            h('span', { class: 'age', 'data-since': incident.openedAt }, duration(now - incident.openedAt)),
            h('button', { type: 'button', class: 'link', 'data-incident': incident.id, onclick: () => void openIncident(incident.id, api, me) }, incident.location),
            kindText(incident.kind),
            incident.count,
            incident.paged.map((p) => p.deliveredAt ? t('{{name}} (got it)', { name: p.name }) : p.name).join(', '),
            stateOf(incident, now),
          ]),
          (i) => (view.open[i].holder ? undefined : 'alert'),
          true,
        ),
    h('p', { class: 'quiet' }, `${t('Live')} · ${format.date(view.date)} · ${view.timeZone} · `, attentionSwitch(), ' ', h('a', { href: '#wall' }, t('Wall display'))),
  );
}

/**
 * Today, live. The hub pings every few seconds; when nothing has come for
 * 2.5 pings the page says so, with the age of what it shows, and keeps
 * trying: EventSource reconnects by itself (a new one is made if it gave
 * up), and the first message of a new stream is the current view.
 */
function showToday(): () => void {
  return showLive((view, offset) => renderToday(view, offset));
}

/** Today as the live stream brings it, drawn by `render` (the Today page or the wall display). */
function showLive(render: (view: TodayView, offset: number) => void): () => void {
  let offset = 0;
  let view: TodayView | undefined;
  let lastHeard = Date.now();
  let dataFrom: number | null = null;
  let expectEveryMs = 5000;
  let source: EventSource;
  let retry: ReturnType<typeof setTimeout> | undefined;
  void loadTrialBanner();
  const heard = () => {
    lastHeard = Date.now();
    document.getElementById('stale')?.remove();
  };
  const connect = () => {
    source = new EventSource(`/api/live?lang=${pageLanguage()}`);
    source.addEventListener('ping', (event) => {
      expectEveryMs = (JSON.parse((event as MessageEvent).data) as { everyMs: number }).everyMs;
      heard();
    });
    const show = (shown: TodayView) => {
      view = shown;
      offset = view.now - Date.now();
      dataFrom = Date.now();
      noticeChanges(view);
      render(view, offset);
      heard();
    };
    // The whole view first (and after a reconnect), then only what changed; changes without a view cannot come (the hub sends the whole first).
    source.addEventListener('today', (event) => show(JSON.parse((event as MessageEvent).data) as TodayView));
    source.addEventListener('today-changes', (event) => {
      if (view) show(withChanges(view, JSON.parse((event as MessageEvent).data) as TodayChanges));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(connect, 3000);
    };
  };
  connect();
  const ticker = setInterval(() => {
    for (const age of document.querySelectorAll<HTMLElement>('.age')) age.textContent = duration(Date.now() + offset - Number(age.dataset.since));
    if (Date.now() - lastHeard < expectEveryMs * 2.5) return;
    const silent = duration(Date.now() - lastHeard);
    const text = dataFrom === null ? t('No word from the hub for {{silent}}: nothing loaded yet. Reconnecting…', { silent }) : t('No word from the hub for {{silent}}: what you see is {{age}} old. Reconnecting…', { silent, age: duration(Date.now() - dataFrom) });
    const banner = document.getElementById('stale');
    if (banner) banner.textContent = text;
    else main.prepend(h('p', { class: 'alarm', id: 'stale', role: 'alert' }, text));
  }, 1000);
  return () => {
    source.close();
    clearTimeout(retry);
    clearInterval(ticker);
  };
}

// ---- Daily log ------------------------------------------------------------------

async function showLog(date?: string): Promise<void> {
  const day = date ?? (await api<TodayView>('/api/today')).date;
  const picker = h(
    'label',
    { class: 'inline' },
    t('Day') + ' ',
    h('input', { type: 'date', id: 'log-date', value: day, onchange: (e: Event) => void showLog((e.target as HTMLInputElement).value) }),
  );
  replace(main, h('h1', {}, t('Daily log')), h('p', {}, picker), h('p', { class: 'quiet' }, t('Loading…')));
  let log: DailyLog;
  try {
    log = await api<DailyLog>(`/api/log?date=${encodeURIComponent(day)}`);
  } catch (error) {
    replace(main, h('h1', {}, t('Daily log')), h('p', {}, picker), problem(error));
    return;
  }
  const most = Math.max(1, ...log.greensByHour);
  replace(
    main,
    h('h1', {}, t('Daily log')),
    h(
      'p',
      {},
      picker,
      ' ',
      h('a', { href: `/api/log.csv?date=${encodeURIComponent(day)}&lang=${pageLanguage()}`, download: `complaints-${day}.csv`, id: 'csv', class: 'button' }, t('Complaints (CSV)')),
      ' ',
      h('a', { href: `/api/log.csv?date=${encodeURIComponent(day)}&part=devices&lang=${pageLanguage()}`, download: `device-problems-${day}.csv`, id: 'csv-devices', class: 'button' }, t('Device problems (CSV)')),
      ' ',
      h('a', { href: `/api/log.xlsx?date=${encodeURIComponent(day)}&lang=${pageLanguage()}`, download: `complaints-${day}.xlsx`, id: 'xlsx', class: 'button' }, t('Complaints (Excel)')),
      ' ',
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('Print')),
    ),
    h('p', {}, t('{{red}} red and {{green}} green presses, {{incidents}} incidents ({{zone}}).', { red: log.redPresses, green: log.greenPresses, incidents: log.incidents.length, zone: log.timeZone })),
    log.incidents.length === 0
      ? h('p', { class: 'quiet' }, t('No incidents on this day.'))
      : table(
          ['#', t('Time'), t('Where'), t('What'), '×N', t('Paged'), t('Delivered'), t('Acknowledged'), t('By'), t('To acknowledge'), t('At the customer'), t('Escalations'), t('Outcome'), t('Cause')],
          log.incidents.map((r) => [
            r.incident,
            r.openedAt,
            r.location,
            kindText(r.kind),
            r.presses,
            r.paged,
            r.delivered,
            r.acknowledgedAt,
            r.acknowledgedBy,
            r.secondsToAcknowledge === null ? '' : t('{{n}} s', { n: r.secondsToAcknowledge }),
            r.secondsToReach === null ? '' : t('{{n}} s', { n: r.secondsToReach }),
            r.escalations,
            outcomeText(r.outcome),
            r.cause,
          ]),
          (i) => (log.incidents[i].outcome === 'left' || log.incidents[i].outcome === 'open' ? 'alert' : undefined),
        ),
    h('h2', {}, t('Green presses per hour')),
    h(
      'div',
      { class: 'bars' },
      log.greensByHour.map((n, hour) => h('div', { class: 'bar', title: `${hour}:00 – ${n}` }, h('span', { style: `height:${(n / most) * 100}%` }), h('small', {}, hour))),
    ),
  );
}

// ---- Analytics --------------------------------------------------------------------

/** Presses by weekday and hour, across the hours the site is open (`hours`), so a phone shows the day that matters. */
function heatmap(title: string, grid: number[][], tone: string, hours: number[]): HTMLElement {
  const most = Math.max(1, ...grid.flat());
  return h(
    'section',
    {},
    h('h2', {}, title),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: `heat ${tone}` },
        h('thead', {}, h('tr', {}, h('th', {}, ''), hours.map((hour) => h('th', {}, hour)))),
        h(
          'tbody',
          {},
          grid.map((_, day) =>
            h(
              'tr',
              {},
              h('th', {}, format.weekday(day)),
              hours.map((hour) => h('td', { style: `--v:${(grid[day][hour] / most).toFixed(2)}`, title: String(grid[day][hour]) }, grid[day][hour] || '')),
            ),
          ),
        ),
      ),
    ),
  );
}

async function showAnalytics(days = 7): Promise<void> {
  replace(main, h('h1', {}, t('Analytics')), h('p', { class: 'quiet' }, t('Loading…')));
  let view: AnalyticsView;
  try {
    view = await api<AnalyticsView>(`/api/analytics?days=${days}`);
  } catch (error) {
    replace(main, h('h1', {}, t('Analytics')), problem(error));
    return;
  }
  const seconds = (v: number | null) => (v === null ? '–' : t('{{n}} s', { n: v }));
  replace(
    main,
    h('h1', {}, t('Analytics')),
    h(
      'p',
      {},
      [7, 30].map((n) => h('button', { class: n === days ? 'on' : '', onclick: () => void showAnalytics(n) }, t('Last {{count}} days', { count: n }))),
    ),
    h('p', { class: 'quiet' }, `${format.date(view.from)} – ${format.date(view.to)} · ${view.timeZone}`),
    h(
      'div',
      { class: 'tiles' },
      h('div', { class: 'tile' }, h('b', {}, view.redIncidents), ' ', t('red incidents')),
      h('div', { class: 'tile' }, h('b', { id: 'within-target' }, percent(view.withinTarget)), ' ' + t('acknowledged within {{n}} s', { n: view.targetS })),
      h('div', { class: 'tile green' }, h('b', { id: 'recovered' }, percent(view.recovered)), ' ', t('recovered'), h('small', { id: 'recovered-means' }, `: ${view.recoveredMeans}`)),
    ),
    h('p', { class: 'summary', id: 'summary' }, view.summary),
    view.change.byPlace.length === 0
      ? null
      : table(
          [t('Place'), t('Unhappy now'), t('Before'), t('Presses now')],
          view.change.byPlace.map((p) => [p.place, percent(p.now.redShare), percent(p.before.redShare), p.now.red + p.now.green]),
        ),
    h('h2', {}, t('What goes wrong most')),
    view.causes.length === 0
      ? h('p', { class: 'quiet' }, t('No causes recorded yet: staff choose one on the pager after the outcome ("Why?"), or on the dashboard when they resolve.'))
      : h(
          'div',
          { class: 'ranked' },
          view.causes.map((c) =>
            h('p', {}, h('span', { class: 'ranked-label' }, c.cause), h('span', { class: 'hbar', style: `width:${Math.round((c.incidents / view.causes[0].incidents) * 12)}rem` }), ` ${c.incidents}`),
          ),
        ),
    h('h2', {}, t('How fast staff react')),
    table(
      ['', t('Incidents'), t('Typical (median)'), t('95 % within')],
      [view.toAcknowledge, view.toReach].map((s) => [s.key === 'at the customer' ? t('Press → at the customer (both buttons held)') : t('Press → acknowledged on the pager'), s.incidents, seconds(s.medianS), seconds(s.p95S)]),
    ),
    heatmap(t('Red presses by weekday and hour'), view.heatmap.red, 'red', view.openHours),
    heatmap(t('Green presses by weekday and hour'), view.heatmap.green, 'green', view.openHours),
    h('h2', {}, t('Time to acknowledge, per staff member')),
    table([t('Staff'), t('Incidents'), t('Typical (median)'), t('95 % within')], view.byStaff.map((s) => [s.key, s.incidents, seconds(s.medianS), seconds(s.p95S)])),
    h('h2', {}, t('Time to acknowledge, per hour of day')),
    table([t('Hour'), t('Incidents'), t('Typical (median)'), t('95 % within')], view.byHour.map((s) => [s.key, s.incidents, seconds(s.medianS), seconds(s.p95S)])),
  );
}

// ---- Devices ------------------------------------------------------------------------

const UPDATE_UNDER_WAY = ['queued', 'waiting', 'sending', 'switching'];
const UPDATE_WORDS: Record<string, () => string> = {
  firmware: () => t('firmware'),
  config: () => t('configuration'),
  queued: () => t('queued'),
  waiting: () => t('waiting for the device'),
  sending: () => t('sending'),
  switching: () => t('restarting'),
  done: () => t('done'),
  failed: () => t('failed'),
  'rolled-back': () => t('rolled back'),
};
const DEVICE_KIND: Record<string, () => string> = { button: () => t('button'), pager: () => t('pager') };

/** "firmware: sending 12/55", "firmware: done — running firmware 0.1.1". */
function updateText(d: DeviceView): string {
  const u = d.update;
  if (!u) return '';
  const progress = u.state === 'sending' ? ` ${u.chunksSent}/${u.chunksTotal}` : '';
  return `${UPDATE_WORDS[u.what]?.() ?? u.what}: ${UPDATE_WORDS[u.state]?.() ?? u.state}${progress}${u.detail ? ` — ${u.detail}` : ''}`;
}

/** Shows the devices; true while an update is under way (the page then refreshes itself). */
async function showDevices(): Promise<boolean> {
  let devices: DeviceView[];
  try {
    devices = await api<DeviceView[]>('/api/devices');
  } catch (error) {
    replace(main, h('h1', {}, t('Devices')), problem(error));
    return false;
  }
  const underWay = (d: DeviceView) => d.update !== null && UPDATE_UNDER_WAY.includes(d.update.state);
  const updateCell = (d: DeviceView) => {
    const text = updateText(d);
    if (me.role !== 'owner' || d.simulated || underWay(d) || !d.online) return text;
    const button = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          button.setAttribute('disabled', '');
          try {
            await post(`/api/devices/${encodeURIComponent(d.id)}/update`, {});
          } catch (error) {
            button.replaceWith(problem(error));
            return;
          }
          void refreshDevices();
        },
      },
      t('Update firmware'),
    );
    return h('span', {}, text, text ? h('br') : null, button);
  };
  const { uplink } = await api<{ uplink: { connected: boolean; backlog: number; confirmedAt: number | null; lastError: string | null } | null }>('/api/uplink').catch(() => ({ uplink: null }));
  const needsAttention = (d: DeviceView) => !d.online || d.problems.length > 0 || !d.hasSecret;
  const now = Date.now();
  replace(
    main,
    h('h1', {}, t('Devices')),
    uplink
      ? h(
          'p',
          { id: 'uplink', class: uplink.connected ? 'quiet' : 'alarm' },
          uplink.connected ? t('Head office: connected') : t('Head office: not connected'),
          ` · ${t('{{count}} records not yet confirmed', { count: uplink.backlog })}`,
          uplink.confirmedAt ? ` · ${t('last confirmed {{time}} ago', { time: duration(now - uplink.confirmedAt) })}` : '',
          uplink.lastError ? ` · ${uplink.lastError}` : '',
        )
      : null,
    h('p', {}, t('{{count}} of {{total}} need attention.', { count: devices.filter(needsAttention).length, total: devices.length })),
    table(
      ['', t('Device'), t('Kind'), t('Last seen'), t('Battery'), t('Wi-Fi signal'), t('Firmware'), t('Waiting to send'), t('Update'), t('Notes')],
      devices.map((d) => [
        h('span', { class: `dot ${d.online ? 'ok' : 'bad'}`, title: d.online ? t('online') : t('offline') }, d.online ? '●' : '○'),
        h('span', {}, d.label, h('br'), h('small', {}, d.id)),
        DEVICE_KIND[d.kind]?.() ?? d.kind,
        d.lastSeenAt ? t('{{time}} ago', { time: duration(now - d.lastSeenAt) }) : d.online ? t('now') : t('waiting for its first connection'),
        batteryText(d),
        // In words, the figure a tap (or hover) away for the technician.
        d.rssi === null ? '' : h('span', { title: `${d.rssi} dBm` }, d.rssi >= -60 ? t('good') : d.rssi >= -72 ? t('fair') : t('weak')),
        d.firmware ?? '',
        d.outboxDepth ?? '',
        updateCell(d),
        [
          ...d.problems.map((p) => (p === 'missing' ? t('MISSING') : t('CHARGE: {{device}}', { device: d.label }))),
          d.hasSecret ? '' : t('no secret'),
          d.onShift === false ? t('off shift') : '',
          d.droppedPresses ? t('{{count}} dropped', { count: d.droppedPresses }) : '',
          d.simulated ? t('simulated') : '',
        ]
          .filter(Boolean)
          .join(', '),
      ]),
      (i) => (needsAttention(devices[i]) ? 'alert' : undefined),
    ),
  );
  return devices.some(underWay);
}

let devicesTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows the devices, and again every 2 s while an update is under way. */
async function refreshDevices(): Promise<void> {
  clearTimeout(devicesTimer);
  if ((await showDevices()) && location.hash === '#devices') devicesTimer = setTimeout(() => void refreshDevices(), 2000);
}

/** "78 % · 6 h 10 min left", with the voltage as a tooltip-free fallback when no percentage is known. */
function batteryText(d: DeviceView): string {
  if (d.batteryPercent === null) return d.batteryMv ? `${(d.batteryMv / 1000).toFixed(2)} V` : '';
  const left = d.batteryMinutesLeft;
  if (left === null) return `${d.batteryPercent} %`;
  const time = left < 60 ? t('{{m}} min', { m: left }) : t('{{h}} h {{m}} min', { h: Math.floor(left / 60), m: left % 60 });
  return `${d.batteryPercent} % · ${t('{{time}} left', { time })}`;
}

// ---- Virtual shop ---------------------------------------------------------------------------

const HOLDS: [string, () => string][] = [
  ['short', () => t('Short press: acknowledge / send')],
  ['long', () => t("Long press: next choice (can't go, outcome, cause, mute)")],
  ['very-long', () => t('Very long press: shift on/off')],
];

async function post(path: string, body: unknown): Promise<void> {
  await api(path, jsonRequest('POST', body));
}

function deviceCard(device: SimulatedDeviceState): HTMLElement {
  const lamp = h('span', { class: `lamp ${device.led ? 'lit' : ''}`, title: device.led ? t('LED on') : t('LED off') });
  if (device.kind === 'button') {
    return h(
      'section',
      { class: 'card', 'data-device': device.id },
      h('h2', {}, device.label, ' ', lamp),
      h(
        'p',
        { class: 'pair' },
        h('button', { class: 'press red', onclick: () => void post('/api/sim/press', { device: device.id, kind: 'red' }) }, 'RED'),
        h('button', { class: 'press green', onclick: () => void post('/api/sim/press', { device: device.id, kind: 'green' }) }, 'GREEN'),
      ),
    );
  }
  return h(
    'section',
    { class: `card ${device.motor ? 'buzzing' : ''}`, 'data-device': device.id },
    h('h2', {}, device.label, ' ', lamp, device.motor ? h('span', { class: 'badge warn' }, t('vibrating')) : null),
    h('pre', { class: 'screen' }, device.screen.join('\n') || ' '),
    h(
      'p',
      { class: 'holds' },
      HOLDS.map(([hold, text]) => h('button', { 'data-hold': hold, onclick: () => void post('/api/sim/pager', { device: device.id, hold }) }, text())),
    ),
  );
}

function renderShop(state: ShopState): void {
  replace(
    main,
    h('h1', {}, t('Virtual shop')),
    h(
      'p',
      { class: 'banner' },
      t('Simulated devices, not real hardware: two buttons and two pagers running the real firmware inside the hub. Everything they do is labelled "Sim:" in the log. The simulation stops once a real device is added.'),
    ),
    state.running ? h('div', { class: 'cards' }, state.devices.map(deviceCard)) : h('p', { class: 'quiet' }, t('The simulated shop is not running.')),
  );
}

function showShop(): () => void {
  const source = new EventSource('/api/live');
  source.addEventListener('shop', (event) => renderShop(JSON.parse((event as MessageEvent).data) as ShopState));
  void api<ShopState>('/api/sim').then(renderShop);
  return () => source.close();
}

// ---- routing ----------------------------------------------------------------------------

const PAGES: Record<string, () => (() => void) | void> = {
  today: showToday,
  log: () => void showLog(),
  analytics: () => void showAnalytics(),
  history: () => void api<TodayView>('/api/today').then((view) => showHistory(main, api, view.date)),
  staff: () => void showStaff(main, api, me),
  accounts: () => void showAccounts(main, api, me),
  settings: () => void showSettings(main, api, me),
  notify: () => void showNotify(main, api),
  wall: () => {
    const stop = showLive((view, offset) => renderWall(main, view, offset));
    return () => {
      stop();
      document.body.classList.remove('wall');
    };
  },
  devices: () => {
    void refreshDevices();
    return () => clearTimeout(devicesTimer);
  },
  shop: showShop,
};

function route(): void {
  stopPage();
  stopPage = () => undefined;
  const page = location.hash.replace('#', '') || 'today';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('on', link.getAttribute('href') === `#${page}`);
  stopPage = (PAGES[page] ?? showToday)() ?? (() => undefined);
}

document.getElementById('logout')!.addEventListener('click', async () => {
  await api('/api/logout', jsonRequest('POST'));
  location.href = '/login';
});

const ROLE: Record<string, () => string> = { owner: () => t('owner'), manager: () => t('manager'), viewer: () => t('viewer') };

/** The static page (index.html) is English: its words are put in the page's language before anything else is drawn. */
function translateStaticPage(): void {
  for (const element of document.querySelectorAll('nav a, #logout, #main > p')) element.textContent = t(element.textContent ?? '');
  document.getElementById('logout')!.before(languagePicker());
}

Promise.all([loadLanguage(), api<Me>('/api/me')]).then(([, user]) => {
  me = user;
  translateStaticPage();
  who.textContent = `${me.username} (${ROLE[me.role]?.() ?? me.role}) · ${me.site}`;
  if (me.simulation) document.querySelector('nav')!.append(h('a', { href: '#shop' }, t('Virtual shop')));
  if (me.role !== 'viewer') document.querySelector('nav')!.append(h('a', { href: '#notify' }, t('Notifications')));
  if (me.role === 'owner') document.querySelector('nav')!.append(h('a', { href: '#settings' }, t('Settings')), h('a', { href: '#accounts' }, t('Accounts')));
  window.addEventListener('hashchange', route);
  route();
});
