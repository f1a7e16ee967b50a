// Incident ids that are never handed out twice, even when the hub dies after
// paging an incident and before its commit lands (pages go before commits):
// ids are reserved on disk in blocks ahead of use, like the button's sequence
// numbers, and a restart continues above the reservation. One small fsync'd
// write per block, on this (the hub's main) connection.
import type { Database as Db } from 'better-sqlite3';
import type { IncidentIdSource } from '../domain/incident-desk.js';

const RESERVATION = 'incident';

export class ReservedIncidentIds implements IncidentIdSource {
  private nextId: number;
  private reservedThrough: number;

  constructor(
    private readonly db: Db,
    private readonly block = 1000,
  ) {
    const reserved = (db.prepare('SELECT reserved_through FROM id_reservations WHERE name = ?').pluck().get(RESERVATION) as number | undefined) ?? 0;
    const highest = db.prepare('SELECT COALESCE(MAX(id), 0) FROM incidents').pluck().get() as number;
    this.nextId = Math.max(reserved, highest) + 1;
    this.reservedThrough = this.nextId - 1;
    // Reserved at start, so the paging path normally never waits for the disk.
    this.reserve();
  }

  next(): number {
    if (this.nextId > this.reservedThrough) this.reserve();
    return this.nextId++;
  }

  skipThrough(id: number): void {
    if (id >= this.nextId) this.nextId = id + 1;
  }

  /**
   * Writes the next block's end before any id of it is used. If the disk
   * refuses (full, read-only), ids go on in memory — paging must not stop —
   * and the reservation is tried again at the next id; the log says so.
   */
  private reserve(): void {
    const through = this.nextId + this.block - 1;
    try {
      this.db
        .prepare('INSERT INTO id_reservations (name, reserved_through) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET reserved_through = excluded.reserved_through')
        .run(RESERVATION, through);
      this.reservedThrough = through;
    } catch {
      // Not durable: a crash before the disk recovers may reuse these ids (docs/reliability.md).
      this.reservedThrough = this.nextId;
    }
  }
}
