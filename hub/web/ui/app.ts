// The owner dashboard: Today (live), Daily log, Analytics, Devices.
import type { AnalyticsView, DailyLog, DeviceView, Me, OpenIncidentView, ShopState, SimulatedDeviceState, TodayView } from '../../contract/api-types.js';
import { api, jsonRequest } from './api.js';
import { duration, h, percent, replace, table } from './dom.js';
import { openIncident } from './incident-panel.js';
import { showStaff } from './staff-page.js';
import { showAccounts } from './accounts-page.js';
import { showSettings } from './settings-page.js';
import { showHistory } from './history-page.js';
import { showNotify } from './notify-page.js';
import { attentionSwitch, noticeChanges } from './attention.js';
import { renderWall } from './wall.js';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const KIND: Record<string, string> = { red: 'Unhappy', green: 'Happy', missing: 'Device missing', battery: 'Battery low', storage: 'Hub disk failing' };

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
  if (incident.unrouted) return h('span', { class: 'badge loud' }, 'NOBODY REACHABLE');
  if (incident.reachedAt !== null) return h('span', { class: 'badge ok' }, `at the customer · ${duration(now - incident.reachedAt)}`);
  if (incident.holder) return h('span', { class: 'badge ok' }, `${incident.holder} on it · ${duration(now - (incident.acknowledgedAt ?? now))}`);
  const delivered = incident.paged.some((p) => p.deliveredAt !== null);
  return h(
    'span',
    { class: 'badge warn' },
    incident.level > 1 ? `passed on to group ${incident.level}` : delivered ? 'on the pager, waiting' : 'paging',
    incident.retriggers > 0 ? ` · re-triggered ×${incident.retriggers}` : '',
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
    if (!confirm(`Remove the virtual shop's ${trial.presses} presses and ${trial.incidents} incidents? The shop's real history stays.`)) return;
    const { removed } = await api<{ removed: { presses: number; incidents: number } }>('/api/go-live', jsonRequest('POST'));
    trialBanner = h('p', { class: 'banner', id: 'trial' }, `Live: removed ${removed.presses} trial presses and ${removed.incidents} trial incidents.`);
  };
  trialBanner = h(
    'p',
    { class: 'banner', id: 'trial' },
    `The virtual shop left ${trial.presses} presses and ${trial.incidents} incidents of trial data; they are kept apart and counted nowhere. `,
    me.role === 'owner' ? h('button', { type: 'button', id: 'go-live', onclick: () => void goLive() }, 'Go live: remove them') : null,
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
    h('h1', {}, 'Today'),
    h(
      'div',
      { class: 'tiles' },
      h('div', { class: 'tile red' }, h('b', { id: 'red-count' }, view.red), ' red', h('small', {}, ` · ${view.customers.red} customer${view.customers.red === 1 ? '' : 's'}`)),
      h('div', { class: 'tile green' }, h('b', { id: 'green-count' }, view.green), ' green', h('small', {}, ` · ${view.customers.green} customer${view.customers.green === 1 ? '' : 's'}`)),
      h('div', { class: 'tile' }, h('b', {}, view.open.length), ' open'),
    ),
    view.open.length === 0
      ? h('p', { class: 'quiet' }, 'No open incidents.')
      : table(
          ['Age', 'Where', 'What', '×N', 'Paged', 'State'],
          view.open.map((incident) => [
            h('span', { class: 'age', 'data-since': incident.openedAt }, duration(now - incident.openedAt)),
            h('button', { type: 'button', class: 'link', 'data-incident': incident.id, onclick: () => void openIncident(incident.id, api, me) }, incident.location),
            KIND[incident.kind] ?? incident.kind,
            incident.count,
            incident.paged.map((p) => `${p.name}${p.deliveredAt ? ' (got it)' : ''}`).join(', '),
            stateOf(incident, now),
          ]),
          (i) => (view.open[i].holder ? undefined : 'alert'),
          true,
        ),
    h('p', { class: 'quiet' }, `Live · ${view.date} · ${view.timeZone} · `, attentionSwitch(), ' ', h('a', { href: '#wall' }, 'Wall display')),
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
    source = new EventSource('/api/live');
    source.addEventListener('ping', (event) => {
      expectEveryMs = (JSON.parse((event as MessageEvent).data) as { everyMs: number }).everyMs;
      heard();
    });
    source.addEventListener('today', (event) => {
      const view = JSON.parse((event as MessageEvent).data) as TodayView;
      offset = view.now - Date.now();
      dataFrom = Date.now();
      noticeChanges(view);
      render(view, offset);
      heard();
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(connect, 3000);
    };
  };
  connect();
  const ticker = setInterval(() => {
    for (const age of document.querySelectorAll<HTMLElement>('.age')) age.textContent = duration(Date.now() + offset - Number(age.dataset.since));
    if (Date.now() - lastHeard < expectEveryMs * 2.5) return;
    const text = `No word from the hub for ${duration(Date.now() - lastHeard)}: what you see is ${dataFrom === null ? 'not loaded' : `${duration(Date.now() - dataFrom)} old`}. Reconnecting…`;
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
    'Day ',
    h('input', { type: 'date', id: 'log-date', value: day, onchange: (e: Event) => void showLog((e.target as HTMLInputElement).value) }),
  );
  replace(main, h('h1', {}, 'Daily log'), h('p', {}, picker), h('p', { class: 'quiet' }, 'Loading…'));
  let log: DailyLog;
  try {
    log = await api<DailyLog>(`/api/log?date=${encodeURIComponent(day)}`);
  } catch (error) {
    replace(main, h('h1', {}, 'Daily log'), h('p', {}, picker), problem(error));
    return;
  }
  const most = Math.max(1, ...log.greensByHour);
  replace(
    main,
    h('h1', {}, 'Daily log'),
    h(
      'p',
      {},
      picker,
      ' ',
      h('a', { href: `/api/log.csv?date=${encodeURIComponent(day)}`, download: `complaints-${day}.csv`, id: 'csv', class: 'button' }, 'Complaints (CSV)'),
      ' ',
      h('a', { href: `/api/log.csv?date=${encodeURIComponent(day)}&part=devices`, download: `device-problems-${day}.csv`, id: 'csv-devices', class: 'button' }, 'Device problems (CSV)'),
      ' ',
      h('button', { type: 'button', id: 'print', onclick: () => window.print() }, 'Print'),
    ),
    h('p', {}, `${log.redPresses} red and ${log.greenPresses} green presses, ${log.incidents.length} incidents (${log.timeZone}).`),
    log.incidents.length === 0
      ? h('p', { class: 'quiet' }, 'No incidents on this day.')
      : table(
          ['#', 'Time', 'Where', 'What', '×N', 'Paged', 'Delivered', 'Ack', 'By', 'To ack', 'At customer', 'Esc.', 'Outcome', 'Cause'],
          log.incidents.map((r) => [
            r.incident,
            r.openedAt,
            r.location,
            KIND[r.kind] ?? r.kind,
            r.presses,
            r.paged,
            r.delivered,
            r.acknowledgedAt,
            r.acknowledgedBy,
            r.secondsToAcknowledge === null ? '' : `${r.secondsToAcknowledge} s`,
            r.secondsToReach === null ? '' : `${r.secondsToReach} s`,
            r.escalations,
            r.outcome,
            r.cause,
          ]),
          (i) => (log.incidents[i].outcome === 'left' || log.incidents[i].outcome === 'open' ? 'alert' : undefined),
        ),
    h('h2', {}, 'Green presses per hour'),
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
              h('th', {}, WEEKDAYS[day]),
              hours.map((hour) => h('td', { style: `--v:${(grid[day][hour] / most).toFixed(2)}`, title: String(grid[day][hour]) }, grid[day][hour] || '')),
            ),
          ),
        ),
      ),
    ),
  );
}

