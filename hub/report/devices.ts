// Device health for the Devices page: every configured device, its last
// heartbeat, and whether it needs attention.
import type { DeviceConfig } from '../config/schema.js';
import type { Db } from '../store/database.js';
import { isSimulated } from '../simulation/simulated-shop.js';
import { LogStore } from '../store/log-store.js';
import type { DeviceView } from '../web/api-types.js';

export function devicesView(db: Db, devices: DeviceConfig[]): DeviceView[] {
  const store = new LogStore(db);
  const states = new Map(store.deviceStates().map((s) => [s.deviceId, s]));
  const problems = db.prepare("SELECT source, kind FROM incidents WHERE resolved_at IS NULL AND kind IN ('missing', 'battery')").all() as { source: string; kind: string }[];
  return devices.map((device) => {
    const state = states.get(device.id);
    return {
      id: device.id,
      kind: device.kind,
      label: device.label,
      location: device.location ?? null,
      online: state?.online ?? false,
      onShift: device.kind === 'pager' ? (state?.onShift ?? true) : null,
      lastSeenAt: state?.lastSeenAt ?? null,
      batteryMv: state?.batteryMv ?? null,
      rssi: state?.rssi ?? null,
      firmware: state?.firmware ?? null,
      outboxDepth: state?.outboxDepth ?? null,
      droppedPresses: state?.droppedPresses ?? null,
      hasSecret: store.secretHashOf(device.id) !== undefined,
      problems: problems.filter((p) => p.source === device.id).map((p) => p.kind),
      simulated: isSimulated(device.id),
    };
  });
}
