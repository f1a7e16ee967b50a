// Who may publish and subscribe where. A device publishes only on its own
// uplink channels and subscribes only to its own downlink channels, exactly:
// no wildcards, no $SYS, nothing of another device's.
import { MAX_PAYLOAD_BYTES } from '../../shared/limits.js';
import { UPLINK, deviceTopic, downlinkChannels, parseDeviceTopic, uplinkChannels, type DeviceKind } from '../../shared/topics.js';

export type AccessVerdict<T> = { allowed: true; value: T } | { allowed: false; reason: string };

export interface DeviceIdentity {
  id: string;
  kind: DeviceKind;
}

export interface PublishRequest {
  topic: string;
  retain: boolean;
  payloadBytes: number;
}

function refuse<T>(reason: string): AccessVerdict<T> {
  return { allowed: false, reason };
}

type Allowed<T> = Extract<AccessVerdict<T>, { allowed: true }>;

/** The uplink channel a device's publish may go to, or why not. */
export function checkPublish(site: string, device: DeviceIdentity, request: PublishRequest): AccessVerdict<string> {
  const topic = parseDeviceTopic(request.topic);
  if (!topic) return refuse(`publish to "${request.topic}": not a device topic`);
  if (topic.site !== site) return refuse(`publish to "${request.topic}": site "${topic.site}" is not this hub's site "${site}"`);
  if (topic.device !== device.id) return refuse(`publish to "${request.topic}": topic of another device ("${topic.device}")`);
  if (uplinkChannels(device.kind).indexOf(topic.channel) < 0) {
    return refuse(`publish to "${request.topic}": a ${device.kind} does not publish on "${topic.channel}"`);
  }
  return withinPublishLimits({ allowed: true, value: topic.channel }, request);
}

/** `channel`, one of the device's own uplinks, if the publish's retain flag and size are allowed there; or why not. */
function withinPublishLimits(channel: Allowed<string>, request: PublishRequest): AccessVerdict<string> {
  if (request.retain && channel.value !== UPLINK.status) return refuse(`publish to "${request.topic}": retain is only allowed on status`);
  if (request.payloadBytes > MAX_PAYLOAD_BYTES) {
    return refuse(`publish to "${request.topic}": payload of ${request.payloadBytes} bytes, limit ${MAX_PAYLOAD_BYTES}`);
  }
  return channel;
}

/**
 * checkPublish for the hot path (every press): a device's own uplink topics
 * are looked up in a table built once, so no topic is parsed per message, and
 * an allowed publish gets the table's shared verdict, so nothing is
 * allocated. A topic not in the table goes to checkPublish, which says why
 * it is refused.
 */
export class UplinkAccess {
  private readonly channelsByDevice = new Map<string, Map<string, Allowed<string>>>();

  constructor(private readonly site: string) {}

  check(device: DeviceIdentity, request: PublishRequest): AccessVerdict<string> {
    let channels = this.channelsByDevice.get(device.id);
    if (!channels) {
      channels = new Map<string, Allowed<string>>(uplinkChannels(device.kind).map((channel) => [deviceTopic(this.site, device.id, channel), { allowed: true, value: channel }]));
      this.channelsByDevice.set(device.id, channels);
    }
    const channel = channels.get(request.topic);
    return channel ? withinPublishLimits(channel, request) : checkPublish(this.site, device, request);
  }
}

/** Whether a device may subscribe to `filter`; an exact own downlink topic only. */
export function checkSubscribe(site: string, device: DeviceIdentity, filter: string): AccessVerdict<string> {
  if (filter.startsWith('$')) return refuse(`subscribe to "${filter}": system topics are not for devices`);
  if (filter.includes('#') || filter.includes('+')) return refuse(`subscribe to "${filter}": wildcards are not allowed`);
  const allowed = downlinkChannels(device.kind).map((channel) => deviceTopic(site, device.id, channel));
  if (allowed.indexOf(filter) < 0) return refuse(`subscribe to "${filter}": not one of this ${device.kind}'s topics`);
  return { allowed: true, value: filter };
}