async function showAnalytics(days = 7): Promise<void> {
  replace(main, h('h1', {}, 'Analytics'), h('p', { class: 'quiet' }, 'Loading…'));
  let view: AnalyticsView;
  try {
    view = await api<AnalyticsView>(`/api/analytics?days=${days}`);
  } catch (error) {
    replace(main, h('h1', {}, 'Analytics'), problem(error));
    return;
  }
  const seconds = (v: number | null) => (v === null ? '–' : `${v} s`);
  replace(
    main,
    h('h1', {}, 'Analytics'),
    h(
      'p',
      {},
      [7, 30].map((n) => h('button', { class: n === days ? 'on' : '', onclick: () => void showAnalytics(n) }, `Last ${n} days`)),
    ),
    h('p', { class: 'quiet' }, `${view.from} – ${view.to} · ${view.timeZone}`),
    h(
      'div',
      { class: 'tiles' },
      h('div', { class: 'tile' }, h('b', {}, view.redIncidents), ' red incidents'),
      h('div', { class: 'tile' }, h('b', { id: 'within-target' }, percent(view.withinTarget)), ` acknowledged within ${view.targetS} s`),
      h('div', { class: 'tile green' }, h('b', { id: 'recovered' }, percent(view.recovered)), ' recovered', h('small', { id: 'recovered-means' }, `: ${view.recoveredMeans}`)),
    ),
    h('p', { class: 'summary', id: 'summary' }, view.summary),
    view.change.byPlace.length === 0
      ? null
      : table(
          ['Place', 'Unhappy now', 'Before', 'Presses now'],
          view.change.byPlace.map((p) => [p.place, percent(p.now.redShare), percent(p.before.redShare), p.now.red + p.now.green]),
        ),
    h('h2', {}, 'What goes wrong most'),
    view.causes.length === 0
      ? h('p', { class: 'quiet' }, 'No causes recorded yet: staff choose one on the pager after the outcome ("Why?"), or on the dashboard when they resolve.')
      : h(
          'div',
          { class: 'ranked' },
          view.causes.map((c) =>
            h('p', {}, h('span', { class: 'ranked-label' }, c.cause), h('span', { class: 'hbar', style: `width:${Math.round((c.incidents / view.causes[0].incidents) * 12)}rem` }), ` ${c.incidents}`),
          ),
        ),
    h('h2', {}, 'How fast staff react'),
    table(
      ['', 'Incidents', 'Typical (median)', '95 % within'],
      [view.toAcknowledge, view.toReach].map((s) => [s.key === 'at the customer' ? 'Press → at the customer (both buttons held)' : 'Press → acknowledged on the pager', s.incidents, seconds(s.medianS), seconds(s.p95S)]),
    ),
    heatmap('Red presses by weekday and hour', view.heatmap.red, 'red', view.openHours),
    heatmap('Green presses by weekday and hour', view.heatmap.green, 'green', view.openHours),
    h('h2', {}, 'Time to acknowledge, per staff member'),
    table(['Staff', 'Incidents', 'Typical (median)', '95 % within'], view.byStaff.map((s) => [s.key, s.incidents, seconds(s.medianS), seconds(s.p95S)])),
    h('h2', {}, 'Time to acknowledge, per hour of day'),
    table(['Hour', 'Incidents', 'Typical (median)', '95 % within'], view.byHour.map((s) => [s.key, s.incidents, seconds(s.medianS), seconds(s.p95S)])),
  );
}

