// Writes as data, so they can be committed by the journal's worker thread.
import type { Heartbeat } from '../../shared/payloads.js';
import type { IncidentEvent, IncidentRecord } from '../domain/incident-desk.js';
import type { PressRow } from './log-store.js';
import type { Storage } from './storage.js';
import type { Phrase } from '../domain/phrase.js';
import type { DaySummary } from '../contract/api-types.js';

export type WriteOp =
  | { op: 'press'; row: PressRow }
  /** The press began staff's "reached the customer" chord. */
  | { op: 'staffPress'; deviceId: string; seq: number }
  | { op: 'incident'; record: IncidentRecord }
  | { op: 'event'; event: IncidentEvent }
  | { op: 'online'; deviceId: string; online: boolean; at: number }
  | { op: 'shift'; deviceId: string; onShift: boolean; at: number }
  /** Today's swap: `personId` wears the pager (null: nobody); `swapped` false puts its usual wearer back. */
  | { op: 'wear'; deviceId: string; swapped: boolean; personId: string | null }
  | { op: 'heartbeat'; deviceId: string; heartbeat: Heartbeat; at: number }
  /** For the head office only (uplink/head-office-news.ts): the shop's alarms now, and a day's figures at closing. */
  | { op: 'alarms'; active: Phrase[]; at: number }
  | { op: 'summary'; summary: DaySummary; at: number }
  /** Writes nothing: its callback says that everything submitted before it is committed. */
  | { op: 'barrier' };

/** A heartbeat reaches the head office at most this often per device (the shop keeps every one). */
export const HEALTH_EVERY_MS = 15 * 60_000;
const healthSentAt = new Map<string, number>();

/** Whether this device's health is due at the head office (its last went HEALTH_EVERY_MS ago or never). */
function healthDue(deviceId: string, at: number): boolean {
  const last = healthSentAt.get(deviceId);
  if (last !== undefined && at - last < HEALTH_EVERY_MS) return false;
  healthSentAt.set(deviceId, at);
  return true;
}

/** `feed`: the shop forwards to a head office: what the log commits also goes to the uplink feed, in the same transaction (trial data does not). */
export function applyOp(storage: Storage, w: WriteOp, feed = false): void {
  const { log, devices, uplink } = storage;
  switch (w.op) {
    case 'press':
      log.insertPress(w.row);
      if (feed && !w.row.trial) uplink.append('press', w.row, w.row.receivedAt);
      return;
    case 'staffPress':
      log.markStaffPress(w.deviceId, w.seq);
      if (feed) uplink.append('staff', { deviceId: w.deviceId, seq: w.seq }, Date.now());
      return;
    case 'incident':
      log.saveIncident(w.record);
      if (feed && !w.record.trial) uplink.append('incident', w.record, w.record.lastPressAt);
      return;
    case 'event':
      log.insertEvent(w.event);
      if (feed) uplink.append('event', w.event, w.event.at);
      return;
    case 'online':
      devices.setOnline(w.deviceId, w.online, w.at);
      // Device health at the head office: a device coming or going is news; its heartbeats go at most every HEALTH_EVERY_MS.
      if (feed) uplink.append('health', { deviceId: w.deviceId, online: w.online }, w.at);
      return;
    case 'shift':
      return devices.setOnShift(w.deviceId, w.onShift, w.at);
    case 'wear':
      return devices.setWornBy(w.deviceId, w.swapped, w.personId);
    case 'heartbeat':
      devices.setHeartbeat(w.deviceId, w.heartbeat, w.at);
      if (feed && healthDue(w.deviceId, w.at)) uplink.append('health', { deviceId: w.deviceId, online: true, batteryMv: w.heartbeat.batteryMv, rssi: w.heartbeat.rssi, firmware: w.heartbeat.firmware }, w.at);
      return;
    case 'alarms':
      if (feed) uplink.append('alarm', { active: w.active }, w.at);
      return;
    case 'summary':
      if (feed) uplink.append('summary', w.summary, w.at);
      return;
    case 'barrier':
      return;
  }
}

/**
 * The batch without incident snapshots that a later snapshot of the same
 * incident in the batch replaces: a busy button's incident is saved once per
 * commit instead of once per press. Everything else keeps its order.
 */
export function withoutSupersededSaves(ops: WriteOp[]): WriteOp[] {
  const lastSave = new Map<number, number>();
  ops.forEach((w, index) => {
    if (w.op === 'incident') lastSave.set(w.record.id, index);
  });
  return ops.filter((w, index) => w.op !== 'incident' || lastSave.get(w.record.id) === index);
}
