// Scenario 7: the dashboard and its API under attack. No session, a planted
// session id, cross-site and non-JSON state changes, SQL injection in every
// query parameter, markup in device labels and staff names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { withStorage } from '../../hub/store/storage.js';
import { Accounts } from '../../hub/web/accounts.js';
import { HubProcess, provision } from '../lib/hub-process.js';
import { Checklist, type ChecklistResult } from './checklist.js';

export type DashboardResult = ChecklistResult;

const SQLI = ["' OR 1=1--", "2026-11-22'; DROP TABLE presses;--", '1 UNION SELECT secret_hash FROM credentials', '"><script>alert(1)</script>', '../../etc/passwd', '%00', '1e999'];
const MARKUP_LABEL = '<script>alert(1)</script>';
const MARKUP_NAME = '<img src=x onerror=alert(2)>';

export async function runDashboardAttacks(): Promise<DashboardResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-dash-'));
  const checklist = new Checklist();
  const check = (ok: boolean, what: string) => checklist.check(ok, what);
  const dataDir = join(dir, 'data');
  await provision(dataDir, ['btn-1', 'pgr-1']);
  await withStorage(dataDir, (storage) => new Accounts(storage.accounts).add('olga', 'owner', 'correct horse battery', Date.now()));
  const hub = await HubProcess.start(dir, {
    site: 'dash',
    dataDir: 'data',
    logLevel: 'silent',
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0 },
    devices: [
      { id: 'btn-1', kind: 'button', label: MARKUP_LABEL },
      { id: 'pgr-1', kind: 'pager', label: MARKUP_NAME },
    ],
    defaultRoute: [['pgr-1']],
  });
  const base = `http://127.0.0.1:${hub.httpPort}`;
  const counts = () => {
    const ro = new Database(join(dataDir, 'loyalty-hub.db'), { readonly: true });
    try {
      return JSON.stringify(['presses', 'incidents', 'users', 'sessions', 'credentials'].map((t) => ro.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()));
    } finally {
      ro.close();
    }
  };
  try {
    const routes = ['/api/today', '/api/log?date=2026-11-22', '/api/log.csv?date=2026-11-22', '/api/analytics?days=7', '/api/devices', '/api/me', '/api/sim', '/api/live'];
    for (const route of routes) check((await fetch(base + route)).status === 401, `no session: ${route} not refused`);
    check((await fetch(base + '/', { redirect: 'manual' })).status === 302, 'no session: the dashboard page is served');

    // Session fixation: a session id chosen by the attacker is never honoured, and login issues a new one.
    const planted = 'lb_session=attacker-chosen';
    const login = await fetch(base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: planted }, body: JSON.stringify({ username: 'olga', password: 'correct horse battery' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    check(login.status === 200 && cookie !== planted && cookie.startsWith('lb_session='), 'login did not issue a fresh session');
    check((await fetch(base + '/api/me', { headers: { cookie: planted } })).status === 401, 'a planted session id was honoured');

    // CSRF: state changes only as same-origin JSON.
    const logout = (headers: Record<string, string>, body: string) => fetch(base + '/api/logout', { method: 'POST', headers: { cookie, ...headers }, body });
    check((await logout({ 'Content-Type': 'application/json', Origin: 'https://evil.example' }, '{}')).status === 403, 'cross-site POST accepted');
    check((await logout({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'x=1')).status === 415, 'form POST accepted');
    check((await logout({ 'Content-Type': 'text/plain' }, '{}')).status === 415, 'text/plain POST accepted');
    check((await fetch(base + '/api/sim/press', { method: 'POST', headers: { cookie, 'Content-Type': 'application/json', Origin: 'http://attacker.local' }, body: '{"device":"sim-btn-1","kind":"red"}' })).status === 403, 'cross-site simulated press accepted');

    // SQL injection in every query parameter: refused, nothing changed.
    const before = counts();
    for (const value of SQLI) {
      for (const path of ['/api/log?date=', '/api/log.csv?date=', '/api/analytics?days=']) {
        const response = await fetch(base + path + encodeURIComponent(value), { headers: { cookie } });
        check(response.status === 400, `${path}${value} answered ${response.status}`);
      }
    }
    const login2 = await fetch(base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: "olga' --", password: "' OR '1'='1" }) });
    check(login2.status === 401, 'SQL injection in the login accepted');
    check(counts() === before, 'the database changed under injection attempts');

    // Markup in labels and names travels as data: JSON, never HTML.
    const devices = await fetch(base + '/api/devices', { headers: { cookie } });
    check((devices.headers.get('content-type') ?? '').startsWith('application/json'), 'devices not served as JSON');
    const list = (await devices.json()) as { label: string }[];
    check(list.some((d) => d.label === MARKUP_LABEL) && list.some((d) => d.label === MARKUP_NAME), 'labels altered');
    const page = await (await fetch(base + '/', { headers: { cookie } })).text();
    check(!page.includes(MARKUP_LABEL) && !page.includes(MARKUP_NAME), 'a label appears in the HTML page');
    const csp = (await fetch(base + '/', { headers: { cookie } })).headers.get('content-security-policy') ?? '';
    check(csp.includes("default-src 'self'"), 'no Content-Security-Policy');
    return checklist.result();
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
