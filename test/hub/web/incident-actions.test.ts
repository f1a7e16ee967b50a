// Hands on incidents from the dashboard (#17), over real HTTP against a real
// hub with real MQTT pagers: each action reaches the pagers as if a pager had
// done it, is recorded with who did it, and is refused to a viewer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { PASSWORD, caller, login } from '../../support/dashboard.js';
import { TestShop, eventually, type TestDevice } from '../../support/shop.js';

let shop: TestShop;
let base: string;
let anna: TestDevice;
let button: TestDevice;

beforeEach(async () => {
  shop = await TestShop.open();
  base = `http://127.0.0.1:${shop.hub.httpPort}`;
  await shop.addUser('olga', 'owner', PASSWORD);
  await shop.addUser('mia', 'manager', PASSWORD);
  await shop.addUser('wall', 'viewer', PASSWORD);
  anna = await shop.connect('pgr-anna');
  await shop.connect('pgr-boss');
  button = await shop.connect('btn-1');
});

afterEach(async () => {
  await shop.close();
});

const session = (username: string) => login(base, username);
const call = (cookie: string, method: string, path: string, body?: unknown) => caller(base, cookie)(method, path, body);

async function complaint(seq: number): Promise<number> {
  await button.publish(UPLINK.press, encodePress({ kind: 'red', seq, ageMs: 0 }));
  return (await anna.next(DOWNLINK.alert, (a) => a.w === 'n')).i as number;
}

describe('incidents from the dashboard', () => {
  it('acknowledges, resolves with outcome, cause and note, and shows the whole history with who did what', async () => {
    const mia = await session('mia');
    const id = await complaint(1);
    const acked = await call(mia, 'POST', `/api/incidents/${id}/acknowledge`, {});
    expect(acked.status).toBe(200);
    expect(await anna.next(DOWNLINK.cancel)).toEqual({ i: id, w: 'a', by: 'mia (dashboard)' });
    expect(await button.next(DOWNLINK.feedback)).toEqual({ s: 'a', i: id });

    expect((await call(mia, 'POST', `/api/incidents/${id}/resolve`, { outcome: 'compensated', cause: 'Weather' })).body.error).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('"Weather" is not one of the causes'),
    });
    const resolved = await call(mia, 'POST', `/api/incidents/${id}/resolve`, { outcome: 'compensated', cause: 'Food', note: 'free dessert' });
    expect(resolved.body).toMatchObject({ open: false, outcome: 'compensated', cause: 'Food', note: 'free dessert', acknowledgedBy: 'mia (dashboard)', resolvedBy: 'mia (dashboard)' });
    const history = (resolved.body.history as { type: string; who: string | null }[]).map((e) => [e.type, e.who]);
    expect(history).toEqual([
      ['opened', null],
      ['paged', 'Anna'],
      ['delivered', 'Anna'],
      ['acknowledged', 'mia (dashboard)'],
      ['resolved', 'mia (dashboard)'],
    ]);
    expect((await call(mia, 'POST', `/api/incidents/${id}/resolve`, { outcome: 'fixed' })).status).toBe(409); // already resolved
    expect((await call(mia, 'GET', '/api/incidents/999999')).status).toBe(404);
  });

  it('closes a test incident with a reason, reassigns, and mutes a button', async () => {
    const olga = await session('olga');
    const first = await complaint(1);
    expect((await call(olga, 'POST', `/api/incidents/${first}/close`, {})).status).toBe(400); // a reason is required
    const closed = await call(olga, 'POST', `/api/incidents/${first}/close`, { reason: 'testing the button' });
    expect(closed.body).toMatchObject({ open: false, outcome: null, note: 'testing the button' });
    expect(await anna.next(DOWNLINK.cancel)).toEqual({ i: first, w: 'x', by: 'olga (dashboard)' });

    shop.advance(120_000); // past the fold window and the cool-down
    const second = await complaint(2);
    const boss = shop.devices.find((d) => d.id === 'pgr-boss')!;
    const moved = await call(olga, 'POST', `/api/incidents/${second}/reassign`, { pager: 'pgr-boss' });
    expect(moved.status).toBe(200);
    expect(await boss.next(DOWNLINK.alert, (a) => a.i === second)).toMatchObject({ i: second, w: 'n' });
    expect(await anna.next(DOWNLINK.cancel, (c) => c.i === second)).toEqual({ i: second, w: 'a', by: 'Manager' });
    expect((await call(olga, 'POST', `/api/incidents/${second}/reassign`, { pager: 'btn-1' })).body.error).toMatchObject({ message: '"btn-1" is not a pager' });

    expect((await call(olga, 'PUT', '/api/buttons/btn-1/mute', { minutes: 10 })).status).toBe(200);
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 3, ageMs: 0 }));
    await eventually(() => shop.query('SELECT 1 FROM presses WHERE seq = 3').length === 1, 5000, 'muted press stored');
    expect(boss.messages(DOWNLINK.alert).filter((a) => a.n === 2)).toEqual([]); // the count went up quietly: nobody paged
    expect(shop.query<{ count: number }>('SELECT count FROM incidents WHERE id = ?', second)[0].count).toBe(2);
  });

  it('lets a viewer look but change nothing, and keeps updates over the air to the owner', async () => {
    const wall = await session('wall');
    const mia = await session('mia');
    const id = await complaint(1);
    expect((await call(wall, 'GET', '/api/today')).status).toBe(200);
    expect((await call(wall, 'GET', `/api/incidents/${id}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `/api/incidents/${id}/acknowledge`, {}],
      ['POST', `/api/incidents/${id}/resolve`, { outcome: 'fixed' }],
      ['POST', `/api/incidents/${id}/close`, { reason: 'x' }],
      ['POST', `/api/incidents/${id}/reassign`, { pager: 'pgr-boss' }],
      ['PUT', '/api/buttons/btn-1/mute', { minutes: 5 }],
      ['PUT', '/api/pagers/pgr-anna/wearer', { person: null }],
    ] as const) {
      const answer = await call(wall, method, path, body);
      expect([path, answer.status, (answer.body.error as { code: string }).code]).toEqual([path, 403, 'managers-only']);
    }
    expect((await call(mia, 'POST', '/api/devices/btn-1/update', {})).body.error).toMatchObject({ code: 'owner-only' });
    expect(shop.query('SELECT 1 FROM incidents WHERE resolved_at IS NOT NULL OR acknowledged_at IS NOT NULL')).toEqual([]);
  });
});
