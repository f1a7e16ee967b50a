// Live connections per device. A reconnect can overlap the old connection's
// close, so a device may briefly have two; the newest is the one to write to.
import type { Client } from 'aedes';

export class DeviceConnections {
  private readonly byDevice = new Map<string, Set<Client>>();

  /** Whether this is the device's only connection now (it came online). */
  add(deviceId: string, client: Client): boolean {
    const clients = this.byDevice.get(deviceId) ?? new Set<Client>();
    clients.add(client);
    this.byDevice.set(deviceId, clients);
    return clients.size === 1;
  }

  /** Whether the device has no connection left (it went offline); false for a client not known here. */
  remove(client: Client): boolean {
    const clients = this.byDevice.get(client.id);
    if (!clients || !clients.delete(client)) return false;
    if (clients.size > 0) return false;
    this.byDevice.delete(client.id);
    return true;
  }

  /** Devices with a connection now. */
  ids(): string[] {
    return [...this.byDevice.keys()];
  }

  /** The newest open connection of the device. */
  newest(deviceId: string): Client | undefined {
    let newest: Client | undefined;
    for (const client of this.byDevice.get(deviceId) ?? []) newest = client;
    return newest && !newest.closed ? newest : undefined;
  }

  /** Closes every connection of the devices `keep` refuses. */
  closeUnless(keep: (deviceId: string) => boolean, onClose: (deviceId: string) => void): void {
    for (const [deviceId, clients] of this.byDevice) {
      if (keep(deviceId)) continue;
      onClose(deviceId);
      for (const client of clients) client.close();
    }
  }
}
