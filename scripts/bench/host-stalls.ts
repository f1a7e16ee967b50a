// How long the machine itself takes the CPU away, with nothing else running.
// One thread per core (at the generator's priority, nice 10) spins on the
// clock; any gap between two readings is time the thread did not run (an
// interrupt, a kernel thread, or, on a virtual machine, the host running
// something else on that core). A press that arrives during such a gap
// waits it out whatever the hub does, so the bench reports these gaps next
// to the latency maxima they bound.
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface HostStalls {
  seconds: number;
  threads: number;
  /** Gaps over 1 ms per second, per thread. */
  over1msPerSecond: number;
  /** The share of the spinning threads' time lost to gaps over 0.1 ms. */
  lostShare: number;
  /** The longest gaps seen, longest first (ms). */
  longestMs: number[];
}

const GAP_MS = 0.1;

// Plain JavaScript run as each thread's body: it must not wait on anything but the clock. (Reading the
// clock allocates, but the scavenges of so small a heap stay under 0.1 ms: with a 256 MB young generation,
// i.e. almost none, the figures were the same.)
const SPINNER = `
const { parentPort, workerData } = require('node:worker_threads');
const gaps = [];
const end = performance.now() + workerData.ms;
let last = performance.now();
for (;;) {
  const now = performance.now();
  if (now - last > ${GAP_MS}) gaps.push(now - last);
  last = now;
  if (now > end) break;
}
parentPort.postMessage(gaps);
`;

export async function measureHostStalls(seconds: number): Promise<HostStalls> {
  const threads = cpus().length;
  const perThread = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number[]>((resolve, reject) => {
          const worker = new Worker(SPINNER, { eval: true, workerData: { ms: seconds * 1000 } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const gaps = perThread.flat().sort((a, b) => b - a);
  return {
    seconds,
    threads,
    over1msPerSecond: gaps.filter((gap) => gap > 1).length / threads / seconds,
    lostShare: gaps.reduce((sum, gap) => sum + gap, 0) / (threads * seconds * 1000),
    longestMs: gaps.slice(0, 3),
  };
}

export function describeHostStalls(s: HostStalls): string {
  const longest = s.longestMs.map((gap) => gap.toFixed(1)).join(', ') || 'none';
  return `${s.threads} threads spinning for ${s.seconds} s lost ${(s.lostShare * 100).toFixed(2)} % of their time; ${s.over1msPerSecond.toFixed(1)} gaps over 1 ms per second per thread; longest ${longest} ms`;
}
