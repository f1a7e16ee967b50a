// News for owners and managers away from the shop, as Web Push to the phones
// that asked for it (VAPID, web-push): a red incident nobody handles, an
// all-call, a device or disk alarm, a mood alert. Staff are paged on their
// wrists within milliseconds; this is the owner's slower, best-effort copy.
//
// The hub never waits on it: a notification the push service did not take
// (no internet) is kept in a bounded queue and tried again with growing
// pauses until it is an hour old, and the dashboard says how many wait. A
// phone the push service no longer knows (404/410) is forgotten.
import type { Agent } from 'node:https';
import { DateTime } from 'luxon';
import type { HubConfig } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import { DEVICE_PROBLEM_KINDS, type Effect, type IncidentRecord } from '../domain/incident-desk.js';
import type { Logger } from '../log.js';
import type { PushStore, PushSubscriptionRow, PushTopic } from '../store/push-store.js';
import { isLanguage } from '../i18n/languages.js';
import { phrase, say, translator, type Phrase } from '../i18n/translate.js';

export interface PushNote {
  topic: PushTopic;
  /** Said in each phone's language when it is sent. */
  title: Phrase;
  body: Phrase;
  /** One notification per tag on the phone: a newer one about the same incident replaces the older. */
  tag: string;
  incidentId: number;
}

/** What in a batch of the desk's effects is news for the owners (pure: the records come with the batch). */
export function newsIn(effects: readonly Effect[]): PushNote[] {
  const records = new Map<number, IncidentRecord>();
  for (const effect of effects) if (effect.type === 'save') records.set(effect.incident.id, effect.incident);
  const notes: PushNote[] = [];
  const tags = new Set<string>();
  const add = (note: PushNote) => {
    if (tags.has(note.tag)) return;
    tags.add(note.tag);
    notes.push(note);
  };
  for (const effect of effects) {
    if (effect.type !== 'event') continue;
    const event = effect.event;
    const record = records.get(event.incidentId);
    if (!record || record.trial) continue;
    const id = record.id;
    const label = { label: record.label };
    if (record.kind === 'red' && event.type === 'escalated') {
      add({ topic: 'unhandled', title: phrase('Unhappy customer: {{label}}', label), body: phrase('Nobody has answered yet: escalated to level {{level}}.', { level: event.level ?? record.level }), tag: `incident-${id}`, incidentId: id });
    } else if (record.kind === 'red' && event.type === 'retriggered') {
      add({ topic: 'unhandled', title: phrase('Unhappy customer: {{label}}', label), body: phrase('Acknowledged, but not resolved in time: staff are being called again.'), tag: `incident-${id}`, incidentId: id });
    } else if (event.type === 'paged' && event.detail === 'all-call') {
      add({ topic: 'all-call', title: phrase('All-call: {{label}}', label), body: phrase('Nobody on shift could take it: every pager online was called.'), tag: `all-call-${id}`, incidentId: id });
    } else if (event.type === 'unrouted' && event.detail === 'no pager online') {
      add({ topic: 'all-call', title: phrase('Nobody reachable: {{label}}', label), body: phrase('No pager is online to take it.'), tag: `all-call-${id}`, incidentId: id });
    } else if (event.type === 'opened' && DEVICE_PROBLEM_KINDS.has(record.kind)) {
      const title = record.kind === 'missing' ? phrase('{{label}}: not heard from', label) : record.kind === 'battery' ? phrase('{{label}}: battery low', label) : phrase('{{label}}: the disk refuses writes: presses are not being saved', label);
      add({ topic: 'devices', title, body: event.detail ? phrase(event.detail) : phrase('See the dashboard.'), tag: `incident-${id}`, incidentId: id });
    } else if (event.type === 'opened' && record.kind === 'mood') {
      add({ topic: 'mood', title: phrase('Mood at {{label}}', label), body: event.detail ? phrase(event.detail) : phrase('Many unhappy presses.'), tag: `incident-${id}`, incidentId: id });
    }
  }
  return notes;
}

/** Whether local "HH:MM" falls in quiet hours from–to (across midnight when from > to). */
export function isQuiet(time: string, from: string | null, to: string | null): boolean {
  if (!from || !to || from === to) return false;
  return from < to ? time >= from && time < to : time >= from || time < to;
}

const MAX_AGE_MS = 60 * 60_000;
const MAX_QUEUED = 200;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 10 * 60_000;

interface Pending {
  note: PushNote;
  subscription: PushSubscriptionRow;
  createdAt: number;
  attempts: number;
  notBefore: number;
}

export interface PushDeps {
  store: PushStore;
  config: () => HubConfig;
  clock: Clock;
  log: Logger;
  /** For a push service with its own certificate authority (the tests' push service). */
  agent?: Agent;
}

/** web-push, loaded when push is configured and first used, not at start (docs/benchmarks-findings.md §14). */
async function webPush(): Promise<typeof import('web-push')> {
  return (await import('web-push')).default;
}

export class PushNews {
  private queue: Pending[] = [];
  private sending: Promise<void> | null = null;
  private lastError: string | null = null;
  private dropped = 0;

  constructor(private readonly deps: PushDeps) {}

