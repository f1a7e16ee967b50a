// What a system's processes cost, read from /proc (Linux): CPU time (user +
// system, all threads) and resident memory. A system is all of its processes:
// mosquitto and its forwarder for the DIY peers, the hub's one process.
import { readFileSync } from 'node:fs';

export interface CostSample {
  cpuMs: number;
  rssBytes: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function one(pid: number): CostSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
}

/** The processes' CPU so far and their resident memory now, summed. */
export function sampleCost(pids: number[]): CostSample {
  return pids.map(one).reduce((sum, s) => ({ cpuMs: sum.cpuMs + s.cpuMs, rssBytes: sum.rssBytes + s.rssBytes }), { cpuMs: 0, rssBytes: 0 });
}

/** CPU per press over a phase (µs), and the memory at its end. */
export function costOver(before: CostSample, after: CostSample, presses: number, seconds: number): { cpuUsPerPress: number; cpuShare: number; rssBytes: number } {
  const cpuMs = after.cpuMs - before.cpuMs;
  return { cpuUsPerPress: presses > 0 ? (cpuMs * 1000) / presses : 0, cpuShare: cpuMs / 1000 / seconds, rssBytes: after.rssBytes };
}
