// Rows of Web Push: the hub's VAPID key pair and the phones that asked for
// news. The policy (what is sent to whom, when) is news/push-news.ts.
import type { Db } from './database.js';

/** What a phone can ask to hear about. */
export const PUSH_TOPICS = ['unhandled', 'all-call', 'devices', 'mood'] as const;
export type PushTopic = (typeof PUSH_TOPICS)[number];

export interface PushSubscriptionRow {
  endpoint: string;
  username: string;
  p256dh: string;
  auth: string;
  topics: PushTopic[];
  /** Local "HH:MM": nothing is sent from quietFrom to quietTo (across midnight when from > to). */
  quietFrom: string | null;
  quietTo: string | null;
  /** The language its notifications are written in. */
  lang: string;
  lastSentAt: number | null;
  lastError: string | null;
}

interface Row extends Omit<PushSubscriptionRow, 'topics' | 'quietFrom' | 'quietTo' | 'lastSentAt' | 'lastError'> {
  topics: string;
  quiet_from: string | null;
  quiet_to: string | null;
  last_sent_at: number | null;
  last_error: string | null;
}

const fromRow = (row: Row): PushSubscriptionRow => ({
  endpoint: row.endpoint,
  username: row.username,
  p256dh: row.p256dh,
  auth: row.auth,
  topics: JSON.parse(row.topics) as PushTopic[],
  quietFrom: row.quiet_from,
  quietTo: row.quiet_to,
  lang: row.lang,
  lastSentAt: row.last_sent_at,
  lastError: row.last_error,
});

export class PushStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      keys: db.prepare('SELECT public_key AS publicKey, private_key AS privateKey FROM push_keys WHERE id = 1'),
      insertKeys: db.prepare('INSERT OR IGNORE INTO push_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?)'),
      upsert: db.prepare(
        `INSERT INTO push_subscriptions (endpoint, username, p256dh, auth, topics, quiet_from, quiet_to, lang, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET username = excluded.username, p256dh = excluded.p256dh, auth = excluded.auth,
           topics = excluded.topics, quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, lang = excluded.lang, last_error = NULL`,
      ),
      remove: db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND username = ?'),
      forget: db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?'),
      all: db.prepare('SELECT * FROM push_subscriptions ORDER BY created_at'),
      of: db.prepare('SELECT * FROM push_subscriptions WHERE username = ? ORDER BY created_at'),
      sent: db.prepare('UPDATE push_subscriptions SET last_sent_at = ?, last_error = NULL WHERE endpoint = ?'),
      failed: db.prepare('UPDATE push_subscriptions SET last_error = ? WHERE endpoint = ?'),
    };
  }

  /** The key pair, made by `generate` the first time it is asked for. */
  keys(generate: () => { publicKey: string; privateKey: string }, now: number): { publicKey: string; privateKey: string } {
    const existing = this.statements.keys.get() as { publicKey: string; privateKey: string } | undefined;
    if (existing) return existing;
    const made = generate();
    this.statements.insertKeys.run(made.publicKey, made.privateKey, now);
    return this.statements.keys.get() as { publicKey: string; privateKey: string };
  }

  save(row: Omit<PushSubscriptionRow, 'lastSentAt' | 'lastError'>, now: number): void {
    this.statements.upsert.run(row.endpoint, row.username, row.p256dh, row.auth, JSON.stringify(row.topics), row.quietFrom, row.quietTo, row.lang, now);
  }

  /** Whether that user had that subscription. */
  remove(endpoint: string, username: string): boolean {
    return this.statements.remove.run(endpoint, username).changes > 0;
  }

  /** The push service said the subscription is gone (404/410): nobody can reach that phone with it again. */
  forget(endpoint: string): void {
    this.statements.forget.run(endpoint);
  }

  all(): PushSubscriptionRow[] {
    return (this.statements.all.all() as Row[]).map(fromRow);
  }

  of(username: string): PushSubscriptionRow[] {
    return (this.statements.of.all(username) as Row[]).map(fromRow);
  }

  sent(endpoint: string, at: number): void {
    this.statements.sent.run(at, endpoint);
  }

  failed(endpoint: string, error: string): void {
    this.statements.failed.run(error, endpoint);
  }
}