  /** The public key phones subscribe with (made once, kept in the database). */
  async publicKey(): Promise<string> {
    return (await this.keys()).publicKey;
  }

  enabled(): boolean {
    return this.deps.config().push !== undefined;
  }

  /** Queues the news in a batch of effects for each phone that wants it now. Cheap when there is none. */
  observe(effects: readonly Effect[]): void {
    if (!this.enabled()) return;
    const notes = newsIn(effects);
    if (notes.length > 0) this.enqueue(notes);
  }

  /** Sends one note to one user's phones now (the dashboard's "send a test"). */
  test(username: string): Promise<void> {
    this.enqueue([{ topic: 'unhandled', title: phrase('Test from the loyalty hub'), body: phrase('Notifications reach this phone.'), tag: 'test', incidentId: 0 }], username);
    return this.settled();
  }

  /** Resolves when everything due has been tried once. */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  /** Retries what is due; called on every hub tick. */
  tick(now: number): void {
    if (this.queue.some((pending) => pending.notBefore <= now)) this.drain();
  }

  /** What the dashboard shows while notifications wait. */
  messages(): Phrase[] {
    const waiting = this.queue.length;
    const lines: Phrase[] = [];
    if (waiting > 0 && this.lastError) lines.push(phrase('{{count}} phone notifications not delivered yet ({{error}}): trying again', { count: waiting, error: this.lastError }));
    if (this.dropped > 0) lines.push(phrase('{{count}} phone notifications given up after an hour without internet', { count: this.dropped }));
    return lines;
  }

  private enqueue(notes: PushNote[], onlyUser?: string): void {
    const now = this.deps.clock.now();
    const zone = this.deps.config().timeZone;
    const time = DateTime.fromMillis(now, { zone }).toFormat('HH:mm');
    for (const subscription of this.deps.store.all()) {
      if (onlyUser !== undefined && subscription.username !== onlyUser) continue;
      if (onlyUser === undefined && isQuiet(time, subscription.quietFrom, subscription.quietTo)) continue;
      for (const note of notes) {
        if (onlyUser === undefined && !subscription.topics.includes(note.topic)) continue;
        this.queue.push({ note, subscription, createdAt: now, attempts: 0, notBefore: now });
      }
    }
    if (this.queue.length > MAX_QUEUED) {
      const over = this.queue.length - MAX_QUEUED;
      this.queue.splice(0, over);
      this.dropped += over;
      this.deps.log.warn({ dropped: over }, 'push: queue full, oldest notifications dropped');
    }
    this.drain();
  }

  private drain(): void {
    if (this.sending) return;
    this.sending = this.sendDue().finally(() => {
      this.sending = null;
    });
  }

  private async sendDue(): Promise<void> {
    const now = this.deps.clock.now();
    const due = this.queue.filter((pending) => pending.notBefore <= now);
    this.queue = this.queue.filter((pending) => pending.notBefore > now);
    for (const pending of due) {
      if (now - pending.createdAt > MAX_AGE_MS) {
        this.dropped++;
        this.deps.log.warn({ tag: pending.note.tag, user: pending.subscription.username }, 'push: notification older than an hour dropped');
        continue;
      }
      await this.sendOne(pending, now);
    }
    if (this.queue.length === 0) this.lastError = null;
  }

  private async sendOne(pending: Pending, now: number): Promise<void> {
    const { subscription, note } = pending;
    const config = this.deps.config().push;
    if (!config) return;
    const keys = await this.keys();
    const t = translator(isLanguage(subscription.lang) ? subscription.lang : 'en');
    const payload = JSON.stringify({ title: say(t, note.title), body: say(t, note.body), tag: note.tag, incident: note.incidentId, site: this.deps.config().site });
    try {
      const webpush = await webPush();
      await webpush.sendNotification({ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } }, payload, {
        vapidDetails: { subject: config.contact, publicKey: keys.publicKey, privateKey: keys.privateKey },
        TTL: MAX_AGE_MS / 1000,
        urgency: note.topic === 'mood' ? 'normal' : 'high',
        topic: note.tag.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
        timeout: 10_000,
        agent: this.deps.agent,
      });
      this.deps.store.sent(subscription.endpoint, now);
      this.deps.log.info({ tag: note.tag, user: subscription.username }, 'push: sent');
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        this.deps.store.forget(subscription.endpoint);
        this.deps.log.info({ user: subscription.username, status }, 'push: the push service no longer knows this phone; subscription removed');
        return;
      }
      const message = status ? `push service answered ${status}` : (error as Error).message.split('\n')[0].slice(0, 120);
      this.lastError = message;
      this.deps.store.failed(subscription.endpoint, message);
      pending.attempts++;
      pending.notBefore = now + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (pending.attempts - 1));
      this.queue.push(pending);
      this.deps.log.warn({ tag: note.tag, user: subscription.username, error: message, attempts: pending.attempts }, 'push: not sent, will try again');
    }
  }

  private async keys(): Promise<{ publicKey: string; privateKey: string }> {
    const webpush = await webPush();
    return this.deps.store.keys(() => webpush.generateVAPIDKeys(), this.deps.clock.now());
  }
}
