// Latency metrics the hub records about itself, for `npm run bench`. Off
// unless LOYALTY_HUB_METRICS names a file: then SIGUSR2 writes a snapshot
// there and starts the histograms afresh. Times are monotonic, in µs.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';

const LOOP_PROBE_MS = 10;

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export interface MetricsSnapshot {
  /** Press packet in (authorizePublish) → alert written to the pager's socket. */
  hubAddedUs: LatencySummary;
  /** Press packet in → committed to disk (when the PUBACK may go). */
  durableUs: LatencySummary;
  /** Writes per commit of the journal (group commit): how many presses and their incidents one fsync carried. */
  commitOps: LatencySummary;
  eventLoopDelayUs: LatencySummary;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  /** Where the main thread's memory is (the journal worker's isolate is in RSS only). */
  memory?: { heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; arrayBuffersBytes: number };
  elapsedMs: number;
  /** Refusals since the hub started, by kind. */
  refusals: Record<string, number>;
}

function summary(h: hdr.Histogram): LatencySummary {
  return { count: h.totalCount, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), p999: h.getValueAtPercentile(99.9), max: h.maxValue };
}

export class HubMetrics {
  private hubAdded = HubMetrics.histogram();
  private durable = HubMetrics.histogram();
  private commits = HubMetrics.histogram();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_PROBE_MS });
  private cpu = process.cpuUsage();
  private since = performance.now();

  constructor(private readonly refusals: () => Record<string, number> = () => ({})) {
    this.loop.enable();
  }

  private static histogram(): hdr.Histogram {
    return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  }

  /** `startedAt` from performance.now() when the press came in. */
  alertWritten(startedAt: number): void {
    this.hubAdded.recordValue(Math.max(1, Math.round((performance.now() - startedAt) * 1000)));
  }

  pressDurable(startedAt: number): void {
    this.durable.recordValue(Math.max(1, Math.round((performance.now() - startedAt) * 1000)));
  }

  committed(ops: number): void {
    this.commits.recordValue(Math.max(1, ops));
  }

  snapshot(): MetricsSnapshot {
    const cpu = process.cpuUsage(this.cpu);
    const ns = (v: number) => Math.round(v / 1000);
    return {
      hubAddedUs: summary(this.hubAdded),
      durableUs: summary(this.durable),
      commitOps: summary(this.commits),
      // The histogram holds whole probe intervals; the delay is what exceeds the probe's period.
      eventLoopDelayUs: {
        count: this.loop.count,
        p50: Math.max(0, ns(this.loop.percentile(50)) - LOOP_PROBE_MS * 1000),
        p99: Math.max(0, ns(this.loop.percentile(99)) - LOOP_PROBE_MS * 1000),
        p999: Math.max(0, ns(this.loop.percentile(99.9)) - LOOP_PROBE_MS * 1000),
        max: Math.max(0, ns(this.loop.max) - LOOP_PROBE_MS * 1000),
      },
      cpuUserMs: Math.round(cpu.user / 1000),
      cpuSystemMs: Math.round(cpu.system / 1000),
      rssBytes: process.memoryUsage().rss,
      memory: (({ heapUsed, heapTotal, external, arrayBuffers }) => ({ heapUsedBytes: heapUsed, heapTotalBytes: heapTotal, externalBytes: external, arrayBuffersBytes: arrayBuffers }))(process.memoryUsage()),
      elapsedMs: Math.round(performance.now() - this.since),
      refusals: this.refusals(),
    };
  }

  reset(): void {
    this.hubAdded.reset();
    this.durable.reset();
    this.commits.reset();
    this.loop.reset();
    this.cpu = process.cpuUsage();
    this.since = performance.now();
  }

  /** Writes a snapshot to `file` and resets on every SIGUSR2. */
  serveOnSignal(file: string): () => void {
    const handler = () => {
      writeFileSync(file, JSON.stringify(this.snapshot()));
      this.reset();
    };
    process.on('SIGUSR2', handler);
    return () => process.off('SIGUSR2', handler);
  }
}
