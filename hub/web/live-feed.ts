// Server-sent events for the dashboard: a view is sent when a client
// connects and again after each change, coalesced to one send per
// LIVE_COALESCE_MS per view, with a keep-alive comment in between.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type LiveTopic = 'today' | 'shop';

const LIVE_COALESCE_MS = 100;
const KEEP_ALIVE_MS = 15_000;

export class LiveFeed {
  private readonly clients = new Set<ServerResponse<IncomingMessage>>();
  private readonly pending = new Map<LiveTopic, NodeJS.Timeout>();
  private readonly keepAlive: NodeJS.Timeout;

  /** `snapshot(topic)` is the view's current JSON; `active(topic)` whether it is sent at connect. */
  constructor(
    private readonly snapshot: (topic: LiveTopic) => unknown,
    private readonly active: (topic: LiveTopic) => boolean,
  ) {
    this.keepAlive = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
  }

  /** Takes over a response: the stream starts with every active view. */
  attach(request: IncomingMessage, res: ServerResponse<IncomingMessage>): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    for (const topic of ['today', 'shop'] as const) if (this.active(topic)) res.write(this.message(topic));
    this.clients.add(res);
    request.on('close', () => this.clients.delete(res));
  }

  /** Something changed: the view goes to every client shortly (coalesced). */
  changed(topic: LiveTopic): void {
    if (this.pending.has(topic) || this.clients.size === 0) return;
    this.pending.set(
      topic,
      setTimeout(() => {
        this.pending.delete(topic);
        const message = this.message(topic);
        for (const res of this.clients) res.write(message);
      }, LIVE_COALESCE_MS),
    );
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private message(topic: LiveTopic): string {
    return `event: ${topic}\ndata: ${JSON.stringify(this.snapshot(topic))}\n\n`;
  }
}
