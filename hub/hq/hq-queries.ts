// What the head office reads (#19), for its dashboard and its export API
// alike: the sites and their health, one site's incidents, and the sites'
// figures side by side by range, day or week. Days and weeks are UTC (weeks
// from Monday); `sites` null means every site.
import type pg from 'pg';
import type { Phrase } from '../domain/phrase.js';

const DAY_MS = 86_400_000;
/** 1970-01-05, the first Monday after the epoch: weeks start there. */
const MONDAY_MS = 4 * DAY_MS;
/** A site that has forwarded nothing for this long is flagged silent. */
export const SILENT_MS = 30 * 60_000;
/** Below this a device's battery is low (the shop's own alarm uses its gauge; this is the head office's glance). */
export const LOW_BATTERY_MV = 3500;

export interface Range {
  from: number;
  to: number;
  sites: string[] | null;
}

export type Period = 'range' | 'day' | 'week';

const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

function periodOf(column: string, by: Period): string {
  if (by === 'day') return `(${column} / ${DAY_MS}) * ${DAY_MS}`;
  if (by === 'week') return `FLOOR((${column} - ${MONDAY_MS})::numeric / ${7 * DAY_MS})::bigint * ${7 * DAY_MS} + ${MONDAY_MS}`;
  return '$1::bigint';
}

export async function sites(pool: pg.Pool, allowed: string[] | null, now = Date.now()) {
  const rows = await pool.query<{ site: string; watermark: string; last_seen: Date | null }>('SELECT site, watermark, last_seen FROM hq_sites WHERE $1::text[] IS NULL OR site = ANY($1) ORDER BY site', [allowed]);
  // Silent: nothing stored from it for SILENT_MS (a shop forwards at least its presses while open; a closed one is quiet too, so this is a flag to look at, not an alarm).
  return rows.rows.map((row) => ({ site: row.site, watermark: Number(row.watermark), lastSeen: row.last_seen?.toISOString() ?? null, silent: row.last_seen === null || now - row.last_seen.getTime() > SILENT_MS }));
}

/** Each device's latest health as its shop forwarded it. */
export async function devices(pool: pg.Pool, allowed: string[] | null) {
  const rows = await pool.query<{ site: string; device_id: string; online: boolean; battery_mv: number | null; rssi: number | null; firmware: string | null; at: string }>(
    'SELECT site, device_id, online, battery_mv, rssi, firmware, at FROM hq_devices WHERE $1::text[] IS NULL OR site = ANY($1) ORDER BY site, device_id',
    [allowed],
  );
  return rows.rows.map((row) => ({ site: row.site, device: row.device_id, online: row.online, batteryMv: row.battery_mv, rssi: row.rssi, firmware: row.firmware, at: new Date(Number(row.at)).toISOString() }));
}

/** The chain at a glance: each site's day (presses, complaints, open incidents), its devices' health, and whether it went silent. */
export async function overview(pool: pg.Pool, allowed: string[] | null, day: { from: number; to: number }, now = Date.now()) {
  const [all, presses, open, health, alarms] = await Promise.all([
    sites(pool, allowed, now),
    pool.query<{ site: string; red: string; green: string }>(
      `SELECT site, COUNT(*) FILTER (WHERE kind = 'red') AS red, COUNT(*) FILTER (WHERE kind = 'green') AS green FROM hq_presses
        WHERE pressed_at >= $1 AND pressed_at < $2 AND ($3::text[] IS NULL OR site = ANY($3)) GROUP BY site`,
      [day.from, day.to, allowed],
    ),
    pool.query<{ site: string; n: string }>(
      `SELECT site, COUNT(*) AS n FROM hq_incidents WHERE outcome IS NULL AND record->>'resolvedAt' IS NULL AND ($1::text[] IS NULL OR site = ANY($1)) GROUP BY site`,
      [allowed],
    ),
    pool.query<{ site: string; total: string; offline: string; low: string }>(
      `SELECT site, COUNT(*) AS total, COUNT(*) FILTER (WHERE NOT online) AS offline, COUNT(*) FILTER (WHERE battery_mv < ${LOW_BATTERY_MV}) AS low FROM hq_devices
        WHERE $1::text[] IS NULL OR site = ANY($1) GROUP BY site`,
      [allowed],
    ),
    pool.query<{ site: string; active: Phrase[] }>('SELECT site, active FROM hq_alarms WHERE $1::text[] IS NULL OR site = ANY($1)', [allowed]),
  ]);
  const bySite = <T extends { site: string }>(rows: T[]) => new Map(rows.map((row) => [row.site, row]));
  const [p, o, h, a] = [bySite(presses.rows), bySite(open.rows), bySite(health.rows), bySite(alarms.rows)];
  return all.map((site) => ({
    ...site,
    today: { red: Number(p.get(site.site)?.red ?? 0), green: Number(p.get(site.site)?.green ?? 0) },
    openIncidents: Number(o.get(site.site)?.n ?? 0),
    devices: { total: Number(h.get(site.site)?.total ?? 0), offline: Number(h.get(site.site)?.offline ?? 0), lowBattery: Number(h.get(site.site)?.low ?? 0) },
    /** The shop's alarms as it last forwarded them (phrases: the page says them in its reader's language). */
    alarms: a.get(site.site)?.active ?? [],
  }));
}

