// Payload codecs: compact JSON with one-letter keys on the wire (an ESP32 has
// about 12 000 JsVars in total, and every key costs some), readable names in
// code. Every decoder validates fully and returns either the value or a
// specific error; none of them throws. Unknown keys are ignored so that a
// newer device can add a field without breaking an older hub.
//
// Compiled for the device too: ES5 only, no Map/Set, no spread, no destructuring.

import { MAX_LABEL_CHARS, MAX_PAYLOAD_BYTES, MAX_PRESS_AGE_MS, MAX_SEQ, MAX_UPDATE_BYTES, MAX_UPDATE_PAYLOAD_BYTES, UPDATE_CHUNK_BYTES } from './limits.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

export type PressKind = 'red' | 'green';
/** What an alert is about: a customer's press, a device that needs attention, or the hub's own disk failing. */
export type AlertKind = 'red' | 'green' | 'missing' | 'battery' | 'storage' | 'mood' | 'closing';
/** "quiet": a count update that must not vibrate (a button hammered by one customer); added in 0.1.1, an older pager ignores it. */
export type AlertReason = 'new' | 'update' | 'rebuzz' | 'escalated' | 'retrigger' | 'resend' | 'quiet';
export type CancelReason = 'taken' | 'resolved' | 'withdrawn';
export type Outcome = 'apologised' | 'compensated' | 'fixed' | 'left' | 'other';

export const OUTCOMES: Outcome[] = ['apologised', 'compensated', 'fixed', 'left', 'other'];

/** Button → hub. `ageMs` is how long ago the press happened, computed at each (re)transmission. */
export interface Press {
  kind: PressKind;
  seq: number;
  ageMs: number;
}

/** Hub → button: drives the LED. */
/** The press itself is confirmed by its PUBACK (sent after the commit); feedback carries what happens next. */
/** "reached" (0.1.2): staff said at the button that they are with the customer; an older button ignores it. */
export type Feedback = { state: 'acknowledged' | 'reached'; incident: number };

/**
 * Button → hub (0.1.2): staff at the counter held RED and GREEN together:
 * they have reached the customer. `seq` is the press that began the chord
 * (staff's, not a customer's; 0: none), `ageMs` how long ago they held them.
 */
export interface Reach {
  seq: number;
  ageMs: number;
}

/** Hub → pager. `level` 1 is the first responder; 2 and up were added by escalation. */
export interface Alert {
  incident: number;
  kind: AlertKind;
  location: string;
  count: number;
  level: number;
  /** When the incident began (first press), ms since the epoch. */
  time: number;
  reason: AlertReason;
}

/** Hub → pager: take this incident off the list. `by` names who took it, when someone did. */
export interface Cancel {
  incident: number;
  reason: CancelReason;
  by?: string;
}

export interface Ack {
  incident: number;
}

export interface OutcomeReport {
  incident: number;
  outcome: Outcome;
  /** What went wrong: one of the causes the hub sent in Duty (added in 0.1.2; older pagers send none). */
  cause?: string;
}

/**
 * Hub → pager (added in 0.1.2): its shift state, who wears it, and the cause
 * categories to offer with an outcome. Sent when the pager subscribes and
 * whenever one of them changes; an older pager does not subscribe to it.
 */
export interface Duty {
  onShift: boolean;
  /** The wearer's name; absent when nobody is configured for it. */
  wearer?: string;
  causes: string[];
}

/** Longest cause category on the wire (the hub's configuration allows fewer). */
export const MAX_CAUSE_WIRE_CHARS = 16;
const MAX_CAUSES = 8;

export interface Shift {
  onShift: boolean;
}

export interface Heartbeat {
  batteryMv: number;
  rssi: number;
  freeMemory: number;
  outboxDepth: number;
  firmware: string;
  /** Presses dropped because the outbox was full, since the device booted (buttons only). */
  dropped?: number;
}

/** Hub → device: the hub's wall clock, so devices can turn their own clock into true press times. */
export interface TimeSync {
  time: number;
}

export interface Status {
  online: boolean;
}

// ---- wire codes -----------------------------------------------------------

