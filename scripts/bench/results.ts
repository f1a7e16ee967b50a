// What a bench run measures and records: shared by the runner (bench.ts) and the report (report.ts).
import type { LatencySummary, MetricsSnapshot } from '../../hub/metrics.js';
import type { HostStalls } from './host-stalls.js';
import type { PhaseCost } from './process-cost.js';

export interface Settings {
  devices: number;
  rate: number;
  durationS: number;
  warmupS: number;
  stepRates: number[];
  stepS: number;
  burst: number;
  /** Seconds of the machine's own stalls measured before and after the systems run. */
  hostStallS: number;
  /** Minutes of the soak (#20). */
  soakMinutes: number;
}

/** The hub's memory at one moment of the soak: RSS and its anonymous part from /proc, the main isolate's heap and the memory outside it that JavaScript holds (Buffers) from the hub itself. */
export interface SoakSample {
  s: number;
  rssMiB: number;
  anonMiB?: number;
  heapTotalMiB?: number;
  heapUsedMiB?: number;
  externalMiB?: number;
  /** Of the anonymous part: glibc's main arena (the main thread's malloc), its thread arenas (the journal's worker, libuv's pool), the rest (V8's pages, stacks, large blocks); memory-map.ts. */
  mainArenaMiB?: number;
  threadArenasMiB?: number;
  otherAnonMiB?: number;
}

export interface PhaseResult {
  target: string;
  phase: string;
  rate: number;
  durationS: number;
  sent: number;
  acked: number;
  delivered: number;
  lost: number;
  pressToPagerUs: LatencySummary;
  pressToPubackUs: LatencySummary;
  /** Median press→PUBACK of the phase's last fifth of presses minus that of its first fifth: how much the queue grew. */
  backlogGrowthUs?: number;
  /** The load generator's own CPU over the phase, as a share of one core: it shares the machine with the system under test. */
  generatorCpu?: number;
  hub?: MetricsSnapshot;
  /** Dashboards watching: how many live streams were open, and how long until the page's count showed a press. */
  live?: { streams: number; updateDelayUs: LatencySummary; views?: number; bytesPerView?: number };
  /** What the system's processes spent over the phase (from /proc): CPU per press, CPU as a share of one core, memory at the end. */
  cost?: { processes: string } & PhaseCost;
}

export interface BenchResult {
  date: string;
  machine: string;
  settings: Settings;
  quick: boolean;
  phases: PhaseResult[];
  maxSustainedRate: number | null;
  burst: { presses: number; acked: number; seconds: number; hubAlive: boolean } | null;
  /** The hub's memory over a long run at the main rate. */
  soak?: { minutes: number; presses: number; lost: number; samples: SoakSample[]; slopeMiBPerMin: number; secondHalfSlopeMiBPerMin?: number; pressToPagerUs: LatencySummary };
  /** Start-up with a year of data, and the owner's heaviest views of it. */
  startup?: { days: number; presses: number; incidents: number; events: number; dbBytes: number; readyMs: number[]; answers: { view: string; path: string; requests: number; p50Ms: number; p99Ms: number; maxMs: number }[] };
  /** The machine's own stalls with nothing else running, before and after the systems. */
  hostStalls: { before: HostStalls; after: HostStalls } | null;
}
