// The head office's PostgreSQL: schema by numbered migrations (applied in one
// transaction each, recorded in hq_migrations), and the upserts that make a
// message taken twice write once: presses by (site, device, sequence),
// incidents by (site, id) keeping the newest feed id, events by (site, feed
// id). A site's watermark moves only over contiguous feed ids, over batches
// that came early as soon as the gap closes.
import pg from 'pg';
import type { UplinkItem, UplinkMessage } from './uplink-message.js';

const MIGRATIONS: string[] = [
  `
  CREATE TABLE hq_sites (
    site       TEXT PRIMARY KEY,
    watermark  BIGINT NOT NULL DEFAULT 0,
    last_seen  TIMESTAMPTZ
  );
  CREATE TABLE hq_presses (
    site        TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    pressed_at  BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    incident_id BIGINT,
    by_staff    BOOLEAN NOT NULL DEFAULT false,
    feed_id     BIGINT NOT NULL,
    PRIMARY KEY (site, device_id, seq)
  );
  CREATE TABLE hq_incidents (
    site       TEXT NOT NULL,
    id         BIGINT NOT NULL,
    record     JSONB NOT NULL,
    kind       TEXT NOT NULL,
    opened_at  BIGINT NOT NULL,
    outcome    TEXT,
    cause      TEXT,
    feed_id    BIGINT NOT NULL,
    PRIMARY KEY (site, id)
  );
  CREATE TABLE hq_events (
    site        TEXT NOT NULL,
    feed_id     BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    type        TEXT NOT NULL,
    person      TEXT,
    detail      TEXT,
    PRIMARY KEY (site, feed_id)
  );
  CREATE TABLE hq_refusals (
    at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    subject TEXT NOT NULL,
    reason  TEXT NOT NULL
  );
  `,
  // Tokens of the export API: only their SHA-256 is kept; `sites` null means every site.
  `
  CREATE TABLE hq_tokens (
    hash       TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    sites      TEXT[],
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE INDEX hq_incidents_opened ON hq_incidents (opened_at);
  `,
  // Device health: the latest a shop forwarded per device (online, battery, signal, firmware).
  `
  CREATE TABLE hq_devices (
    site       TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    online     BOOLEAN NOT NULL,
    battery_mv INT,
    rssi       INT,
    firmware   TEXT,
    at         BIGINT NOT NULL,
    feed_id    BIGINT NOT NULL,
    PRIMARY KEY (site, device_id)
  );
  `,
  // When a press was stored here: with the shop's receivedAt, the uplink's lag (commit in the shop → row at the head office).
  `
  ALTER TABLE hq_presses ADD COLUMN stored_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp();
  CREATE INDEX hq_presses_pressed ON hq_presses (pressed_at);
  `,
  // Batches stored beyond a site's watermark (they came before an earlier one): the watermark moves over them when the gap closes.
  `
  CREATE TABLE hq_stored_ranges (
    site    TEXT NOT NULL,
    from_id BIGINT NOT NULL,
    to_id   BIGINT NOT NULL,
    PRIMARY KEY (site, from_id)
  );
  `,
  // The head-office dashboard's accounts (a chain owner: every site; an area manager: `sites`) and sessions (hq-accounts.ts).
  `
  CREATE TABLE hq_accounts (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'area')),
    sites         TEXT[],
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE hq_sessions (
    hash       TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES hq_accounts ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL
  );
  `,
  // A shop's alarms as it last forwarded them, and its figures per day at closing (uplink/head-office-news.ts).
  `
  CREATE TABLE hq_alarms (
    site    TEXT PRIMARY KEY,
    active  JSONB NOT NULL,
    at      BIGINT NOT NULL,
    feed_id BIGINT NOT NULL
  );
  CREATE TABLE hq_summaries (
    site    TEXT NOT NULL,
    day     TEXT NOT NULL,
    body    JSONB NOT NULL,
    feed_id BIGINT NOT NULL,
    PRIMARY KEY (site, day)
  );
  `,
];

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await checkOut(pool);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS hq_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    // One ingester migrates at a time (they may start together).
    await client.query('SELECT pg_advisory_lock(4711)');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM hq_migrations')).rows.map((row) => row.version));
    for (let version = 1; version <= MIGRATIONS.length; version++) {
      if (done.has(version)) continue;
      await client.query('BEGIN');
      await client.query(MIGRATIONS[version - 1]);
      await client.query('INSERT INTO hq_migrations (version) VALUES ($1)', [version]);
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.query('SELECT pg_advisory_unlock(4711)').catch(() => undefined);
    client.release();
  }
}

