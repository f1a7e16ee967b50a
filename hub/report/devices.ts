// Device health for the Devices page: every configured device, its last
// heartbeat, and whether it needs attention.
import type { DeviceView } from '../contract/api-types.js';
import type { DeviceDirectory } from '../device-directory.js';
import type { BatteryOutlook } from '../domain/battery-gauge.js';
import { batteryPercent } from '../../shared/battery.js';
import type { DeviceStore } from '../store/device-store.js';
import type { ReportQueries } from '../store/report-queries.js';
import type { UpdateJob } from '../store/update-store.js';

/** `outlook`: the live estimate (after a hub restart it is rebuilt from new heartbeats; until then the charge comes from the last stored reading). */
export function devicesView(
  reports: ReportQueries,
  store: DeviceStore,
  directory: DeviceDirectory,
  outlook: (deviceId: string) => BatteryOutlook | null = () => null,
  updates: Map<string, UpdateJob> = new Map(),
): DeviceView[] {
  const states = new Map(store.deviceStates().map((s) => [s.deviceId, s]));
  const problems = reports.openDeviceProblems();
  return directory.all().map((device) => {
    const state = states.get(device.id);
    const battery = outlook(device.id);
    const storedPercent = state?.batteryMv ? batteryPercent(state.batteryMv) : null;
    return {
      id: device.id,
      kind: device.kind,
      label: device.label,
      location: device.location ?? null,
      online: state?.online ?? false,
      onShift: device.kind === 'pager' ? (state?.onShift ?? true) : null,
      lastSeenAt: state?.lastSeenAt ?? null,
      batteryMv: state?.batteryMv ?? null,
      batteryPercent: battery?.percent ?? storedPercent,
      batteryMinutesLeft: battery?.minutesLeft ?? null,
      rssi: state?.rssi ?? null,
      firmware: state?.firmware ?? null,
      outboxDepth: state?.outboxDepth ?? null,
      droppedPresses: state?.droppedPresses ?? null,
      hasSecret: store.secretHashOf(device.id) !== undefined,
      problems: problems.filter((p) => p.source === device.id).map((p) => p.kind),
      simulated: directory.isSimulated(device.id),
      update: updateView(updates.get(device.id)),
    };
  });
}

function updateView(job: UpdateJob | undefined): DeviceView['update'] {
  if (!job) return null;
  return { id: job.id, what: job.what, state: job.state, chunksSent: job.chunksSent, chunksTotal: job.chunksTotal, detail: job.detail, updatedAt: job.updatedAt };
}
