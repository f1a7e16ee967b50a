// The head office's tables take what the wire brings (#19): the same message
// twice, batches out of order, an older snapshot of an incident after a newer
// one, a site nobody let in — on a real PostgreSQL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSite, migrate, store } from '../../../hub/hq/hq-database.js';
import type { UplinkMessage } from '../../../hub/hq/uplink-message.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';

let postgres: PostgresServer;
let pool: pg.Pool;

beforeAll(async () => {
  postgres = await PostgresServer.start();
  pool = new pg.Pool({ connectionString: postgres.url(), max: 2 });
  await migrate(pool);
  await migrate(pool); // twice: nothing happens the second time
  await addSite(pool, 'cafe-a');
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await postgres?.stop();
});

const press = (id: number, seq: number) => ({ id, k: 'press' as const, at: id, b: { deviceId: 'btn-1', seq, kind: 'red' as const, pressedAt: 1000 + seq, receivedAt: 1000 + seq, ageMs: 0, incidentId: 1 } });
const incident = (id: number, count: number) => ({
  id,
  k: 'incident' as const,
  at: id,
  b: { id: 1, kind: 'red', source: 'btn-1', label: 'Counter 1', openedAt: 1001, lastPressAt: 1000 + count, count, level: 1, acknowledgedAt: null, acknowledgedPerson: null, resolvedAt: null, resolvedPerson: null, outcome: null, cause: null, reachedAt: null },
});
const batch = (site: string, items: UplinkMessage['items']): UplinkMessage => ({ v: 1, site, from: items[0].id, to: items[items.length - 1].id, items });
const rows = async (sql: string) => (await pool.query(sql)).rows as Record<string, unknown>[];

describe('head-office tables', () => {
  it('write a message taken twice once, move the watermark only over contiguous ids, and keep the newest incident', async () => {
    const first = batch('cafe-a', [press(1, 1), incident(2, 1)]);
    const second = batch('cafe-a', [press(3, 2), incident(4, 2)]);
    const third = batch('cafe-a', [press(5, 3), incident(6, 3)]);
    expect(await store(pool, first)).toBe(2);
    expect(await store(pool, first)).toBe(2); // a duplicate delivery
    // The third before the second (another ingester was quicker): stored, but the watermark waits for the gap…
    expect(await store(pool, third)).toBe(2);
    // …and moves over both when the second arrives: the shop need not send the third again.
    expect(await store(pool, second)).toBe(6);
    expect(await store(pool, third)).toBe(6); // it may anyway (a resend): nothing changes
    expect(await rows('SELECT seq FROM hq_presses ORDER BY seq')).toEqual([{ seq: '1' }, { seq: '2' }, { seq: '3' }]);
    // The snapshot with the highest feed id wins, whatever order they came in.
    expect(await rows('SELECT (record->>\'count\')::int AS count, feed_id FROM hq_incidents')).toEqual([{ count: 3, feed_id: '6' }]);
    await store(pool, batch('cafe-a', [incident(4, 2)]));
    expect(await rows('SELECT (record->>\'count\')::int AS count FROM hq_incidents')).toEqual([{ count: 3 }]);
    // Two snapshots of one incident in one batch (a busy button): the later one is kept.
    expect(await store(pool, batch('cafe-a', [press(7, 4), incident(8, 4), press(9, 5), incident(10, 5)]))).toBe(10);
    expect(await rows('SELECT (record->>\'count\')::int AS count, feed_id FROM hq_incidents')).toEqual([{ count: 5, feed_id: '10' }]);
  });

  it('keeps each device’s latest health, whatever order it comes in', async () => {
    const health = (id: number, online: boolean, batteryMv?: number) => ({ id, k: 'health' as const, at: 1000 + id, b: { deviceId: 'pgr-anna', online, batteryMv } });
    await store(pool, batch('cafe-a', [health(7, true, 3900), health(8, false)]));
    await store(pool, batch('cafe-a', [health(7, true, 3900)])); // again, late
    expect(await rows("SELECT online, battery_mv FROM hq_devices WHERE device_id = 'pgr-anna'")).toEqual([{ online: false, battery_mv: 3900 }]);
  });

  it('keeps a shop’s latest alarms and its figures per day, the newest feed id winning', async () => {
    const alarm = (id: number, keys: string[]) => ({ id, k: 'alarm' as const, at: 5000 + id, b: { active: keys.map((key) => ({ key })) } });
    const summary = (id: number, day: string, red: number) => ({ id, k: 'summary' as const, at: 5000 + id, b: { day, red, green: 3, customers: { red, green: 3 }, complaints: red, open: 0 } });
    await store(pool, batch('cafe-a', [alarm(20, ['The disk is full']), summary(21, '2026-12-06', 2), alarm(22, []), summary(23, '2026-12-06', 4)]));
    await store(pool, batch('cafe-a', [alarm(20, ['The disk is full'])])); // an older one, late
    expect(await rows("SELECT active FROM hq_alarms WHERE site = 'cafe-a'")).toEqual([{ active: [] }]);
    expect(await rows("SELECT day, (body->>'red')::int AS red FROM hq_summaries WHERE site = 'cafe-a'")).toEqual([{ day: '2026-12-06', red: 4 }]);
  });

  it('writes nothing for a site nobody let in', async () => {
    expect(await store(pool, batch('stranger', [press(1, 1)]))).toBeNull();
    expect(await rows("SELECT 1 FROM hq_presses WHERE site = 'stranger'")).toEqual([]);
  });
});
