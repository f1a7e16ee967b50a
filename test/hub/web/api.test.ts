// The dashboard's JSON API over real HTTP against a real hub.
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAck, encodeHeartbeat, encodeOutcome, encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { TestShop } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
let shop: TestShop;
let base: string;

beforeEach(async () => {
  shop = await TestShop.open();
  base = `http://127.0.0.1:${shop.hub.httpPort}`;
  await shop.addUser('olga', 'owner', PASSWORD);
});

afterEach(async () => {
  await shop.close();
});

async function login(username = 'olga', password = PASSWORD): Promise<{ status: number; cookie: string; setCookie: string; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { status: response.status, cookie: setCookie.split(';')[0], setCookie, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string, cookie?: string): Promise<Response> {
  return fetch(`${base}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

describe('dashboard API', () => {
  it('refuses every page and API route without a session, except login and health', async () => {
    for (const path of ['/api/today', '/api/log?date=2026-11-22', '/api/log.csv?date=2026-11-22', '/api/analytics', '/api/devices', '/api/me', '/api/live']) {
      expect((await get(path)).status, path).toBe(401);
    }
    const page = await get('/');
    expect([page.status, page.headers.get('location')]).toEqual([302, '/login']);
    expect((await get('/api/health')).status).toBe(200);
    expect((await get('/login')).status).toBe(200);
    expect((await get('/api/today', 'lb_session=forged-token')).status).toBe(401);
  });

  it('logs in with an HttpOnly SameSite=Strict cookie, and logs out', async () => {
    const { status, cookie, setCookie, body } = await login();
    expect(status).toBe(200);
    expect(body).toEqual({ username: 'olga', role: 'owner' });
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(await (await get('/api/me', cookie)).json()).toMatchObject({ username: 'olga', role: 'owner', site: 'test-cafe' });
    const out = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(out.status).toBe(200);
    expect((await get('/api/me', cookie)).status).toBe(401);
  });

  it('locks an account after five failed logins, even for the right password', async () => {
    for (let i = 0; i < 4; i++) expect((await login('olga', 'wrong password')).status).toBe(401);
    const fifth = await login('olga', 'wrong password');
    expect(fifth.status).toBe(429);
    expect(fifth.body.error).toMatchObject({ code: 'login-locked', message: expect.stringMatching(/too many failed logins: try again in 15 min/) });
    expect((await login()).status).toBe(429);
    shop.clock.advance(15 * 60 * 1000 + 1);
    expect((await login()).status).toBe(200);
    expect((await login('nobody', PASSWORD)).body).toEqual({ error: { code: 'wrong-credentials', message: 'wrong user name or password' } });
  });

  it('ends the live stream when its session ends at logout (issue #14.10)', async () => {
    const { cookie } = await login();
    const live = await fetch(`${base}/api/live`, { headers: { cookie } });
    const reader = live.body!.getReader();
    let first = '';
    while (!first.includes('event: today')) first += new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^event: ping\ndata: \{"now":\d+,"everyMs":5000\}\n\nevent: today/); // a ping, then the view
    await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: '{}' });
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
    ]);
    expect(ended).toBe(true);
  });

  it('refuses a state change with Origin "null" or a malformed Origin with 403, not 500 (issue #14.16)', async () => {
    const { cookie } = await login();
    for (const origin of ['null', 'not a url', 'http://[::1']) {
      const response = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json', Origin: origin }, body: '{}' });
      expect(response.status, origin).toBe(403);
    }
  });

  it('issues a new session at login, so a planted session id is worthless (no fixation)', async () => {
    const planted = 'lb_session=attacker-chosen-value';
    const response = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: planted }, body: JSON.stringify({ username: 'olga', password: PASSWORD }) });
    const issued = (response.headers.get('set-cookie') ?? '').split(';')[0];
    expect(issued).not.toBe(planted);
    expect((await get('/api/me', planted)).status).toBe(401);
    expect((await get('/api/me', issued)).status).toBe(200);
  });

  it('refuses cross-site and non-JSON state changes (CSRF)', async () => {
    const { cookie } = await login();
    const form = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(415);
    const crossSite = await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect((await get('/api/me', cookie)).status).toBe(200); // still logged in
  });

  it('rejects malformed or hostile query parameters with 400 and a reason', async () => {
    const { cookie } = await login();
    for (const path of ['/api/log?date=2026-13-45', "/api/log?date=2026-11-22'%20OR%201=1--", '/api/log', '/api/analytics?days=500', '/api/analytics?days=0', '/api/analytics?days=1e999', '/api/analytics?days=7;DROP%20TABLE%20presses']) {
      const response = await get(path, cookie);
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe('bad-request');
      expect(body.error.message, path).not.toBe('');
    }
    expect(shop.query('SELECT COUNT(*) AS n FROM presses')).toEqual([{ n: 0 }]);
  });

  it('serves the daily log as JSON and the same rows as CSV, with local-day boundaries', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    // 23:50 in Berlin on the 22nd (22:50 UTC) and 00:10 on the 23rd (23:10 UTC).
    shop.clock.set(Date.UTC(2026, 10, 22, 22, 50));
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    const incident = (await anna.next(DOWNLINK.alert)).i as number;
    shop.clock.advance(25_000);
    await anna.publish(UPLINK.ack, encodeAck({ incident }));
    await anna.publish(UPLINK.outcome, encodeOutcome({ incident, outcome: 'fixed' }));
    shop.clock.set(Date.UTC(2026, 10, 22, 23, 10));
    await button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 2, ageMs: 0 }));

    const { cookie } = await login();
    const log = (await (await get('/api/log?date=2026-11-22', cookie)).json()) as { incidents: Record<string, unknown>[]; redPresses: number; greenPresses: number };
    expect(log.redPresses).toBe(1);
    expect(log.greenPresses).toBe(0);
    expect(log.incidents).toMatchObject([{ incident, openedAt: '23:50:00', acknowledgedAt: '23:50:25', acknowledgedBy: 'Anna', secondsToAcknowledge: 25, outcome: 'fixed' }]);
    const next = (await (await get('/api/log?date=2026-11-23', cookie)).json()) as { greenPresses: number; greensByHour: number[] };
    expect(next.greenPresses).toBe(1);
    expect(next.greensByHour[0]).toBe(1);

    const csv = await get('/api/log.csv?date=2026-11-22', cookie);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="complaints-2026-11-22.csv"');
    const rows = parse((await csv.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(log.incidents.length);
    expect(rows[0]).toMatchObject({ Incident: String(incident), Date: '2026-11-22', 'Opened (local time)': '23:50:00', 'UTC offset': 'UTC+01:00', 'Acknowledged by': 'Anna', 'Seconds to acknowledge': '25', Outcome: 'fixed' });
    // A German browser gets the file in German, with ";" between cells; the device problems come in a file of their own.
    const german = await fetch(`${base}/api/log.csv?date=2026-11-22`, { headers: { cookie, 'Accept-Language': 'de-DE,de;q=0.9' } });
    const bytes = Buffer.from(await german.arrayBuffer()); // text() would drop the byte-order mark
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toMatch(/^Vorfall;Datum;Geöffnet \(Ortszeit\);/);
    const devices = await get('/api/log.csv?date=2026-11-22&part=devices', cookie);
    expect(devices.headers.get('content-disposition')).toBe('attachment; filename="device-problems-2026-11-22.csv"');
    expect((await get('/api/log.csv?date=2026-11-22&sep=|', cookie)).status).toBe(400);
    // The same rows as an Excel workbook (#18), read back as Excel would: numbers as numbers, the headers in the reader's language.
    const workbook = await fetch(`${base}/api/log.xlsx?date=2026-11-22&lang=de`, { headers: { cookie } });
    expect(workbook.headers.get('content-disposition')).toBe('attachment; filename="complaints-2026-11-22.xlsx"');
    const sheet = await readSheet(Buffer.from(await workbook.arrayBuffer()));
    expect(sheet[0].slice(0, 3)).toEqual(['Vorfall', 'Datum', 'Geöffnet (Ortszeit)']);
    expect(sheet).toHaveLength(rows.length + 1);
    const column = (name: string) => sheet[0].indexOf(name);
    expect(sheet[1][column('Vorfall')]).toBe(incident);
    expect(sheet[1][column('Sekunden bis zur Bestätigung')]).toBe(25);
    expect(sheet[1][column('Ergebnis')]).toBe('behoben');
  });

  it('answers history over a date range, filtered by place, with totals per period (#18)', async () => {
    const { cookie } = await login();
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    const incident = (await anna.next(DOWNLINK.alert)).i as number;
    await anna.publish(UPLINK.outcome, encodeOutcome({ incident, outcome: 'fixed' }));
    const answer = (path: string) => get(path, cookie).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const range = await answer('/api/history?from=2026-11-16&to=2026-11-22&per=week');
    expect(range.body).toMatchObject({ total: 1, per: 'week', totals: [{ period: '2026-11-16', incidents: 1, resolved: 1, recovered: 1 }], incidents: [{ id: incident, location: 'Counter 1', outcome: 'fixed', acknowledgedBy: 'Anna' }] });
    expect((await answer('/api/history?from=2026-11-16&to=2026-11-22&place=Counter%202')).body).toMatchObject({ total: 0 });
    expect((await answer('/api/history?from=2026-11-22&to=2026-11-01')).body).toMatchObject({ error: { code: 'bad-request', message: 'the range ends (2026-11-01) before it begins (2026-11-22)' } });
    expect((await answer('/api/history?from=2026-11-22&to=2026-11-22&per=year')).status).toBe(400);
  });

  it('computes analytics: on-time share, recovered share, median and p95 per staff', async () => {
    const anna = await shop.connect('pgr-anna');
    const ben = await shop.connect('pgr-ben');
    const b1 = await shop.connect('btn-1');
    const b2 = await shop.connect('btn-2');
    const incidentWith = async (button: typeof b1, pager: typeof anna, seq: number, ackAfterS: number, outcome: 'fixed' | 'left') => {
      await button.publish(UPLINK.press, encodePress({ kind: 'red', seq, ageMs: 0 }));
      const id = (await pager.next(DOWNLINK.alert, (a) => a.w === 'n')).i as number;
      shop.clock.advance(ackAfterS * 1000);
      await pager.publish(UPLINK.ack, encodeAck({ incident: id }));
      await pager.publish(UPLINK.outcome, encodeOutcome({ incident: id, outcome }));
      shop.clock.advance(120_000);
    };
    await incidentWith(b1, anna, 1, 20, 'fixed');
    await incidentWith(b1, anna, 2, 40, 'fixed');
    await incidentWith(b1, anna, 3, 90, 'left');
    await incidentWith(b2, ben, 1, 10, 'fixed');
    const { cookie } = await login();
    const view = (await (await get('/api/analytics?days=7', cookie)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ days: 7, targetS: 60, redIncidents: 4, withinTarget: 0.75, recovered: 0.75 });
    expect(view.byStaff).toEqual([
      { key: 'Anna', incidents: 3, medianS: 40, p95S: 90 },
      { key: 'Ben', incidents: 1, medianS: 10, p95S: 10 },
    ]);
    const heat = view.heatmap as { red: number[][] };
    expect(heat.red.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(heat.red[6][13]).toBeGreaterThanOrEqual(1); // Sunday 13:00 in Berlin
  });

  it('lists every device with its health; missing ones are marked, one never connected waits for its first connection', async () => {
    await (await shop.connect('btn-1')).close(); // btn-1 was here once; btn-2 never came
    const boss = await shop.connect('pgr-boss');
    const { cookie } = await login();
    shop.clock.advance(110_000);
    await boss.publish(UPLINK.heartbeat, encodeHeartbeat({ batteryMv: 3900, rssi: -55, freeMemory: 8000, outboxDepth: 0, firmware: '0.1.0' }));
    shop.advance(11_000); // devices that never came get two heartbeat periods
    const devices = (await (await get('/api/devices', cookie)).json()) as { id: string; online: boolean; problems: string[] }[];
    expect(devices.map((d) => d.id)).toEqual(['btn-1', 'btn-2', 'pgr-anna', 'pgr-ben', 'pgr-boss']);
    expect(devices.find((d) => d.id === 'pgr-boss')).toMatchObject({ online: true, problems: [], batteryMv: 3900, rssi: -55, firmware: '0.1.0' });
    // 3.9 V is 64 % on the LiPo curve; at the expected 7.8 points an hour down to 5 %: 452 minutes (#15).
    expect(devices.find((d) => d.id === 'pgr-boss')).toMatchObject({ batteryPercent: 64, batteryMinutesLeft: 452 });
    expect(devices.find((d) => d.id === 'btn-1')).toMatchObject({ batteryPercent: null, batteryMinutesLeft: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = (await (await get('/api/devices', cookie)).json()) as { id: string; problems: string[] }[];
    expect(again.find((d) => d.id === 'btn-1')?.problems).toEqual(['missing']);
    expect(again.find((d) => d.id === 'btn-2')).toMatchObject({ problems: [], lastSeenAt: null }); // waiting, not missing (#17)
  });

  it('lets an owner ask for a firmware update from the Devices page, and shows its progress; a manager may not (#15)', async () => {
    await shop.addUser('max', 'manager', PASSWORD);
    const owner = (await login()).cookie;
    const manager = (await login('max')).cookie;
    const ask = (id: string, cookie: string) =>
      fetch(`${base}/api/devices/${id}/update`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json', Origin: base }, body: '{}' });
    const refused = await ask('pgr-anna', manager);
    expect([refused.status, await refused.json()]).toEqual([403, { error: { code: 'owner-only', message: 'only an owner may do this' } }]);
    const unknown = await ask('pgr-nobody', owner);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/no device "pgr-nobody"/);
    const accepted = await ask('pgr-anna', owner);
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: number };
    shop.advance(1000); // the hub's tick: the pager is not connected
    const devices = (await (await get('/api/devices', owner)).json()) as { id: string; update: unknown }[];
    expect(devices.find((d) => d.id === 'pgr-anna')?.update).toMatchObject({ id, what: 'firmware', state: 'waiting', chunksSent: 0, detail: 'waiting for the device to connect' });
    expect(devices.find((d) => d.id === 'btn-1')?.update).toBeNull();
  });
});
