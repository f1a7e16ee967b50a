// Server-sent events for the dashboard: a view is sent when a client
// connects and again after each change, coalesced to one send (a "round")
// per LIVE_COALESCE_MS per view (longer when a round costs more than 1 % of
// the hub's time at that pace, making its facts on the journal's worker
// included, or its bytes to every dashboard more than the
// feed's share of the shop's Wi-Fi), with a "ping" event in between. The ping is an
// event, not a comment, so the page sees it: a page that hears nothing for a
// few pings says its data is getting old (the hub is gone, the Wi-Fi is).
// EventSource reconnects by itself, and the first message on a new stream is
// the whole current view: the page catches up. After that a stream that had
// the previous round gets only what changed in its list (`<topic>-changes`:
// the view's own fields, the items that changed — only their pulse when the
// rest is as before — and the keys of those gone):
// a press changes one open incident of hundreds, and the whole view to fifty
// dashboards ten times a second is more than the Wi-Fi should carry. A view's
// facts are fetched once per round (off the event loop, see
// store/read-ops.ts) and rendered once per language spoken by someone watching.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../i18n/languages.js';

export type LiveTopic = 'today' | 'shop';

/** A view's facts as of now, ready to be rendered in a reader's language as JSON text. */
export interface LiveView {
  /** The view's own fields, as JSON text of an object, in `language`. */
  head(language: Language): string;
  /** Its list (the open incidents): the field it goes in, and each item as JSON text under its key, in order. */
  list?: { field: string; items: readonly LiveItem[] };
  /** What making its facts cost off the event loop (ms, the journal's worker): part of the feed's share of the hub's time. */
  madeInMs?: number;
}

export interface LiveItem {
  id: number;
  json: string;
  /**
   * The item in two parts as JSON text, when some of its fields change much
   * more often than the rest (an incident's count at every press): the pulse
   * (its id and those fields) and the steady rest. When only the pulse
   * changed, only the pulse is sent: a tenth of the bytes.
   */
  pulse?: string;
  steady?: string;
}

/** One send of a view to every client: the items as sent, to find what the next round changed. */
interface Round {
  number: number;
  /** When its facts were fetched (ms, performance.now()). */
  at: number;
  view: LiveView;
  items: Map<number, LiveItem>;
}

const LIVE_COALESCE_MS = 100;
/**
 * The feed's share of the hub's time, at most: a view that takes longer to
 * make (on the journal's worker) and send (on the event loop) is sent less
 * often. Both count: on a one-core board the worker's time is the event loop's.
 */
const LIVE_SHARE = 0.01;
/**
 * The feed's bytes per second to all dashboards together, at most. The shop's
 * Wi-Fi also carries the buttons and the pagers; 2 MiB/s is a small share of
 * what a shop's access point moves. A shop with a few open incidents sends a
 * few kB a view and never reaches it; fifty dashboards of 400 open incidents
 * (the bench) would send 100 kB × 50 ten times a second without it.
 */
const LIVE_BYTES_PER_S = 2 * 2 ** 20;
/** However expensive a view, it goes out at least this often while things change (as often as the pings). */
const LIVE_COALESCE_MAX_MS = 5_000;
/** How often an idle stream hears from the hub. */
export const KEEP_ALIVE_MS = 5_000;

interface LiveClient {
  res: ServerResponse<IncomingMessage>;
  /** The session the stream belongs to, and whether it is still valid. */
  session: string;
  /** The language its views are in (the page says which). */
  language: Language;
  valid(): boolean;
  /** The round of each view it was last sent (whole or changes); none until it has a whole view. */
  seen: Partial<Record<LiveTopic, number>>;
}

