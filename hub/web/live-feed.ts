// Server-sent events for the dashboard: a view is sent when a client
// connects and again after each change, coalesced to one send per
// LIVE_COALESCE_MS per view, with a keep-alive comment in between.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type LiveTopic = 'today' | 'shop';

const LIVE_COALESCE_MS = 100;
const KEEP_ALIVE_MS = 15_000;

interface LiveClient {
  res: ServerResponse<IncomingMessage>;
  /** The session the stream belongs to, and whether it is still valid. */
  session: string;
  valid(): boolean;
}

export class LiveFeed {
  private readonly clients = new Set<LiveClient>();
  private readonly pending = new Map<LiveTopic, NodeJS.Timeout>();
  private readonly keepAlive: NodeJS.Timeout;

  /** `snapshot(topic)` is the view's current JSON; `active(topic)` whether it is sent at connect. */
  constructor(
    private readonly snapshot: (topic: LiveTopic) => unknown,
    private readonly active: (topic: LiveTopic) => boolean,
  ) {
    // The session is checked again at every keep-alive: a stream ends when its session expires (and at logout, see endSession).
    this.keepAlive = setInterval(() => {
      for (const client of this.clients) {
        if (client.valid()) client.res.write(': keep-alive\n\n');
        else this.end(client);
      }
    }, KEEP_ALIVE_MS);
  }

  /** Takes over a response for a session: the stream starts with every active view. */
  attach(request: IncomingMessage, res: ServerResponse<IncomingMessage>, session: string, valid: () => boolean): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    for (const topic of ['today', 'shop'] as const) if (this.active(topic)) res.write(this.message(topic));
    const client = { res, session, valid };
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
        const message = this.message(topic);
        for (const client of this.clients) client.res.write(message);
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

  private message(topic: LiveTopic): string {
    return `event: ${topic}\ndata: ${JSON.stringify(this.snapshot(topic))}\n\n`;
  }
}