// ---- Devices ------------------------------------------------------------------------

const UPDATE_UNDER_WAY = ['queued', 'waiting', 'sending', 'switching'];

/** "firmware: sending 12/55", "firmware: done — running firmware 0.1.1". */
function updateText(d: DeviceView): string {
  const u = d.update;
  if (!u) return '';
  const progress = u.state === 'sending' ? ` ${u.chunksSent}/${u.chunksTotal}` : '';
  return `${u.what}: ${u.state}${progress}${u.detail ? ` — ${u.detail}` : ''}`;
}

/** Shows the devices; true while an update is under way (the page then refreshes itself). */
async function showDevices(): Promise<boolean> {
  let devices: DeviceView[];
  try {
    devices = await api<DeviceView[]>('/api/devices');
  } catch (error) {
    replace(main, h('h1', {}, 'Devices'), problem(error));
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
      'Update firmware',
    );
    return h('span', {}, text, text ? h('br') : null, button);
  };
  const needsAttention = (d: DeviceView) => !d.online || d.problems.length > 0 || !d.hasSecret;
  const now = Date.now();
  replace(
    main,
    h('h1', {}, 'Devices'),
    h('p', {}, `${devices.filter(needsAttention).length} of ${devices.length} need attention.`),
    table(
      ['', 'Device', 'Kind', 'Last seen', 'Battery', 'Wi-Fi signal', 'Firmware', 'Waiting to send', 'Update', 'Notes'],
      devices.map((d) => [
        h('span', { class: `dot ${d.online ? 'ok' : 'bad'}`, title: d.online ? 'online' : 'offline' }, d.online ? '●' : '○'),
        h('span', {}, d.label, h('br'), h('small', {}, d.id)),
        d.kind,
        d.lastSeenAt ? `${duration(now - d.lastSeenAt)} ago` : d.online ? 'now' : 'waiting for its first connection',
        batteryText(d),
        // In words, the figure a tap (or hover) away for the technician.
        d.rssi === null ? '' : h('span', { title: `${d.rssi} dBm` }, d.rssi >= -60 ? 'good' : d.rssi >= -72 ? 'fair' : 'weak'),
        d.firmware ?? '',
        d.outboxDepth ?? '',
        updateCell(d),
        [
          ...d.problems.map((p) => (p === 'missing' ? 'MISSING' : `CHARGE ${d.label.toUpperCase()}’S ${d.kind.toUpperCase()}`)),
          d.hasSecret ? '' : 'no secret',
          d.onShift === false ? 'off shift' : '',
          d.droppedPresses ? `${d.droppedPresses} dropped` : '',
          d.simulated ? 'simulated' : '',
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
  return `${d.batteryPercent} % · ${left < 60 ? `${left} min` : `${Math.floor(left / 60)} h ${left % 60} min`} left`;
}

// ---- Virtual shop ---------------------------------------------------------------------------

const HOLDS: [string, string][] = [
  ['short', 'Short press: acknowledge / send'],
  ['long', "Long press: next choice (can't go, outcome, cause, mute)"],
  ['very-long', 'Very long press: shift on/off'],
];

async function post(path: string, body: unknown): Promise<void> {
  await api(path, jsonRequest('POST', body));
}

function deviceCard(device: SimulatedDeviceState): HTMLElement {
  const lamp = h('span', { class: `lamp ${device.led ? 'lit' : ''}`, title: device.led ? 'LED on' : 'LED off' });
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
    h('h2', {}, device.label, ' ', lamp, device.motor ? h('span', { class: 'badge warn' }, 'vibrating') : null),
    h('pre', { class: 'screen' }, device.screen.join('\n') || ' '),
    h(
      'p',
      { class: 'holds' },
      HOLDS.map(([hold, text]) => h('button', { 'data-hold': hold, onclick: () => void post('/api/sim/pager', { device: device.id, hold }) }, text)),
    ),
  );
}

function renderShop(state: ShopState): void {
  replace(
    main,
    h('h1', {}, 'Virtual shop'),
    h(
      'p',
      { class: 'banner' },
      'Simulated devices, not real hardware: two buttons and two pagers running the real firmware inside the hub. ',
      'Everything they do is labelled "Sim:" in the log. The simulation stops once a real device is added.',
    ),
    state.running ? h('div', { class: 'cards' }, state.devices.map(deviceCard)) : h('p', { class: 'quiet' }, 'The simulated shop is not running.'),
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

api<Me>('/api/me').then((user) => {
  me = user;
  who.textContent = `${me.username} (${me.role}) · ${me.site}`;
  if (me.simulation) document.querySelector('nav')!.append(h('a', { href: '#shop' }, 'Virtual shop'));
  if (me.role !== 'viewer') document.querySelector('nav')!.append(h('a', { href: '#notify' }, 'Notifications'));
  if (me.role === 'owner') document.querySelector('nav')!.append(h('a', { href: '#settings' }, 'Settings'), h('a', { href: '#accounts' }, 'Accounts'));
  window.addEventListener('hashchange', route);
  route();
});