export class LiveFeed {
  private readonly clients = new Set<LiveClient>();
  /** Each view's next round: its timer, and whether it has fired (the round is being fetched or sent). */
  private readonly pending = new Map<LiveTopic, { timer: NodeJS.Timeout; fired: boolean }>();
  /** Each view's last round. */
  private readonly rounds = new Map<LiveTopic, Round>();
  private readonly keepAlive: NodeJS.Timeout;
  /** What the last round of each view cost: the hub's time (making its facts on the worker, rendering and writing it on the event loop), in ms, and the bytes written to all clients. */
  private readonly costs = new Map<LiveTopic, { ms: number; bytes: number }>();
  /** Views that changed since their last send began. */
  private readonly dirty = new Set<LiveTopic>();
  private closed = false;

  /** `snapshot(topic)` fetches the view's current facts; `active(topic)` whether it is sent at connect. */
  constructor(
    private readonly snapshot: (topic: LiveTopic) => Promise<LiveView>,
    private readonly active: (topic: LiveTopic) => boolean,
    private readonly keepAliveMs = KEEP_ALIVE_MS,
  ) {
    // The session is checked again at every ping: a stream ends when its session expires (and at logout, see endSession).
    this.keepAlive = setInterval(() => {
      const ping = this.ping();
      for (const client of this.clients) {
        if (client.valid()) client.res.write(ping);
        else this.end(client);
      }
    }, keepAliveMs);
  }