/** Writes one message in one transaction; the site's watermark afterwards (0 for a site the head office does not know: nothing written). */
export async function store(pool: pg.Pool, m: UplinkMessage): Promise<number | null> {
  const client = await checkOut(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const site = await client.query<{ watermark: string }>('SELECT watermark FROM hq_sites WHERE site = $1 FOR UPDATE', [m.site]);
    if (site.rows.length === 0) {
      await client.query('ROLLBACK');
      return null;
    }
    await writeItems(client, m);
    const watermark = await advance(client, m.site, Number(site.rows[0].watermark), m.from, m.to);
    await client.query('COMMIT');
    return watermark;
  } catch (error) {
    broken = error as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed (the server restarted) is dropped, not reused.
    client.release(broken);
  }
}

/**
 * The site's watermark after a batch from..to is stored: contiguous ids only.
 * A batch that arrives before an earlier one (two ingesters, one quicker) is
 * kept as a stored range beyond the watermark; when the gap closes, the
 * watermark moves over every range it now reaches — without that, it stopped
 * at the earlier batch and the shop sent the later one again after its
 * resend timeout (15 s). The site row is locked (FOR UPDATE) by the caller.
 */
async function advance(client: pg.PoolClient, site: string, watermark: number, from: number, to: number): Promise<number> {
  if (from > watermark + 1) {
    await client.query('INSERT INTO hq_stored_ranges (site, from_id, to_id) VALUES ($1, $2, $3) ON CONFLICT (site, from_id) DO UPDATE SET to_id = GREATEST(hq_stored_ranges.to_id, excluded.to_id)', [site, from, to]);
    await client.query('UPDATE hq_sites SET last_seen = now() WHERE site = $1', [site]);
    return watermark;
  }
  let next = Math.max(watermark, to);
  for (;;) {
    const reached = await client.query<{ to_id: string }>('DELETE FROM hq_stored_ranges WHERE site = $1 AND from_id <= $2 + 1 RETURNING to_id', [site, next]);
    if (reached.rows.length === 0) break;
    next = Math.max(next, ...reached.rows.map((row) => Number(row.to_id)));
  }
  await client.query('UPDATE hq_sites SET watermark = $2, last_seen = now() WHERE site = $1', [site, next]);
  return next;
}

/**
 * A message's items, a few statements per message rather than one per item
 * (a batch of 200 in one round trip each; the ingest rate depends on it):
 * presses and events are inserted set-wise and taken once; of an incident or
 * a device the batch's newest snapshot only (one statement may not update a
 * row twice; a device's battery and signal folded from all of them), and only over an older one already stored; a staff mark after
 * the presses it marks.
 */