const PRESS_KIND_CODES: { [code: string]: PressKind } = { r: 'red', g: 'green' };
/** "o": a mood alert (many unhappy presses at one place), "c": what is still open at closing; added with firmware 0.1.1: an older pager drops them. */
const ALERT_KIND_CODES: { [code: string]: AlertKind } = { r: 'red', g: 'green', m: 'missing', b: 'battery', s: 'storage', o: 'mood', c: 'closing' };
const ALERT_REASON_CODES: { [code: string]: AlertReason } = {
  n: 'new',
  u: 'update',
  b: 'rebuzz',
  e: 'escalated',
  t: 'retrigger',
  s: 'resend',
  q: 'quiet',
};
const CANCEL_REASON_CODES: { [code: string]: CancelReason } = { a: 'taken', r: 'resolved', x: 'withdrawn' };

function codeOf(table: { [code: string]: string }, value: string): string {
  const keys = Object.keys(table);
  for (let i = 0; i < keys.length; i++) {
    if (table[keys[i]] === value) return keys[i];
  }
  throw new Error('no wire code for ' + value);
}

// ---- validation helpers (small on purpose: this runs on the device) -------

type Fields = { [key: string]: unknown };

function fail<T>(error: string): Decoded<T> {
  return { ok: false, error: error };
}

function ok<T>(value: T): Decoded<T> {
  return { ok: true, value: value };
}

function parseObject(text: string, maxBytes?: number): Fields | string {
  const limit = maxBytes || MAX_PAYLOAD_BYTES;
  if (typeof text !== 'string') return 'payload is not text';
  if (text.length > limit) return 'payload is ' + text.length + ' characters, limit ' + limit;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'payload is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || parsed instanceof Array) return 'payload is not a JSON object';
  return parsed as Fields;
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && isFinite(value) && Math.floor(value) === value;
}

/** Returns an error text, or '' when `fields[key]` is an integer in [min, max]. */
function checkInt(fields: Fields, key: string, name: string, min: number, max: number): string {
  const value = fields[key];
  if (value === undefined) return name + ' (' + key + ') is missing';
  if (!isInt(value)) return name + ' (' + key + ') must be an integer';
  if (value < min || value > max) return name + ' (' + key + ') must be between ' + min + ' and ' + max;
  return '';
}

function checkCode(fields: Fields, key: string, name: string, table: { [code: string]: string }): string {
  const value = fields[key];
  if (value === undefined) return name + ' (' + key + ') is missing';
  // Object.keys, not Object.prototype.hasOwnProperty: built-in prototypes are empty on Espruino.
  if (typeof value !== 'string' || Object.keys(table).indexOf(value) < 0) {
    return name + ' (' + key + ') must be one of ' + Object.keys(table).join(', ');
  }
  return '';
}

function checkText(fields: Fields, key: string, name: string, maxChars: number): string {
  const value = fields[key];
  if (value === undefined) return name + ' (' + key + ') is missing';
  if (typeof value !== 'string') return name + ' (' + key + ') must be a string';
  if (value.length > maxChars) return name + ' (' + key + ') is longer than ' + maxChars + ' characters';
  return '';
}

function checkFlag(fields: Fields, key: string, name: string): string {
  const value = fields[key];
  if (value !== 0 && value !== 1) return name + ' (' + key + ') must be 0 or 1';
  return '';
}

/** The first non-empty error text, or ''. */
function firstError(errors: string[]): string {
  for (let i = 0; i < errors.length; i++) {
    if (errors[i]) return errors[i];
  }
  return '';
}

const MAX_INCIDENT = 2147483647;
const MAX_TIME = 8640000000000000;

// ---- press ----------------------------------------------------------------

export function encodePress(press: Press): string {
  return JSON.stringify({ k: codeOf(PRESS_KIND_CODES, press.kind), q: press.seq, a: press.ageMs });
}

export function decodePress(text: string): Decoded<Press> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([
    checkCode(f, 'k', 'kind', PRESS_KIND_CODES),
    checkInt(f, 'q', 'sequence', 1, MAX_SEQ),
    checkInt(f, 'a', 'age', 0, MAX_PRESS_AGE_MS),
  ]);
  if (error) return fail(error);
  return ok({ kind: PRESS_KIND_CODES[f.k as string], seq: f.q as number, ageMs: f.a as number });
}

// ---- feedback -------------------------------------------------------------

export function encodeFeedback(feedback: Feedback): string {
  return JSON.stringify({ s: feedback.state === 'reached' ? 'r' : 'a', i: feedback.incident });
}

