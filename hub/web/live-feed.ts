// Server-sent events for the dashboard: a view is sent when a client
// connects and again after each change, coalesced to one send per
// LIVE_COALESCE_MS per view (longer when a send costs more than 1 % of the
// event loop at that pace, or its bytes to every dashboard more than the
// feed's share of the shop's Wi-Fi), with a "ping" event in between. The ping is an
// event, not a comment, so the page sees it: a page that hears nothing for a
// few pings says its data is getting old (the hub is gone, the Wi-Fi is).
// EventSource reconnects by itself, and the first message on a new stream is
// the current view: the page catches up. A view's facts are fetched once per
// send (off the event loop, see store/read-ops.ts) and rendered once per
// language spoken by someone watching.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../i18n/languages.js';

export type LiveTopic = 'today' | 'shop';

/** A view's facts as of now, ready to be rendered in a reader's language as JSON text. */
export type LiveView = (language: Language) => string;

const LIVE_COALESCE_MS = 100;
/** The feed's share of the event loop, at most: a view that takes longer to make and send is sent less often. */
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
}

export class LiveFeed {
  private readonly clients = new Set<LiveClient>();
  private readonly pending = new Map<LiveTopic, NodeJS.Timeout>();
  private readonly keepAlive: NodeJS.Timeout;
  /** What the last send of each view cost: the event loop's time (making it and writing it), in ms, and the bytes written to all clients. */
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

  /** Takes over a response for a session: the stream starts with every active view. */
  attach(request: IncomingMessage, res: ServerResponse<IncomingMessage>, session: string, language: Language, valid: () => boolean): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(this.ping());
    const client = { res, session, language, valid };
    this.clients.add(client);
    request.on('close', () => this.clients.delete(client));
    for (const topic of ['today', 'shop'] as const) {
      if (!this.active(topic)) continue;
      this.snapshot(topic).then(
        (view) => {
          if (this.clients.has(client)) res.write(this.message(topic, view(language)));
        },
        () => undefined, // the journal is gone (the hub is stopping): the next send or the reconnect catches up
      );
    }
  }

  /** The session ended (logout): its streams end now. */
  endSession(session: string): void {
    for (const client of this.clients) if (client.session === session) this.end(client);
  }

  /** Something changed: the view goes to every client shortly (coalesced). */
  changed(topic: LiveTopic): void {
    if (this.clients.size === 0) return;
    this.dirty.add(topic);
    if (!this.pending.has(topic)) this.schedule(topic);
  }

  /** The next send of `topic`; it stays pending until every client is written, then the next is scheduled if anything changed meanwhile. */
  private schedule(topic: LiveTopic): void {
    // Every 100 ms, or less often when a send is expensive (many open incidents, many dashboards): presses come first.
    const cost = this.costs.get(topic) ?? { ms: 0, bytes: 0 };
    const waitMs = Math.min(LIVE_COALESCE_MAX_MS, Math.max(LIVE_COALESCE_MS, cost.ms / LIVE_SHARE, (cost.bytes / LIVE_BYTES_PER_S) * 1000));
    this.pending.set(
      topic,
      setTimeout(() => {
        this.dirty.delete(topic);
        const finished = (ms: number, bytes: number) => {
          this.costs.set(topic, { ms, bytes });
          this.pending.delete(topic);
          if (this.dirty.has(topic) && !this.closed) this.schedule(topic);
        };
        this.snapshot(topic).then(
          (view) => {
            let [cost, bytes] = [0, 0];
            // Rendered once per language spoken by someone watching, not once per client, and encoded once.
            const messages = new Map<Language, Buffer>();
            const sends = [...this.clients].map((client) => () => {
              const started = performance.now();
              let message = messages.get(client.language);
              if (message === undefined) messages.set(client.language, (message = Buffer.from(this.message(topic, view(client.language)))));
              if (this.clients.has(client)) {
                client.res.write(message);
                bytes += message.length;
              }
              cost += performance.now() - started;
            });
            this.sendInTurns(sends, () => finished(cost, bytes));
          },
          () => finished(0, 0),
        );
      }, waitMs),
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
    for (const timer of this.pending.values()) clearTimeout(timer);
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

  private message(topic: LiveTopic, json: string): string {
    return `event: ${topic}\ndata: ${json}\n\n`;
  }
}