async function writeItems(client: pg.PoolClient, m: UplinkMessage): Promise<void> {
  const of = <K extends UplinkItem['k']>(kind: K) => m.items.filter((item): item is Extract<UplinkItem, { k: K }> => item.k === kind);
  const newest = <T extends { id: number }>(items: T[], key: (item: T) => string | number) => [...new Map(items.map((item) => [key(item), item])).values()];
  const presses = of('press').map((item) => ({ d: item.b.deviceId, q: item.b.seq, k: item.b.kind, p: item.b.pressedAt, r: item.b.receivedAt, i: item.b.incidentId, f: item.id }));
  if (presses.length > 0) {
    await client.query(
      `INSERT INTO hq_presses (site, device_id, seq, kind, pressed_at, received_at, incident_id, feed_id)
       SELECT $1, x.d, x.q, x.k, x.p, x.r, x.i, x.f FROM jsonb_to_recordset($2::jsonb) AS x(d text, q bigint, k text, p bigint, r bigint, i bigint, f bigint)
       ON CONFLICT (site, device_id, seq) DO NOTHING`,
      [m.site, JSON.stringify(presses)],
    );
  }
  const staff = of('staff').map((item) => ({ d: item.b.deviceId, q: item.b.seq }));
  if (staff.length > 0) {
    await client.query(
      `UPDATE hq_presses p SET by_staff = true FROM jsonb_to_recordset($2::jsonb) AS x(d text, q bigint) WHERE p.site = $1 AND p.device_id = x.d AND p.seq = x.q`,
      [m.site, JSON.stringify(staff)],
    );
  }
  const incidents = newest(of('incident'), (item) => item.b.id).map((item) => ({ r: item.b, f: item.id }));
  if (incidents.length > 0) {
    await client.query(
      `INSERT INTO hq_incidents (site, id, record, kind, opened_at, outcome, cause, feed_id)
       SELECT $1, (x.r->>'id')::bigint, x.r, x.r->>'kind', (x.r->>'openedAt')::bigint, x.r->>'outcome', x.r->>'cause', x.f FROM jsonb_to_recordset($2::jsonb) AS x(r jsonb, f bigint)
       ON CONFLICT (site, id) DO UPDATE SET record = excluded.record, kind = excluded.kind, opened_at = excluded.opened_at, outcome = excluded.outcome, cause = excluded.cause, feed_id = excluded.feed_id
       WHERE hq_incidents.feed_id < excluded.feed_id`,
      [m.site, JSON.stringify(incidents)],
    );
  }
  const events = of('event').map((item) => ({ f: item.id, i: item.b.incidentId, a: item.b.at, t: item.b.type, p: item.b.person ?? null, d: item.b.detail ?? null }));
  if (events.length > 0) {
    await client.query(
      `INSERT INTO hq_events (site, feed_id, incident_id, at, type, person, detail)
       SELECT $1, x.f, x.i, x.a, x.t, x.p, x.d FROM jsonb_to_recordset($2::jsonb) AS x(f bigint, i bigint, a bigint, t text, p text, d text)
       ON CONFLICT (site, feed_id) DO NOTHING`,
      [m.site, JSON.stringify(events)],
    );
  }
  // A device's snapshots in the batch folded in order: the newest online state, the newest battery, signal and firmware it told.
  const devices = new Map<string, { d: string; o: boolean; b: number | null; r: number | null; v: string | null; a: number; f: number }>();
  for (const item of of('health')) {
    const before = devices.get(item.b.deviceId);
    devices.set(item.b.deviceId, { d: item.b.deviceId, o: item.b.online, b: item.b.batteryMv ?? before?.b ?? null, r: item.b.rssi ?? before?.r ?? null, v: item.b.firmware ?? before?.v ?? null, a: item.at, f: item.id });
  }
  const health = [...devices.values()];
  const alarms = of('alarm').at(-1);
  if (alarms) {
    await client.query(
      `INSERT INTO hq_alarms (site, active, at, feed_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (site) DO UPDATE SET active = excluded.active, at = excluded.at, feed_id = excluded.feed_id WHERE hq_alarms.feed_id < excluded.feed_id`,
      [m.site, JSON.stringify(alarms.b.active), alarms.at, alarms.id],
    );
  }
  const summaries = newest(of('summary'), (item) => item.b.day).map((item) => ({ d: item.b.day, b: item.b, f: item.id }));
  if (summaries.length > 0) {
    await client.query(
      `INSERT INTO hq_summaries (site, day, body, feed_id) SELECT $1, x.d, x.b, x.f FROM jsonb_to_recordset($2::jsonb) AS x(d text, b jsonb, f bigint)
       ON CONFLICT (site, day) DO UPDATE SET body = excluded.body, feed_id = excluded.feed_id WHERE hq_summaries.feed_id < excluded.feed_id`,
      [m.site, JSON.stringify(summaries)],
    );
  }
  if (health.length > 0) {
    await client.query(
      `INSERT INTO hq_devices (site, device_id, online, battery_mv, rssi, firmware, at, feed_id)
       SELECT $1, x.d, x.o, x.b, x.r, x.v, x.a, x.f FROM jsonb_to_recordset($2::jsonb) AS x(d text, o boolean, b int, r int, v text, a bigint, f bigint)
       ON CONFLICT (site, device_id) DO UPDATE SET online = excluded.online, battery_mv = COALESCE(excluded.battery_mv, hq_devices.battery_mv),
         rssi = COALESCE(excluded.rssi, hq_devices.rssi), firmware = COALESCE(excluded.firmware, hq_devices.firmware), at = excluded.at, feed_id = excluded.feed_id
       WHERE hq_devices.feed_id < excluded.feed_id`,
      [m.site, JSON.stringify(health)],
    );
  }
}

/**
 * A pooled connection whose own 'error' event is heard: a server that goes
 * away mid-transaction also rejects the query in flight, which is where the
 * caller deals with it (an unheard 'error' would bring the process down).
 */
async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (client.listenerCount('error') === 0) client.on('error', () => undefined);
  return client;
}

export async function addSite(pool: pg.Pool, site: string): Promise<void> {
  await pool.query('INSERT INTO hq_sites (site) VALUES ($1) ON CONFLICT DO NOTHING', [site]);
}

export async function refused(pool: pg.Pool, subject: string, reason: string): Promise<void> {
  await pool.query('INSERT INTO hq_refusals (subject, reason) VALUES ($1, $2)', [subject.slice(0, 200), reason.slice(0, 500)]);
}
