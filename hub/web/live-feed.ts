// Server-sent events for the dashboard: a view is sent when a client
// connects and again after each change, coalesced to one send per
// LIVE_COALESCE_MS per view, with a "ping" event in between. The ping is an
// event, not a comment, so the page sees it: a page that hears nothing for a
// few pings says its data is getting old (the hub is gone, the Wi-Fi is).
// EventSource reconnects by itself, and the first message on a new stream is
// the current view: the page catches up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../i18n/languages.js';

export type LiveTopic = 'today' | 'shop';

const LIVE_COALESCE_MS = 100;
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

  /** `snapshot(topic, language)` is the view's current JSON; `active(topic)` whether it is sent at connect. */
  constructor(
    private readonly snapshot: (topic: LiveTopic, language: Language) => unknown,
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
    for (const topic of ['today', 'shop'] as const) if (this.active(topic)) res.write(this.message(topic, language));
    const client = { res, session, language, valid };
    this.clients.add(client);
    request.on('close', () => this.clients.delete(client));
  }

  /** The session ended (logout): its streams end now. */
  endSession(session: string): void {
    for (const client of this.clients) if (client.session === session) this.end(client);
  }

  /** Something changed: the view goes to every client shortly (coalesced). */
  changed(topic: LiveTopic): void {
    if (this.pending.has(topic) || this.clients.size === 0) return;
    this.pending.set(
      topic,
      setTimeout(() => {
        this.pending.delete(topic);
        // Made once per language spoken by someone watching, not once per client.
        const messages = new Map<Language, string>();
        for (const client of this.clients) {
          let message = messages.get(client.language);
          if (message === undefined) messages.set(client.language, (message = this.message(topic, client.language)));
          client.res.write(message);
        }
      }, LIVE_COALESCE_MS),
    );
  }

  close(): void {
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

  private message(topic: LiveTopic, language: Language): string {
    return `event: ${topic}\ndata: ${JSON.stringify(this.snapshot(topic, language))}\n\n`;
  }
}
