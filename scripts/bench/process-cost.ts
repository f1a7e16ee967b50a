// What a system's processes cost, read from /proc (Linux): CPU time (user +
// system, all threads) and resident memory. A system is all of its processes:
// mosquitto and its forwarder for the DIY peers, the hub's one process.
import { readFileSync } from 'node:fs';

export interface CostSample {
  cpuMs: number;
  rssBytes: number;
  /** Of rssBytes, the part not backed by a file (heaps, stacks): what the process itself holds, not shared with other processes. */
  rssAnonBytes: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function one(pid: number): CostSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: kb('VmRSS'), rssAnonBytes: kb('RssAnon') };
}

/** The processes' CPU so far and their resident memory now, summed. */
export function sampleCost(pids: number[]): CostSample {
  return pids.map(one).reduce((sum, s) => ({ cpuMs: sum.cpuMs + s.cpuMs, rssBytes: sum.rssBytes + s.rssBytes, rssAnonBytes: sum.rssAnonBytes + s.rssAnonBytes }), { cpuMs: 0, rssBytes: 0, rssAnonBytes: 0 });
}

export interface PhaseCost {
  cpuUsPerPress: number;
  cpuShare: number;
  /** At the phase's end. */
  rssBytes: number;
  rssAnonBytes: number;
  /** The highest RSS seen while the phase ran (sampled every second). */
  peakRssBytes: number;
}

/** Samples the processes' memory every second while a phase runs; `stop` gives its cost. */
export function watchCost(pids: number[]): { stop: (presses: number) => PhaseCost } {
  const before = sampleCost(pids);
  const started = performance.now();
  let peak = before.rssBytes;
  const timer = setInterval(() => (peak = Math.max(peak, sampleCost(pids).rssBytes)), 1000);
  return {
    stop: (presses) => {
      clearInterval(timer);
      const after = sampleCost(pids);
      const cpuMs = after.cpuMs - before.cpuMs;
      const seconds = (performance.now() - started) / 1000;
      return { cpuUsPerPress: presses > 0 ? (cpuMs * 1000) / presses : 0, cpuShare: cpuMs / 1000 / seconds, rssBytes: after.rssBytes, rssAnonBytes: after.rssAnonBytes, peakRssBytes: Math.max(peak, after.rssBytes) };
    },
  };
}
