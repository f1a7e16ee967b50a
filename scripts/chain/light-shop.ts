// A shop without devices or a broker, light enough that a thousand fit one
// process: its log is a real SQLite file with the hub's schema, written the
// way the hub's journal writes it (write-ops.ts, the uplink feed in the same
// commit), and forwarded by the hub's own UplinkForwarder. What it does not
// have is what the uplink never touches: MQTT devices, paging, the dashboard.
import { mkdirSync } from 'node:fs';
import { newIncidentRecord, type IncidentEvent } from '../../hub/domain/incident-desk.js';
import type { Logger } from '../../hub/log.js';
import { Storage } from '../../hub/store/storage.js';
import { applyOp, type WriteOp } from '../../hub/store/write-ops.js';
import { UplinkForwarder, type UplinkSettings } from '../../hub/uplink/forwarder.js';

export const LIGHT_DEVICE = 'btn-1';

export class LightShop {
  readonly storage: Storage;
  private forwarder: UplinkForwarder | null = null;
  private seq = 0;
  private incidentId = 0;

  constructor(
    readonly site: string,
    dir: string,
    private readonly settings: UplinkSettings,
    private readonly log: Logger,
  ) {
    mkdirSync(dir, { recursive: true });
    // No fsync: these shops stand for a thousand machines' disks, not this one's (the full hubs among them keep theirs).
    this.storage = Storage.open(dir, { fsync: false });
  }

  /** The line to the head office is up: the hub's forwarder starts (and resumes from the confirmed cursor in the log). */
  online(): void {
    if (this.forwarder) return;
    this.forwarder = new UplinkForwarder(this.site, this.settings, this.storage.uplink, this.log);
    this.forwarder.start();
  }

  /** The line is down: the forwarder stops; presses are still committed and wait in the feed. */
  async offline(): Promise<void> {
    const forwarder = this.forwarder;
    this.forwarder = null;
    await forwarder?.stop();
  }

  get isOnline(): boolean {
    return this.forwarder !== null;
  }

  /**
   * A customer's press, committed as the hub commits it: the press, and for
   * RED an incident and its "opened" event, in one transaction with their
   * feed rows. `pressedAt` may lie in the past (a simulated day).
   */
  press(kind: 'red' | 'green', pressedAt = Date.now()): void {
    const receivedAt = Date.now();
    const seq = ++this.seq;
    const ops: WriteOp[] = [];
    let incidentId: number | null = null;
    if (kind === 'red') {
      incidentId = ++this.incidentId;
      const record = { ...newIncidentRecord(incidentId, 'red', LIGHT_DEVICE, 'Counter', pressedAt, false), level: 1 };
      const opened: IncidentEvent = { incidentId, at: pressedAt, type: 'opened' };
      ops.push({ op: 'incident', record }, { op: 'event', event: opened });
    }
    ops.unshift({ op: 'press', row: { deviceId: LIGHT_DEVICE, seq, kind, pressedAt, receivedAt, ageMs: receivedAt - pressedAt, incidentId, trial: false } });
    this.storage.db.transaction(() => {
      for (const op of ops) applyOp(this.storage, op, true);
    })();
    this.forwarder?.poke();
  }

  status(): { connected: boolean } {
    return { connected: this.forwarder?.status().connected ?? false };
  }

  /** Everything committed is on the wire (the broker took it). */
  allSent(): boolean {
    return this.forwarder?.allSent() ?? false;
  }

  /** Feed rows the head office has not confirmed. */
  backlog(): number {
    return this.storage.uplink.last() - this.storage.uplink.confirmed().confirmed;
  }

  async close(): Promise<void> {
    await this.offline();
    this.storage.close();
  }
}
