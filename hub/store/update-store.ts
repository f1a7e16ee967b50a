// Updates over the air as rows: the CLI or the dashboard asks (queued), the
// running hub carries them out and writes how they go, so progress survives a
// hub restart and the CLI can follow it from another process.
import type { Db } from './database.js';
import type { UpdateWhat } from '../../shared/payloads.js';

/**
 * queued → (waiting: the device is offline or busy) → sending → switching →
 * done | rolled-back | refused | failed. A finished one is never changed again.
 */
export type UpdateJobState = 'queued' | 'waiting' | 'sending' | 'switching' | 'done' | 'rolled-back' | 'refused' | 'failed';

export const UNFINISHED: UpdateJobState[] = ['queued', 'waiting', 'sending', 'switching'];

export interface UpdateJob {
  id: number;
  deviceId: string;
  what: UpdateWhat;
  payload: Buffer;
  version: string | null;
  requestedAt: number;
  state: UpdateJobState;
  chunksTotal: number;
  chunksSent: number;
  detail: string | null;
  updatedAt: number;
}

interface Row {
  id: number;
  device_id: string;
  what: UpdateWhat;
  payload: Buffer;
  version: string | null;
  requested_at: number;
  state: UpdateJobState;
  chunks_total: number;
  chunks_sent: number;
  detail: string | null;
  updated_at: number;
}

const toJob = (r: Row): UpdateJob => ({
  id: r.id,
  deviceId: r.device_id,
  what: r.what,
  payload: r.payload,
  version: r.version,
  requestedAt: r.requested_at,
  state: r.state,
  chunksTotal: r.chunks_total,
  chunksSent: r.chunks_sent,
  detail: r.detail,
  updatedAt: r.updated_at,
});

export class UpdateStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      add: db.prepare(
        `INSERT INTO device_updates (device_id, what, payload, version, requested_at, state, chunks_total, updated_at)
         VALUES (@deviceId, @what, @payload, @version, @at, 'queued', @chunksTotal, @at)`,
      ),
      // A newer request for the same device and kind of update replaces one not yet started.
      supersede: db.prepare(
        `UPDATE device_updates SET state = 'failed', detail = 'replaced by a newer request', updated_at = @at
         WHERE device_id = @deviceId AND what = @what AND state IN ('queued', 'waiting')`,
      ),
      unfinished: db.prepare(`SELECT * FROM device_updates WHERE state IN ('queued', 'waiting', 'sending', 'switching') ORDER BY id`),
      byId: db.prepare('SELECT * FROM device_updates WHERE id = ?'),
      set: db.prepare('UPDATE device_updates SET state = @state, chunks_sent = @chunksSent, detail = @detail, updated_at = @at WHERE id = @id'),
      latest: db.prepare('SELECT * FROM device_updates WHERE id IN (SELECT MAX(id) FROM device_updates GROUP BY device_id)'),
    };
  }

  /** Queues an update; returns its id. */
  add(job: { deviceId: string; what: UpdateWhat; payload: Buffer; version: string | null; chunksTotal: number }, at: number): number {
    this.statements.supersede.run({ deviceId: job.deviceId, what: job.what, at });
    return Number(this.statements.add.run({ ...job, at }).lastInsertRowid);
  }

  unfinished(): UpdateJob[] {
    return (this.statements.unfinished.all() as Row[]).map(toJob);
  }

  get(id: number): UpdateJob | undefined {
    const row = this.statements.byId.get(id) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  set(id: number, state: UpdateJobState, chunksSent: number, detail: string | null, at: number): void {
    this.statements.set.run({ id, state, chunksSent, detail, at });
  }

  /** Each device's most recent update, for the Devices page. */
  latestByDevice(): Map<string, UpdateJob> {
    return new Map((this.statements.latest.all() as Row[]).map((r) => [r.device_id, toJob(r)]));
  }
}
