// Rows of the uplink to a head office: the feed (what the log committed, in
// order, appended in the same transaction) and how far the head office has
// confirmed it. The policy (batches, resends) is uplink/forwarder.ts.
import type { Db } from './database.js';

export type FeedKind = 'press' | 'staff' | 'incident' | 'event' | 'health' | 'alarm' | 'summary';

export interface FeedRow {
  id: number;
  kind: FeedKind;
  body: string;
  at: number;
}

export class UplinkStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      append: db.prepare('INSERT INTO uplink_feed (kind, body, at) VALUES (?, ?, ?)'),
      after: db.prepare('SELECT id, kind, body, at FROM uplink_feed WHERE id > ? ORDER BY id LIMIT ?'),
      // AUTOINCREMENT's own counter: the rows up to the watermark are pruned, and MAX(id) of an empty feed would be 0.
      last: db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'uplink_feed'), 0)").pluck(),
      confirmed: db.prepare('SELECT confirmed, confirmed_at AS confirmedAt FROM uplink_state WHERE id = 1'),
      confirm: db.prepare('UPDATE uplink_state SET confirmed = ?, confirmed_at = ? WHERE id = 1 AND confirmed < ?'),
      prune: db.prepare('DELETE FROM uplink_feed WHERE id <= ?'),
    };
  }

  append(kind: FeedKind, body: unknown, at: number): void {
    this.statements.append.run(kind, JSON.stringify(body), at);
  }

  after(id: number, limit: number): FeedRow[] {
    return this.statements.after.all(id, limit) as FeedRow[];
  }

  /** The newest feed id ever given (0 before the first). */
  last(): number {
    return this.statements.last.get() as number;
  }

  confirmed(): { confirmed: number; confirmedAt: number | null } {
    return this.statements.confirmed.get() as { confirmed: number; confirmedAt: number | null };
  }

  /** The head office has everything up to `id` (a lower one than known changes nothing); rows up to it are no longer needed. */
  confirm(id: number, at: number): boolean {
    const moved = this.statements.confirm.run(id, at, id).changes > 0;
    if (moved) this.statements.prune.run(id);
    return moved;
  }
}
