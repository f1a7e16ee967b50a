// Who is connected, and what follows from it: online/offline in the log and
// the device watch, a pager reachable for paging once it listens for alerts,
// the clock for a device that subscribes, and alert delivery from PUBACKs.
import type { Client, PublishPacket, Subscription } from 'aedes';
import { DOWNLINK, deviceTopic } from '../../shared/topics.js';
import type { Clock } from '../domain/clock.js';
import type { DeviceWatch } from '../domain/device-watch.js';
import type { IncidentDesk } from '../domain/incident-desk.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../log.js';
import type { Journal } from '../store/journal.js';
import type { DeviceConnections } from './connections.js';
import type { Downlink } from './downlink.js';
import type { EffectRunner } from './effects.js';
import type { Shifts } from './shifts.js';

export interface PresenceDeps {
  live: LiveConfig;
  clock: Clock;
  log: Logger;
  desk: IncidentDesk;
  watch: DeviceWatch;
  journal: Journal;
  connections: DeviceConnections;
  downlink: Downlink;
  effects: EffectRunner;
  shifts: Shifts;
}

export class Presence {
  private readonly readyClients = new WeakSet<Client>();

  constructor(private readonly deps: PresenceDeps) {}

  /** aedes 'clientReady': the CONNACK went out (a persistent session's subscriptions are restored by then). */
  ready(client: Client): void {
    const device = this.deps.live.directory.get(client.id);
    if (!device) return;
    this.readyClients.add(client);
    if (this.deps.connections.add(device.id, client)) this.changed(device.id, true);
    const restored = (client as Client & { subscriptions: Record<string, unknown> }).subscriptions;
    if (device.kind === 'pager' && restored[deviceTopic(this.deps.live.site, device.id, DOWNLINK.alert)]) {
      this.deps.effects.apply(this.deps.desk.setPagerOnline(device.id, true));
    }
  }

  /** aedes 'subscribe': subscriptions granted (a refused one has QoS 128). */
  subscribed(subscriptions: Subscription[], client: Client): void {
    const device = this.deps.live.directory.get(client.id);
    if (!device) return;
    const granted = (channel: string) => {
      const topic = deviceTopic(this.deps.live.site, device.id, channel);
      return subscriptions.some((s) => s.topic === topic && (s.qos as number) !== 128);
    };
    if (granted(DOWNLINK.time)) this.deps.downlink.time(device.id, this.deps.clock.now());
    if (device.kind === 'pager' && granted(DOWNLINK.duty)) this.deps.shifts.tell(device.id);
    if (device.kind === 'pager' && this.readyClients.has(client) && granted(DOWNLINK.alert)) this.deps.effects.apply(this.deps.desk.setPagerOnline(device.id, true));
  }

  /** aedes 'clientDisconnect'. */
  gone(client: Client): void {
    if (!this.deps.connections.remove(client)) return;
    this.deps.downlink.pagerGone(client.id);
    this.changed(client.id, false);
    if (this.deps.live.directory.kindOf(client.id) === 'pager') this.deps.effects.apply(this.deps.desk.setPagerOnline(client.id, false));
  }

  /** aedes 'ack': a device's PUBACK; for an alert, the alert was delivered. */
  acknowledged(packet: PublishPacket | undefined, client: Client | undefined): void {
    if (!packet || !client) return;
    const incident = this.deps.downlink.acknowledged(packet, client);
    if (incident !== undefined) this.deps.effects.apply(this.deps.desk.delivered(client.id, incident));
  }

  private changed(deviceId: string, online: boolean): void {
    const now = this.deps.clock.now();
    this.deps.log.info({ device: deviceId, online }, online ? 'device online' : 'device offline');
    if (online) this.deps.watch.connected(deviceId, now);
    else this.deps.watch.disconnected(deviceId, now);
    this.deps.journal.submit({ op: 'online', deviceId, online, at: now });
  }
}
