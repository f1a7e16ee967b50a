// Owners watching (#20): dashboards holding the live stream open
// (/api/live, server-sent events) while presses flow. One stream reads the
// "today" view and its changes and measures how long after a press was made
// the page's count includes it (the hub coalesces a view to one send per
// 100 ms or more); the others only take their bytes, as a browser would, in a
// process of their own (live-streams.ts): a browser's work is not done in the
// generator's event loop, which times the pagers.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../../hub/metrics.js';

export class LiveWatchers {
  private readonly requests: ClientRequest[] = [];
  private others: ChildProcess | undefined;
  private readonly sentAt: number[] = [];
  private base: number | null = null;
  private latestRed = 0;
  private covered = 0;
  private readonly delays = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  events = 0;
  /** Bytes of the "today" views (whole or changes) the measuring stream received since track(). */
  viewBytes = 0;
  viewsTracked = 0;

  private constructor(readonly streams: number) {}

  static async open(port: number, cookie: string, streams: number): Promise<LiveWatchers> {
    const watchers = new LiveWatchers(streams);
    try {
      await Promise.all([watchers.openMeasuring(port, cookie), watchers.openOthers(port, cookie, streams - 1)]);
    } catch (error) {
      watchers.close();
      throw error;
    }
    return watchers;
  }

  private openOthers(port: number, cookie: string, count: number): Promise<void> {
    if (count <= 0) return Promise.resolve();
    const child = spawn(process.execPath, [join(import.meta.dirname, 'live-streams.js'), String(port), String(count)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LIVE_COOKIE: cookie } });
    this.others = child;
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        if (out.includes(`open ${count}\n`)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the dashboards' process ended (exit ${code}) before its ${count} streams were open`)));
    });
  }

  private openMeasuring(port: number, cookie: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/live', headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`/api/live: ${res.statusCode}`));
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!message.startsWith('event: today\n') && !message.startsWith('event: today-changes\n')) continue;
            if (this.base !== null) [this.viewBytes, this.viewsTracked] = [this.viewBytes + Buffer.byteLength(message) + 2, this.viewsTracked + 1];
            this.today((JSON.parse(message.slice(message.indexOf('data: ') + 6)) as { red: number }).red);
          }
        });
        resolve();
      });
      req.on('error', () => undefined);
      req.end();
      this.requests.push(req);
    });
  }

  /** From now on, presses sent are timed until the page shows them. */
  track(): void {
    this.base = this.latestRed;
    this.sentAt.length = 0;
    this.covered = 0;
    this.delays.reset();
    [this.viewBytes, this.viewsTracked] = [0, 0];
  }

  pressSent(at: number): void {
    if (this.base !== null) this.sentAt.push(at);
  }

  private today(red: number): void {
    this.events++;
    this.latestRed = red;
    if (this.base === null) return;
    const now = performance.now();
    for (; this.covered < red - this.base && this.covered < this.sentAt.length; this.covered++) {
      this.delays.recordValue(Math.max(1, Math.round((now - this.sentAt[this.covered]) * 1000)));
    }
  }

  summary(): LatencySummary {
    return { count: this.delays.totalCount, p50: this.delays.getValueAtPercentile(50), p99: this.delays.getValueAtPercentile(99), p999: this.delays.getValueAtPercentile(99.9), max: this.delays.maxValue };
  }

  close(): void {
    for (const req of this.requests) req.destroy();
    this.others?.kill('SIGTERM');
  }
}
