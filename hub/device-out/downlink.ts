// Everything the hub sends to devices: alerts under flow control, cancels,
// feedback, the clock; and the pagers' PUBACKs that say an alert arrived.
import type { Client, PublishPacket } from 'aedes';
import { decodeAlert, encodeAlert, encodeCancel, encodeFeedback, encodeTime, type Cancel, type Feedback } from '../../shared/payloads.js';
import { deviceJson, escapeHighBytes } from '../../shared/device-text.js';
import { DOWNLINK, deviceTopic } from '../../shared/topics.js';
import { flushAfterQueuedImmediates, whenSent } from '../broker/coalesced-writes.js';
import type { LiveConfig } from '../live-config.js';
import type { Logger } from '../log.js';
import { AlertFlow, type HeldAlert } from './alert-flow.js';
import type { DeviceConnections } from './connections.js';

type Route = (packet: PublishPacket, callback: (error?: Error | null) => void) => void;

export class Downlink {
  /** Count updates held while the pager has not acknowledged the previous alert of the incident. */
  private readonly flow = new AlertFlow();
  /**
   * The incident of each alert payload sent. aedes hands the 'ack' listener
   * the packet it stored, with the payload Buffer the hub made (checked in
   * test/hub/broker/aedes-patches.test.ts), so a PUBACK needs no parsing; an
   * alert that waited in an offline session may come back as a copy, and is decoded.
   */
  private readonly alertIncidents = new WeakMap<Buffer, number>();

  constructor(
    private readonly live: LiveConfig,
    private readonly connections: DeviceConnections,
    /** The broker's own publish, for a device with no connection (its persistent session queues it). */
    private readonly route: Route,
    private readonly log: Logger,
  ) {}

  /** An alert for `pager`: sent now, or held as the newest count update until the pager acknowledges the last one. */
  alert(pager: string, held: HeldAlert): void {
    if (this.flow.offer(pager, held)) this.sendAlert(pager, held);
  }

  cancel(pager: string, cancel: Cancel): void {
    this.send(pager, DOWNLINK.cancel, encodeCancel(cancel));
  }

  feedback(button: string, feedback: Feedback): void {
    this.send(button, DOWNLINK.feedback, encodeFeedback(feedback));
  }

  /** An update message (updates.ts): QoS 0, so none waits in a session to arrive stale; the sender resends on silence. */
  update(deviceId: string, text: string): void {
    // A bundle is bytes in the device charset already (read as latin1), not text to convert.
    this.send(deviceId, DOWNLINK.update, escapeHighBytes(text), 0);
  }

  /** A pager's duty (shift, wearer, causes), encoded: sent to its connection, or queued in its session. */
  duty(pager: string, text: string): void {
    this.send(pager, DOWNLINK.duty, text);
  }

  /** QoS 0: a clock reading retransmitted late would be wrong; the next subscription brings a fresh one. */
  time(deviceId: string, now: number): void {
    this.send(deviceId, DOWNLINK.time, encodeTime({ time: now }), 0);
  }

  /** A device's PUBACK: the incident whose alert it confirms (a held update then goes), or undefined. */
  acknowledged(packet: PublishPacket, client: Client): number | undefined {
    let incident = this.alertIncidents.get(packet.payload as Buffer);
    if (incident === undefined) {
      if (packet.topic !== deviceTopic(this.live.site, client.id, DOWNLINK.alert)) return undefined;
      const alert = decodeAlert(packet.payload.toString());
      if (!alert.ok) return undefined;
      incident = alert.value.incident;
    }
    const next = this.flow.acknowledged(client.id, incident);
    if (next) this.sendAlert(client.id, next);
    return incident;
  }

  /** The pager has no connection left: it gets the current state of its incidents when it returns. */
  pagerGone(pager: string): void {
    this.flow.pagerGone(pager);
  }

  private sendAlert(pager: string, { alert, written }: HeldAlert): void {
    const payload = this.send(pager, DOWNLINK.alert, encodeAlert(alert), 1, written);
    this.alertIncidents.set(payload, alert.incident);
  }

  /** `written` runs when the packet has been handed to the device's socket. */
  private send(deviceId: string, channel: string, text: string, qos: 0 | 1 = 1, written?: () => void): Buffer {
    // Labels, names and causes in the pager's charset, ASCII on the wire (shared/device-text.ts).
    const payload = Buffer.from(channel === DOWNLINK.update ? text : deviceJson(text));
    const packet = { cmd: 'publish', topic: deviceTopic(this.live.site, deviceId, channel), payload, qos, retain: false, dup: false } as PublishPacket;
    const callback = (error?: Error | null) => {
      if (error) this.log.error({ device: deviceId, channel, error: error.message }, 'publish to device failed');
    };
    // Straight to the device's connection when it has one: skips the topic
    // match, the offline queue pass and the emitter (about half the hub's
    // per-alert work). A device without a connection gets it the broker's way,
    // queued in its persistent session for when it returns.
    const client = this.connections.newest(deviceId);
    if (client) {
      if (written) whenSent(payload, written);
      client.publish(packet, callback);
      flushAfterQueuedImmediates();
    } else {
      this.route(packet, callback);
    }
    return payload;
  }
}
