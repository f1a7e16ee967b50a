// Carries out updates over the air (docs/protocol.md, "Updates"): for each
// queued one, when its device is connected, begin → each chunk once the
// previous is stored → commit; then the device restarts, its guard installs
// the update and the device says whether it runs or was rolled back. One
// message in flight per device (stop-and-wait), QoS 0 with a resend on
// silence: a transfer never lingers in a session queue to arrive stale.
import { crc32 } from '../../shared/crc32.js';
import { UPDATE_CHUNK_BYTES } from '../../shared/limits.js';
import { decodeUpdateStatus, encodeUpdate, type UpdateMessage } from '../../shared/payloads.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { UpdateJob, UpdateJobState, UpdateStore } from '../store/update-store.js';

/** Silence after a message before it is sent again, and how often. */
const ANSWER_TIMEOUT_MS = 10_000;
const MAX_RESENDS = 3;
/** A device that asked to wait ("later": presses not delivered, an alert open) is asked again after this long. */
const RETRY_LATER_MS = 30_000;
/** A transfer cut by a lost connection starts again when the device is back, this many times. */
const MAX_ATTEMPTS = 3;
/** After "switching", the device restarts and its guard installs: time to come back beyond the trial. */
const COME_BACK_MARGIN_MS = 120_000;

export interface UpdateSenderDeps {
  store: UpdateStore;
  clock: Clock;
  log: Logger;
  /** Whether the device has a connection now. */
  connected(deviceId: string): boolean;
  kindOf(deviceId: string): string | undefined;
  /** Sends an update message to a connected device (QoS 0). */
  send(deviceId: string, text: string): void;
  /** Seconds the device gives a new firmware or configuration to reach the hub before rolling back. */
  trialS: number;
  /** Something changed that the dashboard shows. */
  changed(): void;
  /** Tests: the chunk with this index goes out with one byte flipped (its checksum of the true bytes), once. */
  corruptChunk?: number;
}

interface Transfer {
  job: UpdateJob;
  /** The message last sent, resent on silence. */
  last: string;
  sentAt: number;
  resends: number;
}

export class UpdateSender {
  private readonly transfers = new Map<string, Transfer>();
  private readonly attempts = new Map<number, number>();
  private readonly laterUntil = new Map<number, number>();

  constructor(private readonly deps: UpdateSenderDeps) {}

  /** Starts what can start, resends on silence, gives up on what never answers. Called every hub tick. */
  tick(): void {
    const now = this.deps.clock.now();
    const jobs = this.deps.store.unfinished();
    const restarting = new Set(jobs.filter((j) => j.state === 'switching').map((j) => j.deviceId));
    for (const job of jobs) {
      const transfer = this.transfers.get(job.deviceId);
      if (job.state === 'switching') {
        if (now - job.updatedAt > this.deps.trialS * 1000 + COME_BACK_MARGIN_MS) this.finish(job, 'failed', 'the device did not come back after restarting to install');
        continue;
      }
      if (transfer && transfer.job.id === job.id) {
        if (now - transfer.sentAt < ANSWER_TIMEOUT_MS) continue;
        if (transfer.resends >= MAX_RESENDS) {
          this.transfers.delete(job.deviceId);
          this.finish(job, 'failed', `no answer from the device after ${MAX_RESENDS + 1} tries`);
          continue;
        }
        transfer.resends++;
        this.transmit(transfer, transfer.last, true);
        continue;
      }
      if (transfer || restarting.has(job.deviceId)) continue; // another update of this device is under way
      if ((this.laterUntil.get(job.id) ?? 0) > now) continue;
      if (this.deps.kindOf(job.deviceId) === undefined) {
        this.finish(job, 'failed', 'no such device in the configuration');
        continue;
      }
      if (!this.deps.connected(job.deviceId)) {
        this.mark(job, 'waiting', job.chunksSent, 'waiting for the device to connect');
        continue;
      }
      this.begin(job);
    }
  }