  /**
   * Takes over a response for a session: the stream starts with every active
   * view, the last round's when it is recent (it is the current one unless a
   * round is on its way, and then the stream gets that one's changes), else
   * the next round's, which starts now.
   */
  attach(request: IncomingMessage, res: ServerResponse<IncomingMessage>, session: string, language: Language, valid: () => boolean): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(this.ping());
    const client: LiveClient = { res, session, language, valid, seen: {} };
    this.clients.add(client);
    request.on('close', () => this.clients.delete(client));
    for (const topic of ['today', 'shop'] as const) {
      if (!this.active(topic)) continue;
      const last = this.rounds.get(topic);
      if (last && performance.now() - last.at < LIVE_COALESCE_MAX_MS) {
        res.write(this.whole(topic, last.view, language));
        client.seen[topic] = last.number;
        continue;
      }
      // No recent round: the next one starts now, and brings this stream the whole view.
      this.dirty.add(topic);
      const pending = this.pending.get(topic);
      if (pending?.fired) continue; // the round after it follows (dirty)
      if (pending) clearTimeout(pending.timer);
      this.schedule(topic, 0);
    }
  }

  /** The session ended (logout): its streams end now. */
  endSession(session: string): void {
    for (const client of this.clients) if (client.session === session) this.end(client);
  }

  /** Something changed: the view goes to every client shortly (coalesced). */
  changed(topic: LiveTopic): void {
    if (this.clients.size === 0) {
      this.rounds.delete(topic); // no longer current, and nobody to send a newer one to
      return;
    }
    this.dirty.add(topic);
    if (!this.pending.has(topic)) this.schedule(topic);
  }

  /** The next round of `topic`; it stays pending until every client is written, then the next is scheduled if anything changed meanwhile. */
  private schedule(topic: LiveTopic, waitMs = this.pace(topic)): void {
    const pending = { timer: setTimeout(() => this.round(topic, pending), waitMs), fired: false };
    this.pending.set(topic, pending);
  }

  /** Every 100 ms, or less often when a round is expensive (many open incidents, many dashboards): presses come first. */
  private pace(topic: LiveTopic): number {
    const cost = this.costs.get(topic) ?? { ms: 0, bytes: 0 };
    return Math.min(LIVE_COALESCE_MAX_MS, Math.max(LIVE_COALESCE_MS, cost.ms / LIVE_SHARE, (cost.bytes / LIVE_BYTES_PER_S) * 1000));
  }

  private round(topic: LiveTopic, pending: { fired: boolean }): void {
    pending.fired = true;
    this.dirty.delete(topic);
    const finished = (ms: number, bytes: number) => {
      this.costs.set(topic, { ms, bytes });
      this.pending.delete(topic);
      if (this.dirty.has(topic) && !this.closed) this.schedule(topic);
    };
    const at = performance.now();
    this.snapshot(topic).then(
      (view) => {
        const previous = this.rounds.get(topic);
        const round: Round = { number: (previous?.number ?? 0) + 1, at, view, items: new Map(view.list?.items.map((item) => [item.id, item])) };
        this.rounds.set(topic, round);
        const changes = previous && view.list ? changesBetween(previous.items, round.items) : undefined;
        let [cost, bytes] = [0, 0];
        // Rendered once per language spoken by someone watching, not once per client, and encoded once.
        const wholes = new Map<Language, Buffer>();
        const changed = new Map<Language, Buffer>();
        const sends = [...this.clients].map((client) => () => {
          if (!this.clients.has(client)) return;
          const started = performance.now();
          const onlyChanges = changes !== undefined && client.seen[topic] === previous!.number;
          const messages = onlyChanges ? changed : wholes;
          let message = messages.get(client.language);
          if (message === undefined) {
            message = Buffer.from(onlyChanges ? this.changes(topic, view, changes, client.language) : this.whole(topic, view, client.language));
            messages.set(client.language, message);
          }
          client.res.write(message);
          client.seen[topic] = round.number;
          bytes += message.length;
          cost += performance.now() - started;
        });
        this.sendInTurns(sends, () => finished(cost + (view.madeInMs ?? 0), bytes));
      },
      () => finished(0, 0), // the journal is gone (the hub is stopping): the reconnect catches up
    );
  }

  /**
   * One client per turn of the event loop: a press that arrives meanwhile
   * waits for one write, not for the whole round (fifty dashboards held the
   * loop ~3 ms a send; docs/benchmarks-findings.md §13).
   */
  private sendInTurns(sends: (() => void)[], done: () => void): void {
    const next = () => {
      const send = sends.shift();
      if (!send) return done();
      send();
      setImmediate(next);
    };
    next();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.keepAlive);
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private end(client: LiveClient): void {
    this.clients.delete(client);
    client.res.end();
  }

  /** The hub's time, and how often to expect a ping. */
  private ping(): string {
    return `event: ping\ndata: ${JSON.stringify({ now: Date.now(), everyMs: this.keepAliveMs })}\n\n`;
  }

  /** The whole view: its fields with its whole list. */
  private whole(topic: LiveTopic, view: LiveView, language: Language): string {
    const head = view.head(language);
    const json = view.list ? `${head.slice(0, -1)},"${view.list.field}":[${view.list.items.map((item) => item.json).join(',')}]}` : head;
    return `event: ${topic}\ndata: ${json}\n\n`;
  }

  /** What changed since the previous round: the view's fields, the items that changed and the keys of those gone. */
  private changes(topic: LiveTopic, view: LiveView, changes: { changed: string[]; gone: number[] }, language: Language): string {
    const json = `${view.head(language).slice(0, -1)},"${view.list!.field}":[${changes.changed.join(',')}],"gone":${JSON.stringify(changes.gone)}}`;
    return `event: ${topic}-changes\ndata: ${json}\n\n`;
  }
}

/**
 * The items of `now` that are new or differ from `before` (whole, or only
 * their pulse when the rest is as before), and the keys of `before` that `now` lacks.
 */
function changesBetween(before: Map<number, LiveItem>, now: Map<number, LiveItem>): { changed: string[]; gone: number[] } {
  const changed: string[] = [];
  for (const [id, item] of now) {
    const was = before.get(id);
    if (was?.json === item.json) continue;
    const onlyPulse = was !== undefined && item.pulse !== undefined && item.steady !== undefined && was.steady === item.steady;
    changed.push(onlyPulse ? item.pulse! : item.json);
  }
  const gone: number[] = [];
  for (const id of before.keys()) if (!now.has(id)) gone.push(id);
  return { changed, gone };
}
