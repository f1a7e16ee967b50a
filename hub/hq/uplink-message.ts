// What a shop's hub sends the head office (hub/uplink/forwarder.ts), checked
// before anything is written: version 1, the site of the topic, contiguous
// feed ids in order, and each item's shape by its kind. Anything else is
// refused with its reason (and counted by the ingester).
import { z } from 'zod';

export const UPLINK_VERSION = 1;
/** The largest message the ingester reads (200 feed rows are ~60 KB). */
export const MAX_UPLINK_BYTES = 512 * 1024;

const id = z.number().int().positive();
const ms = z.number().int().nonnegative();
const text = (max: number) => z.string().max(max);

const press = z.object({ deviceId: text(64), seq: id, kind: z.enum(['red', 'green']), pressedAt: ms, receivedAt: ms, ageMs: ms, incidentId: id.nullable() }).loose();
const staff = z.object({ deviceId: text(64), seq: id }).loose();
const incident = z
  .object({
    id,
    kind: text(16),
    source: text(64),
    label: text(200),
    openedAt: ms,
    lastPressAt: ms,
    count: z.number().int().nonnegative(),
    level: z.number().int().nonnegative(),
    acknowledgedAt: ms.nullable(),
    acknowledgedPerson: text(64).nullable(),
    resolvedAt: ms.nullable(),
    resolvedPerson: text(64).nullable(),
    outcome: text(16).nullable(),
    cause: text(64).nullable(),
    reachedAt: ms.nullable(),
  })
  .loose();
const health = z.object({ deviceId: text(64), online: z.boolean(), batteryMv: z.number().int().min(0).max(10000).optional(), rssi: z.number().int().min(-127).max(0).optional(), firmware: text(32).optional() }).loose();
const event = z.object({ incidentId: id, at: ms, type: text(32), pager: text(64).optional(), person: text(64).optional(), level: z.number().int().optional(), detail: text(500).optional() }).loose();

const phrase = z.object({ key: text(300), values: z.record(text(40), z.union([text(200), z.number()])).optional() });
const alarm = z.object({ active: z.array(phrase).max(20) }).loose();
const count = z.number().int().nonnegative();
const summary = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), red: count, green: count, customers: z.object({ red: count, green: count }), complaints: count, open: count }).loose();

const item = z.discriminatedUnion('k', [
  z.object({ id, k: z.literal('press'), at: ms, b: press }),
  z.object({ id, k: z.literal('staff'), at: ms, b: staff }),
  z.object({ id, k: z.literal('incident'), at: ms, b: incident }),
  z.object({ id, k: z.literal('event'), at: ms, b: event }),
  z.object({ id, k: z.literal('health'), at: ms, b: health }),
  z.object({ id, k: z.literal('alarm'), at: ms, b: alarm }),
  z.object({ id, k: z.literal('summary'), at: ms, b: summary }),
]);

const message = z.object({ v: z.literal(UPLINK_VERSION), site: text(64), from: id, to: id, items: z.array(item).min(1).max(1000) });

export type UplinkMessage = z.infer<typeof message>;
export type UplinkItem = z.infer<typeof item>;

/** The message, or why it is refused. */
export function parseUplink(subjectSite: string, raw: Uint8Array): { ok: true; message: UplinkMessage } | { ok: false; reason: string } {
  if (raw.length > MAX_UPLINK_BYTES) return { ok: false, reason: `oversized: ${raw.length} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== UPLINK_VERSION) return { ok: false, reason: `unknown version ${JSON.stringify(version)?.slice(0, 20)}` };
  const parsed = message.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `malformed: ${parsed.error.issues[0].path.join('.')} ${parsed.error.issues[0].message}` };
  const m = parsed.data;
  if (m.site !== subjectSite) return { ok: false, reason: `site "${m.site}" on the topic of "${subjectSite}"` };
  if (m.items[0].id !== m.from || m.items[m.items.length - 1].id !== m.to || m.items.some((it, i) => i > 0 && it.id <= m.items[i - 1].id)) return { ok: false, reason: 'feed ids out of order' };
  return { ok: true, message: m };
}
