// Topic names. Every device topic has exactly five levels:
//
//   lb/<version>/<site>/<device>/<channel>
//
// Uplink channels are published by the device, downlink channels by the hub.
// A device publishes and subscribes only below its own lb/1/<site>/<device>/.

import { PROTOCOL_VERSION, TOPIC_LEVELS, isValidId } from './limits.js';

export const TOPIC_ROOT = 'lb';

/** Device → hub. */
export const UPLINK = {
  press: 'press', // button: a customer pressed RED or GREEN
  reach: 'reach', // button (0.1.2): staff held RED and GREEN together: they are with the customer
  ack: 'ack', // pager: staff acknowledged an incident
  decline: 'decline', // pager: staff cannot go ("can't go"): the next pager or tier at once
  outcome: 'outcome', // pager: staff recorded how it ended (and, since 0.1.2, what went wrong)
  mute: 'mute', // pager (0.1.2): mute the incident's button for a while (someone is hammering it)
  shift: 'shift', // pager: staff went on or off shift
  heartbeat: 'hb', // any device: health report
  status: 'status', // any device: retained online/offline (the offline one is the last will)
  updateStatus: 'ups', // any device: how an update over the air goes
};

/** Hub → device. */
export const DOWNLINK = {
  feedback: 'fb', // button: "received" / "staff acknowledged"
  alert: 'alert', // pager: new, updated, re-buzzed or escalated incident
  cancel: 'cancel', // pager: incident taken by someone else, resolved or withdrawn
  time: 'time', // any device: the hub's wall clock, sent when the device subscribes
  update: 'upd', // any device: an update over the air (firmware or configuration), in chunks
  duty: 'duty', // pager (0.1.2): on or off shift, who wears it, the causes to offer
};

export type DeviceKind = 'button' | 'pager';

const UPLINK_BY_KIND: { [kind: string]: string[] } = {
  button: [UPLINK.press, UPLINK.reach, UPLINK.heartbeat, UPLINK.status, UPLINK.updateStatus],
  pager: [UPLINK.ack, UPLINK.decline, UPLINK.outcome, UPLINK.mute, UPLINK.shift, UPLINK.heartbeat, UPLINK.status, UPLINK.updateStatus],
};

const DOWNLINK_BY_KIND: { [kind: string]: string[] } = {
  button: [DOWNLINK.feedback, DOWNLINK.time, DOWNLINK.update],
  pager: [DOWNLINK.alert, DOWNLINK.cancel, DOWNLINK.time, DOWNLINK.update, DOWNLINK.duty],
};

export function deviceTopic(site: string, device: string, channel: string): string {
  return TOPIC_ROOT + '/' + PROTOCOL_VERSION + '/' + site + '/' + device + '/' + channel;
}

export interface DeviceTopic {
  site: string;
  device: string;
  channel: string;
}

/** Splits a device topic; null when it is not one of ours (wrong root, version, depth or ids). */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== TOPIC_LEVELS) return null;
  if (parts[0] !== TOPIC_ROOT || parts[1] !== String(PROTOCOL_VERSION)) return null;
  if (!isValidId(parts[2]) || !isValidId(parts[3]) || parts[4].length === 0) return null;
  return { site: parts[2], device: parts[3], channel: parts[4] };
}

/** Channels a device of this kind may publish on. */
export function uplinkChannels(kind: DeviceKind): string[] {
  return UPLINK_BY_KIND[kind] || [];
}

/** Channels a device of this kind may subscribe to. */
export function downlinkChannels(kind: DeviceKind): string[] {
  return DOWNLINK_BY_KIND[kind] || [];
}