export function decodeFeedback(text: string): Decoded<Feedback> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  if (f.s === 'a' || f.s === 'r') {
    const incidentError = checkInt(f, 'i', 'incident', 1, MAX_INCIDENT);
    return incidentError ? fail(incidentError) : ok({ state: f.s === 'r' ? 'reached' : 'acknowledged', incident: f.i as number });
  }
  return fail('state (s) must be a or r');
}

export function encodeReach(reach: Reach): string {
  return JSON.stringify({ q: reach.seq, a: reach.ageMs });
}

export function decodeReach(text: string): Decoded<Reach> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([checkInt(f, 'q', 'sequence', 0, MAX_SEQ), checkInt(f, 'a', 'age', 0, MAX_PRESS_AGE_MS)]);
  return error ? fail(error) : ok({ seq: f.q as number, ageMs: f.a as number });
}

// ---- alert ----------------------------------------------------------------

export function encodeAlert(alert: Alert): string {
  return JSON.stringify({
    i: alert.incident,
    k: codeOf(ALERT_KIND_CODES, alert.kind),
    l: alert.location,
    n: alert.count,
    v: alert.level,
    t: alert.time,
    w: codeOf(ALERT_REASON_CODES, alert.reason),
  });
}

export function decodeAlert(text: string): Decoded<Alert> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([
    checkInt(f, 'i', 'incident', 1, MAX_INCIDENT),
    checkCode(f, 'k', 'kind', ALERT_KIND_CODES),
    checkText(f, 'l', 'location', MAX_LABEL_CHARS),
    checkInt(f, 'n', 'count', 1, MAX_SEQ),
    checkInt(f, 'v', 'level', 1, 99),
    checkInt(f, 't', 'time', 0, MAX_TIME),
    checkCode(f, 'w', 'reason', ALERT_REASON_CODES),
  ]);
  if (error) return fail(error);
  return ok({
    incident: f.i as number,
    kind: ALERT_KIND_CODES[f.k as string],
    location: f.l as string,
    count: f.n as number,
    level: f.v as number,
    time: f.t as number,
    reason: ALERT_REASON_CODES[f.w as string],
  });
}

// ---- cancel ---------------------------------------------------------------

export function encodeCancel(cancel: Cancel): string {
  const wire: Fields = { i: cancel.incident, w: codeOf(CANCEL_REASON_CODES, cancel.reason) };
  if (cancel.by !== undefined) wire.by = cancel.by;
  return JSON.stringify(wire);
}

export function decodeCancel(text: string): Decoded<Cancel> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([
    checkInt(f, 'i', 'incident', 1, MAX_INCIDENT),
    checkCode(f, 'w', 'reason', CANCEL_REASON_CODES),
    f.by === undefined ? '' : checkText(f, 'by', 'by', MAX_LABEL_CHARS),
  ]);
  if (error) return fail(error);
  const cancel: Cancel = { incident: f.i as number, reason: CANCEL_REASON_CODES[f.w as string] };
  if (f.by !== undefined) cancel.by = f.by as string;
  return ok(cancel);
}

// ---- pager → hub ----------------------------------------------------------

export function encodeAck(ack: Ack): string {
  return JSON.stringify({ i: ack.incident });
}

export function decodeAck(text: string): Decoded<Ack> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = checkInt(f, 'i', 'incident', 1, MAX_INCIDENT);
  return error ? fail(error) : ok({ incident: f.i as number });
}

export function encodeOutcome(report: OutcomeReport): string {
  const wire: Fields = { i: report.incident, o: report.outcome };
  if (report.cause !== undefined) wire.c = report.cause;
  return JSON.stringify(wire);
}

export function decodeOutcome(text: string): Decoded<OutcomeReport> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = checkInt(f, 'i', 'incident', 1, MAX_INCIDENT);
  if (error) return fail(error);
  if (typeof f.o !== 'string' || OUTCOMES.indexOf(f.o as Outcome) < 0) {
    return fail('outcome (o) must be one of ' + OUTCOMES.join(', '));
  }
  const causeError = f.c === undefined ? '' : checkText(f, 'c', 'cause', MAX_CAUSE_WIRE_CHARS);
  if (causeError) return fail(causeError);
  const report: OutcomeReport = { incident: f.i as number, outcome: f.o as Outcome };
  if (f.c !== undefined) report.cause = f.c as string;
  return ok(report);
}