  /** A device's update status (channel "ups"). */
  status(deviceId: string, text: string): void {
    const decoded = decodeUpdateStatus(text);
    if (!decoded.ok) {
      this.deps.log.warn({ device: deviceId, error: decoded.error }, 'unreadable update status');
      return;
    }
    const s = decoded.value;
    const job = this.deps.store.get(s.update);
    if (!job || job.deviceId !== deviceId || !['sending', 'switching', 'waiting', 'queued'].includes(job.state)) return;
    const transfer = this.transfers.get(deviceId);
    const current = transfer && transfer.job.id === job.id ? transfer : undefined;
    switch (s.state) {
      case 'ready':
        if (current) this.sendChunk(current, 0);
        return;
      case 'got':
        if (!current || s.index === undefined || s.index !== current.job.chunksSent) return; // a late repeat
        current.job.chunksSent = s.index + 1;
        this.mark(current.job, 'sending', current.job.chunksSent, null);
        if (current.job.chunksSent < current.job.chunksTotal) this.sendChunk(current, current.job.chunksSent);
        else this.transmit(current, encodeUpdate({ op: 'commit', update: job.id }));
        return;
      case 'later':
        this.transfers.delete(deviceId);
        this.laterUntil.set(job.id, this.deps.clock.now() + RETRY_LATER_MS);
        this.mark(job, 'waiting', 0, `waiting: ${s.reason ?? 'the device is busy'}`);
        return;
      case 'refused':
        this.transfers.delete(deviceId);
        this.finish(job, 'refused', s.reason ?? 'refused by the device');
        return;
      case 'switching':
        this.transfers.delete(deviceId);
        this.mark(job, 'switching', job.chunksTotal, 'restarting to install');
        return;
      case 'running':
        this.transfers.delete(deviceId);
        this.finish(job, 'done', s.version ? `running firmware ${s.version}` : 'running');
        return;
      case 'rolled-back':
        this.transfers.delete(deviceId);
        this.finish(job, 'rolled-back', s.reason ?? 'rolled back');
        return;
    }
  }

  /** The device lost its connection: a transfer under way starts again when it is back (a few times). */
  disconnected(deviceId: string): void {
    const transfer = this.transfers.get(deviceId);
    if (!transfer) return;
    this.transfers.delete(deviceId);
    const job = transfer.job;
    const attempts = (this.attempts.get(job.id) ?? 1) + 1;
    this.attempts.set(job.id, attempts);
    if (attempts > MAX_ATTEMPTS) this.finish(job, 'failed', `the connection was lost during the transfer ${MAX_ATTEMPTS} times`);
    else this.mark(job, 'waiting', 0, 'the connection was lost during the transfer: starts again when the device is back');
  }

  private begin(job: UpdateJob): void {
    const transfer: Transfer = { job: { ...job, chunksSent: 0 }, last: '', sentAt: 0, resends: 0 };
    this.transfers.set(job.deviceId, transfer);
    this.mark(transfer.job, 'sending', 0, null);
    this.deps.log.info({ device: job.deviceId, update: job.id, what: job.what, bytes: job.payload.length }, 'update: starting');
    const begin: UpdateMessage = {
      op: 'begin',
      update: job.id,
      what: job.what,
      size: job.payload.length,
      crc: crc32(job.payload),
      chunks: job.chunksTotal,
      kind: this.deps.kindOf(job.deviceId)!,
      trialS: this.deps.trialS,
    };
    this.transmit(transfer, encodeUpdate(begin));
  }

  private sendChunk(transfer: Transfer, index: number): void {
    const bytes = transfer.job.payload.subarray(index * UPDATE_CHUNK_BYTES, (index + 1) * UPDATE_CHUNK_BYTES);
    let sent = bytes;
    if (this.deps.corruptChunk === index) {
      this.deps.corruptChunk = undefined;
      sent = Buffer.from(bytes);
      sent[0] ^= 0xff;
    }
    this.transmit(transfer, encodeUpdate({ op: 'chunk', update: transfer.job.id, index, crc: crc32(bytes), data: sent.toString('base64') }));
  }

  private transmit(transfer: Transfer, text: string, resend = false): void {
    if (!resend) transfer.resends = 0;
    transfer.last = text;
    transfer.sentAt = this.deps.clock.now();
    this.deps.send(transfer.job.deviceId, text);
  }

  private mark(job: UpdateJob, state: UpdateJobState, chunksSent: number, detail: string | null): void {
    if (job.state === state && job.chunksSent === chunksSent && job.detail === detail) return;
    job.state = state;
    job.chunksSent = chunksSent;
    job.detail = detail;
    this.deps.store.set(job.id, state, chunksSent, detail, this.deps.clock.now());
    this.deps.changed();
  }

  private finish(job: UpdateJob, state: UpdateJobState, detail: string): void {
    this.attempts.delete(job.id);
    this.laterUntil.delete(job.id);
    this.mark(job, state, state === 'done' ? job.chunksTotal : job.chunksSent, detail);
    const level = state === 'done' ? 'info' : 'warn';
    this.deps.log[level]({ device: job.deviceId, update: job.id, state, detail }, 'update: finished');
  }
}
