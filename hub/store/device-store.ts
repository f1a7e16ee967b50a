// What the hub knows of each device apart from its presses: its credential
// (a scrypt hash) and its last known state (online, shift, health).
import type { Heartbeat } from '../../shared/payloads.js';
import type { Db } from './database.js';

export interface DeviceStateRow {
  deviceId: string;
  onShift: boolean;
  online: boolean;
  lastSeenAt: number | null;
  batteryMv: number | null;
  rssi: number | null;
  freeMemory: number | null;
  outboxDepth: number | null;
  firmware: string | null;
  droppedPresses: number | null;
  /** When its shift state last changed (null: never since this was recorded). */
  shiftChangedAt: number | null;
  /** Today's swap: someone other than its usual wearer wears it (`wornBy`; null: nobody). */
  swapped: boolean;
  wornBy: string | null;
}

export class DeviceStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      getSecretHash: db.prepare('SELECT secret_hash FROM credentials WHERE device_id = ?').pluck(),
      getPendingHash: db.prepare('SELECT pending_hash FROM credentials WHERE device_id = ?').pluck(),
      setPendingHash: db.prepare('UPDATE credentials SET pending_hash = ? WHERE device_id = ?'),
      setSecretHash: db.prepare(
        `INSERT INTO credentials (device_id, secret_hash, created_at) VALUES (?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at, pending_hash = NULL`,
      ),
      deleteCredentials: db.prepare('DELETE FROM credentials WHERE device_id = ?'),
      ensureDeviceState: db.prepare('INSERT OR IGNORE INTO device_state (device_id) VALUES (?)'),
      setOnline: db.prepare('UPDATE device_state SET online = ?, last_seen_at = ? WHERE device_id = ?'),
      setOnShift: db.prepare('UPDATE device_state SET on_shift = ?, shift_changed_at = ? WHERE device_id = ?'),
      setWornBy: db.prepare('UPDATE device_state SET swapped = ?, worn_by = ? WHERE device_id = ?'),
      setHeartbeat: db.prepare(
        `UPDATE device_state SET last_seen_at = @at, battery_mv = @batteryMv, rssi = @rssi, free_memory = @freeMemory,
           outbox_depth = @outboxDepth, firmware = @firmware, dropped_presses = @dropped WHERE device_id = @deviceId`,
      ),
      allDeviceStates: db.prepare('SELECT * FROM device_state ORDER BY device_id'),
      resetOnline: db.prepare('UPDATE device_state SET online = 0 WHERE device_id NOT IN (SELECT value FROM json_each(?))'),
    };
  }

  // ---- credentials --------------------------------------------------------

  secretHashOf(deviceId: string): string | undefined {
    return this.statements.getSecretHash.get(deviceId) as string | undefined;
  }

  /** The secret being flashed onto the device, accepted beside the current one (see gatekeeper.ts), or undefined. */
  pendingHashOf(deviceId: string): string | undefined {
    return (this.statements.getPendingHash.get(deviceId) as string | null | undefined) ?? undefined;
  }

  /**
   * Registers the secret about to be flashed: the device's current secret
   * keeps working until it connects with this one, so a failed upload
   * strands nothing. A device without a secret gets it at once.
   */
  setPendingHash(deviceId: string, hash: string, now: number): void {
    if (this.secretHashOf(deviceId) === undefined) return this.setSecretHash(deviceId, hash, now);
    this.statements.setPendingHash.run(hash, deviceId);
  }

  /** Replaces the secret (and forgets any pending one). */
  setSecretHash(deviceId: string, hash: string, now: number): void {
    this.statements.setSecretHash.run(deviceId, hash, now);
    this.statements.ensureDeviceState.run(deviceId);
  }

  deleteCredentials(deviceId: string): void {
    this.statements.deleteCredentials.run(deviceId);
  }

  // ---- device state -------------------------------------------------------

  setOnline(deviceId: string, online: boolean, now: number): void {
    this.statements.ensureDeviceState.run(deviceId);
    this.statements.setOnline.run(online ? 1 : 0, now, deviceId);
  }

  setOnShift(deviceId: string, onShift: boolean, at: number): void {
    this.statements.ensureDeviceState.run(deviceId);
    this.statements.setOnShift.run(onShift ? 1 : 0, at, deviceId);
  }

  /** Today's swap for a pager (`swapped` false: back to its usual wearer). */
  setWornBy(deviceId: string, swapped: boolean, personId: string | null): void {
    this.statements.ensureDeviceState.run(deviceId);
    this.statements.setWornBy.run(swapped ? 1 : 0, personId, deviceId);
  }

  setHeartbeat(deviceId: string, heartbeat: Heartbeat, now: number): void {
    this.statements.ensureDeviceState.run(deviceId);
    this.statements.setHeartbeat.run({ deviceId, at: now, dropped: null, ...heartbeat });
  }

  /** At start-up, whatever the last run recorded: online are only the devices connected now. */
  markOfflineExcept(connected: string[]): void {
    this.statements.resetOnline.run(JSON.stringify(connected));
  }

  deviceStates(): DeviceStateRow[] {
    return (this.statements.allDeviceStates.all() as Record<string, unknown>[]).map((row) => ({
      deviceId: row.device_id as string,
      onShift: row.on_shift === 1,
      online: row.online === 1,
      lastSeenAt: row.last_seen_at as number | null,
      batteryMv: row.battery_mv as number | null,
      rssi: row.rssi as number | null,
      freeMemory: row.free_memory as number | null,
      outboxDepth: row.outbox_depth as number | null,
      firmware: row.firmware as string | null,
      droppedPresses: row.dropped_presses as number | null,
      shiftChangedAt: row.shift_changed_at as number | null,
      swapped: row.swapped === 1,
      wornBy: row.worn_by as string | null,
    }));
  }
}