export function encodeDuty(duty: Duty): string {
  const wire: Fields = { on: duty.onShift ? 1 : 0, c: duty.causes };
  if (duty.wearer !== undefined) wire.p = duty.wearer;
  return JSON.stringify(wire);
}

export function decodeDuty(text: string): Decoded<Duty> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([checkFlag(f, 'on', 'on shift'), f.p === undefined ? '' : checkText(f, 'p', 'wearer', MAX_LABEL_CHARS)]);
  if (error) return fail(error);
  const causes = f.c;
  let bad = !(causes instanceof Array) || causes.length > MAX_CAUSES;
  for (let i = 0; !bad && i < (causes as unknown[]).length; i++) bad = checkText(causes as Fields, String(i), '', MAX_CAUSE_WIRE_CHARS) !== '' || !(causes as string[])[i];
  if (bad) return fail('causes (c) must be up to ' + MAX_CAUSES + ' texts of 1-' + MAX_CAUSE_WIRE_CHARS + ' characters');
  const duty: Duty = { onShift: f.on === 1, causes: causes as string[] };
  if (f.p !== undefined) duty.wearer = f.p as string;
  return ok(duty);
}

export function encodeShift(shift: Shift): string {
  return JSON.stringify({ on: shift.onShift ? 1 : 0 });
}

export function decodeShift(text: string): Decoded<Shift> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = checkFlag(f, 'on', 'on shift');
  return error ? fail(error) : ok({ onShift: f.on === 1 });
}

// ---- any device → hub -----------------------------------------------------

export function encodeHeartbeat(hb: Heartbeat): string {
  const wire: Fields = { b: hb.batteryMv, r: hb.rssi, m: hb.freeMemory, o: hb.outboxDepth, v: hb.firmware };
  if (hb.dropped !== undefined) wire.d = hb.dropped;
  return JSON.stringify(wire);
}

export function decodeHeartbeat(text: string): Decoded<Heartbeat> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([
    checkInt(f, 'b', 'battery mV', 0, 10000),
    checkInt(f, 'r', 'RSSI dBm', -127, 0),
    checkInt(f, 'm', 'free memory', 0, 1000000),
    checkInt(f, 'o', 'outbox depth', 0, 100000),
    checkText(f, 'v', 'firmware version', 16),
    f.d === undefined ? '' : checkInt(f, 'd', 'dropped presses', 0, MAX_SEQ),
  ]);
  if (error) return fail(error);
  const hb: Heartbeat = {
    batteryMv: f.b as number,
    rssi: f.r as number,
    freeMemory: f.m as number,
    outboxDepth: f.o as number,
    firmware: f.v as string,
  };
  if (f.d !== undefined) hb.dropped = f.d as number;
  return ok(hb);
}

export function encodeTime(sync: TimeSync): string {
  return JSON.stringify({ t: sync.time });
}

export function decodeTime(text: string): Decoded<TimeSync> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = checkInt(f, 't', 'time', 0, MAX_TIME);
  return error ? fail(error) : ok({ time: f.t as number });
}

export function encodeStatus(status: Status): string {
  return JSON.stringify({ on: status.online ? 1 : 0 });
}

export function decodeStatus(text: string): Decoded<Status> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = checkFlag(f, 'on', 'online');
  return error ? fail(error) : ok({ online: f.on === 1 });
}

// ---- updates over the air (hub → device, device → hub) ---------------------

export type UpdateWhat = 'firmware' | 'config';

/** Hub → device, in order: begin, every chunk (each once the previous is acknowledged), commit; abort to give up. */
export type UpdateMessage =
  | { op: 'begin'; update: number; what: UpdateWhat; size: number; crc: number; chunks: number; kind: string; trialS: number }
  | { op: 'chunk'; update: number; index: number; crc: number; data: string }
  | { op: 'commit'; update: number }
  | { op: 'abort'; update: number };

export type UpdateState = 'ready' | 'got' | 'later' | 'refused' | 'switching' | 'running' | 'rolled-back';

/** Device → hub: how an update goes. `index`: the chunk stored ("got"); `reason`: why not now ("later"), refused or rolled back. */
export interface UpdateStatus {
  update: number;
  state: UpdateState;
  index?: number;
  reason?: string;
  version?: string;
}