/** The shops' own figures per day, as each sent them at its closing (its calendar day, in its time zone). */
export async function summaries(pool: pg.Pool, days: { from: string; to: string }, allowed: string[] | null) {
  const rows = await pool.query<{ site: string; body: Record<string, unknown> }>('SELECT site, body FROM hq_summaries WHERE day >= $1 AND day <= $2 AND ($3::text[] IS NULL OR site = ANY($3)) ORDER BY site, day', [days.from, days.to, allowed]);
  return rows.rows.map((row) => ({ site: row.site, ...row.body }));
}

/** Each site's figures over the range (or each day or week of it), side by side: what a chain's owner compares. */
export async function compare(pool: pg.Pool, f: Range, by: Period = 'range') {
  const presses = await pool.query<{ site: string; period: string; red: string; green: string }>(
    `SELECT site, ${periodOf('pressed_at', by)} AS period, COUNT(*) FILTER (WHERE kind = 'red') AS red, COUNT(*) FILTER (WHERE kind = 'green') AS green
       FROM hq_presses WHERE pressed_at >= $1 AND pressed_at < $2 AND ($3::text[] IS NULL OR site = ANY($3)) GROUP BY 1, 2`,
    [f.from, f.to, f.sites],
  );
  const incidents = await pool.query<{ site: string; period: string; complaints: string; resolved: string; recovered: string; ack_median: number | null; reach_median: number | null; top_cause: string | null }>(
    `SELECT site, ${periodOf('opened_at', by)} AS period,
            COUNT(*) AS complaints,
            COUNT(*) FILTER (WHERE outcome IS NOT NULL) AS resolved,
            COUNT(*) FILTER (WHERE outcome IS NOT NULL AND outcome <> 'left') AS recovered,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ((record->>'acknowledgedAt')::bigint - opened_at) / 1000.0) FILTER (WHERE record->>'acknowledgedAt' IS NOT NULL) AS ack_median,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ((record->>'reachedAt')::bigint - opened_at) / 1000.0) FILTER (WHERE record->>'reachedAt' IS NOT NULL) AS reach_median,
            mode() WITHIN GROUP (ORDER BY cause) FILTER (WHERE cause IS NOT NULL) AS top_cause
       FROM hq_incidents WHERE kind = 'red' AND opened_at >= $1 AND opened_at < $2 AND ($3::text[] IS NULL OR site = ANY($3)) GROUP BY 1, 2`,
    [f.from, f.to, f.sites],
  );
  const key = (row: { site: string; period: string }) => `${row.site} ${row.period}`;
  const p = new Map(presses.rows.map((row) => [key(row), row]));
  const i = new Map(incidents.rows.map((row) => [key(row), row]));
  const keys = [...new Set([...p.keys(), ...i.keys()])];
  const number = (value: number | null | undefined) => (value === null || value === undefined ? null : Number(value));
  return keys
    .map((k) => {
      const pr = p.get(k);
      const inc = i.get(k);
      const [site, period] = [(pr ?? inc)!.site, Number((pr ?? inc)!.period)];
      const red = Number(pr?.red ?? 0);
      const green = Number(pr?.green ?? 0);
      const resolved = Number(inc?.resolved ?? 0);
      return {
        site,
        ...(by === 'range' ? {} : { period: new Date(period).toISOString().slice(0, 10) }),
        presses: { red, green },
        redShare: red + green === 0 ? null : red / (red + green),
        complaints: Number(inc?.complaints ?? 0),
        medianAcknowledgeS: number(inc?.ack_median),
        medianReachS: number(inc?.reach_median),
        recoveredShare: resolved === 0 ? null : Number(inc!.recovered) / resolved,
        topCause: inc?.top_cause ?? null,
      };
    })
    .sort((a, b) => a.site.localeCompare(b.site) || (a.period ?? '').localeCompare(b.period ?? ''));
}

/** Incidents opened in the range, oldest first, a page at a time, with the total. */
export async function incidents(pool: pg.Pool, f: Range, limit: number, offset: number) {
  const where = 'opened_at >= $1 AND opened_at < $2 AND ($3::text[] IS NULL OR site = ANY($3))';
  const [rows, total] = await Promise.all([
    pool.query<{ site: string; id: string; kind: string; opened_at: string; outcome: string | null; cause: string | null; record: Record<string, unknown> }>(
      `SELECT site, id, kind, opened_at, outcome, cause, record FROM hq_incidents WHERE ${where} ORDER BY opened_at, site, id LIMIT $4 OFFSET $5`,
      [f.from, f.to, f.sites, limit, offset],
    ),
    pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM hq_incidents WHERE ${where}`, [f.from, f.to, f.sites]),
  ]);
  return {
    total: Number(total.rows[0].n),
    items: rows.rows.map((row) => ({
      site: row.site,
      id: Number(row.id),
      kind: row.kind,
      openedAt: new Date(Number(row.opened_at)).toISOString(),
      presses: row.record.count as number,
      acknowledgedAt: iso(row.record.acknowledgedAt),
      acknowledgedBy: (row.record.acknowledgedPerson as string | null) ?? null,
      reachedAt: iso(row.record.reachedAt),
      resolvedAt: iso(row.record.resolvedAt),
      outcome: row.outcome,
      cause: row.cause,
    })),
  };
}
