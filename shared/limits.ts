// Limits of the wire protocol. The hub enforces them; the firmware sizes its
// buffers and outbox from them. This file is compiled for the device too, so
// it stays plain constants.

/** Protocol version, part of every topic. Bump it for an incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Largest payload the hub accepts on any device topic, in bytes. */
export const MAX_PAYLOAD_BYTES = 256;

/**
 * Largest MQTT packet (fixed header excluded) the hub reads from a device
 * connection. A CONNECT with a long will or a PUBLISH with a long topic still
 * fits; anything bigger is cut off before it is buffered.
 */
export const MAX_PACKET_BYTES = 1024;

/** An update over the air goes in chunks of this many bytes (base64 on the wire: 684 characters). */
export const UPDATE_CHUNK_BYTES = 512;
/** Largest update message (a chunk with its header fields); fits MAX_PACKET_BYTES with its topic. */
export const MAX_UPDATE_PAYLOAD_BYTES = 800;
/** Largest firmware bundle or configuration an update may carry. */
export const MAX_UPDATE_BYTES = 40 * 1024;

/** Topic levels of every device topic: lb/<version>/<site>/<device>/<channel>. */
export const TOPIC_LEVELS = 5;

/**
 * Sequence numbers run from 1 to this (a 31-bit signed integer fits Espruino's
 * ints). The hub accepts exactly this range; the button's counter stops at its
 * top instead of wrapping (a repeated number would be taken for a duplicate).
 */
export const MAX_SEQ = 2147483647;

/**
 * Highest starting point the flasher gives a device's counter: a re-flashed
 * button always keeps at least MAX_SEQ - SEQ_FLOOR_MAX (about a billion)
 * numbers, whatever sequence number a faulty or forged press carried.
 */
export const SEQ_FLOOR_MAX = 1073741823;

/**
 * Oldest press the hub accepts, by its age at send time. An outbox older than
 * a week is a device that was off the network far longer than any shop allows.
 */
export const MAX_PRESS_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Presses per device per second the hub accepts in steady state, and the burst
 * above that: a button draining its outbox after a Wi-Fi outage sends up to
 * OUTBOX_CAPACITY presses back to back, so the burst must cover it.
 */
export const PRESS_RATE_PER_SECOND = 5;
export const PRESS_BURST = 40;

/** Presses a button keeps in flash while the hub has not confirmed them. */
export const OUTBOX_CAPACITY = 32;

/** Longest location label or staff name sent to a pager (its display is small). */
export const MAX_LABEL_CHARS = 32;

/** Device heartbeat period: at most this many seconds between two heartbeats. */
export const HEARTBEAT_PERIOD_S = 60;

/** Device ids and site ids: lower-case, digits and '-', at most 23 characters (MQTT 3.1.1 client id limit). */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const MAX_ID_CHARS = 23;

export function isValidId(value: string): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_CHARS && ID_PATTERN.test(value);
}