const UPDATE_OPS: { [code: string]: string } = { b: 'begin', d: 'chunk', c: 'commit', a: 'abort' };
const UPDATE_WHAT: { [code: string]: UpdateWhat } = { f: 'firmware', c: 'config' };
const UPDATE_STATES: UpdateState[] = ['ready', 'got', 'later', 'refused', 'switching', 'running', 'rolled-back'];
const MAX_UPDATE_ID = 2147483647;

export function encodeUpdate(m: UpdateMessage): string {
  if (m.op === 'begin') return JSON.stringify({ o: 'b', u: m.update, w: codeOf(UPDATE_WHAT, m.what), s: m.size, c: m.crc, n: m.chunks, k: m.kind, t: m.trialS });
  if (m.op === 'chunk') return JSON.stringify({ o: 'd', u: m.update, i: m.index, c: m.crc, d: m.data });
  return JSON.stringify({ o: m.op === 'commit' ? 'c' : 'a', u: m.update });
}

export function decodeUpdate(text: string): Decoded<UpdateMessage> {
  const f = parseObject(text, MAX_UPDATE_PAYLOAD_BYTES);
  if (typeof f === 'string') return fail(f);
  const op = UPDATE_OPS[f.o as string];
  if (!op) return fail('unknown update message');
  const idError = checkInt(f, 'u', 'update id', 1, MAX_UPDATE_ID);
  if (idError) return fail(idError);
  const update = f.u as number;
  if (op === 'begin') {
    const error = firstError([
      checkCode(f, 'w', 'what', UPDATE_WHAT),
      checkInt(f, 's', 'size', 1, MAX_UPDATE_BYTES),
      checkInt(f, 'c', 'checksum', 0, 4294967295),
      checkInt(f, 'n', 'chunks', 1, Math.ceil(MAX_UPDATE_BYTES / UPDATE_CHUNK_BYTES)),
      checkText(f, 'k', 'kind', 16),
      checkInt(f, 't', 'trial seconds', 5, 3600),
    ]);
    if (error) return fail(error);
    if ((f.n as number) !== Math.ceil((f.s as number) / UPDATE_CHUNK_BYTES)) return fail('chunks do not match the size');
    return ok({ op: 'begin', update: update, what: UPDATE_WHAT[f.w as string], size: f.s as number, crc: f.c as number, chunks: f.n as number, kind: f.k as string, trialS: f.t as number });
  }
  if (op === 'chunk') {
    const error = firstError([checkInt(f, 'i', 'chunk index', 0, Math.ceil(MAX_UPDATE_BYTES / UPDATE_CHUNK_BYTES) - 1), checkInt(f, 'c', 'checksum', 0, 4294967295)]);
    if (error) return fail(error);
    if (typeof f.d !== 'string' || f.d.length === 0 || f.d.length > Math.ceil(UPDATE_CHUNK_BYTES / 3) * 4) return fail('chunk data missing or too long');
    return ok({ op: 'chunk', update: update, index: f.i as number, crc: f.c as number, data: f.d });
  }
  return ok(op === 'commit' ? { op: 'commit', update: update } : { op: 'abort', update: update });
}

export function encodeUpdateStatus(status: UpdateStatus): string {
  const wire: Fields = { u: status.update, s: status.state };
  if (status.index !== undefined) wire.i = status.index;
  if (status.reason !== undefined) wire.r = status.reason.substr(0, 120);
  if (status.version !== undefined) wire.v = status.version;
  return JSON.stringify(wire);
}

export function decodeUpdateStatus(text: string): Decoded<UpdateStatus> {
  const f = parseObject(text);
  if (typeof f === 'string') return fail(f);
  const error = firstError([
    checkInt(f, 'u', 'update id', 1, MAX_UPDATE_ID),
    UPDATE_STATES.indexOf(f.s as UpdateState) < 0 ? 'unknown update state' : '',
    f.i === undefined ? '' : checkInt(f, 'i', 'chunk index', 0, Math.ceil(MAX_UPDATE_BYTES / UPDATE_CHUNK_BYTES) - 1),
    f.r === undefined ? '' : checkText(f, 'r', 'reason', 120),
    f.v === undefined ? '' : checkText(f, 'v', 'version', 16),
  ]);
  if (error) return fail(error);
  const status: UpdateStatus = { update: f.u as number, state: f.s as UpdateState };
  if (f.i !== undefined) status.index = f.i as number;
  if (f.r !== undefined) status.reason = f.r as string;
  if (f.v !== undefined) status.version = f.v as string;
  return ok(status);
}
