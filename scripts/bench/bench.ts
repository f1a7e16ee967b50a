// npm run bench [-- --quick] [--json FILE]
//
// Starts the hub as its own process (real SQLite file, durable acknowledgement
// on), connects buttons and pagers over real MQTT, drives presses at a fixed
// rate (open loop: latency is measured from when each press was SCHEDULED, so
// a stall is not hidden by the generator waiting — coordinated omission), then
// at rising rates to find the highest rate sustained with zero loss, then a
// burst. The same load runs against three baselines in the same run: a raw TCP
// echo between processes (the floor), mosquitto plus a minimal mqtt.js
// forwarder (what a DIY user builds), and this hub without durability.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { cpus, setPriority, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Command } from 'commander';
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../../hub/metrics.js';
import { repoRoot } from '../../hub/paths.js';
import { encodePress } from '../../shared/payloads.js';
import { deviceTopic } from '../../shared/topics.js';
import { positive, positiveList } from '../lib/cli-numbers.js';
import { HubProcess, provision, sleep, stopChild, until } from '../lib/hub-process.js';
import { describeHostStalls, measureHostStalls } from './host-stalls.js';
import { startMosquitto } from './mosquitto.js';
import { sampleCost, watchCost } from './process-cost.js';
import { writeYear } from './year-database.js';
import { LiveWatchers } from './live-watchers.js';
import { anonymousMemory } from './memory-map.js';
import { Accounts } from '../../hub/web/accounts.js';
import { withStorage } from '../../hub/store/storage.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { RawMqttClient } from './raw-mqtt.js';
import { hubCpuShare, isSustained, ms, percent, writeReport } from './report.js';
import type { BenchResult, PhaseResult, Settings, SoakSample } from './results.js';

export type { BenchResult, PhaseResult, Settings };

const SITE = 'bench';
const ROOT = repoRoot();

const FULL: Settings = { devices: 500, rate: 200, durationS: 30, warmupS: 5, stepRates: [1000, 2000, 5000, 10000, 15000, 20000, 25000, 30000, 40000], stepS: 5, burst: 20000, hostStallS: 10, soakMinutes: 10 };
const QUICK: Settings = { devices: 100, rate: 200, durationS: 3, warmupS: 1, stepRates: [1000, 2000], stepS: 2, burst: 2000, hostStallS: 1, soakMinutes: 0.5 };

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const summary = (h: hdr.Histogram): LatencySummary => ({
  count: h.totalCount,
  p50: h.getValueAtPercentile(50),
  p99: h.getValueAtPercentile(99),
  p999: h.getValueAtPercentile(99.9),
  max: h.maxValue,
});
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Calls `send` at `rate` per second for `seconds`, each with its scheduled
 * time. Between presses it sleeps on a timer and covers the last
 * millisecond (timers are millisecond-grained) by yielding with
 * setImmediate, so replies keep being read while it waits. That spin
 * allocates an Immediate per turn (the generator's own scavenges), but
 * sleeping instead left the cores idle and made the hub slower on this VM
 * (docs/benchmarks-findings.md §11).
 */
function openLoop(rate: number, seconds: number, send: (index: number, scheduled: number) => void): Promise<number> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now() + 5;
  let index = 0;
  return new Promise((resolve) => {
    const turn = () => {
      const now = performance.now();
      while (index < total && start + index * interval <= now) {
        send(index, start + index * interval);
        index++;
      }
      if (index >= total) return resolve(total);
      const wait = start + index * interval - performance.now();
      if (wait > 2) setTimeout(turn, wait - 1.5);
      else setImmediate(turn);
    };
    turn();
  });
}

// ---- the system under test ----------------------------------------------------------

interface Fleet {
  buttons: string[];
  pagers: string[];
  pagerOf: (button: string) => string;
}

function fleet(devices: number): Fleet {
  const pagerCount = Math.max(1, Math.round(devices / 5));
  const buttons = Array.from({ length: devices - pagerCount }, (_, i) => `btn-${i + 1}`);
  const pagers = Array.from({ length: pagerCount }, (_, i) => `pgr-${i + 1}`);
  return { buttons, pagers, pagerOf: (button) => pagers[(Number(button.slice(4)) - 1) % pagers.length] };
}

interface BenchHub {
  process: HubProcess;
  secrets: Map<string, string>;
  dir: string;
}

/** The hub as a small board would run it: on one core, or on a disk whose every commit takes 20 ms more. */
interface Variant {
  label: string;
  cpus?: string;
  env?: Record<string, string>;
  /** Dashboards holding the live stream open during the phases. */
  watchers?: number;
}

const OWNER = { username: 'bench', password: 'bench-owner-password' };

export const SLOW_DISK_MS = 20;
const VARIANTS = {
  'hub-one-core': { label: 'one core (taskset -c 0)', cpus: '0' },
  'hub-slow-disk': { label: `slow disk (+${SLOW_DISK_MS} ms a commit)`, env: { LOYALTY_HUB_COMMIT_DELAY_MS: String(SLOW_DISK_MS) } },
  'hub-watched': { label: 'watched by 50 live dashboards', watchers: 50 },
} satisfies Record<string, Variant>;

function benchConfig(f: Fleet, durability: 'fsync' | 'none'): object {
  return {
    site: SITE,
    dataDir: 'data',
    logLevel: 'warn',
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0 },
    openingHours: {}, // closed: no "device missing" pages while the bench's devices send no heartbeats
    timings: { rebuzzS: 3600, escalateS: 3600, retriggerS: 3600 },
    // Every bench press is red: each of the 400 buttons would raise a mood alert within its first four presses.
    moodAlert: { enabled: false },
    // The per-device limiter is a safety valve; the bench measures the hub's own capacity.
    pressRate: { perSecond: 1_000_000, burst: 1_000_000 },
    durability,
    devices: [...f.buttons.map((id) => ({ id, kind: 'button', label: id })), ...f.pagers.map((id) => ({ id, kind: 'pager', label: id }))],
    routes: Object.fromEntries(f.buttons.map((b) => [b, [[f.pagerOf(b)]]])),
  };
}

async function startHub(f: Fleet, durability: 'fsync' | 'none', variant?: Variant): Promise<BenchHub> {
  const dir = mkdtempSync(join(tmpdir(), `lb-bench-${durability}-`));
  const config = benchConfig(f, durability);
  const secrets = await provision(join(dir, 'data'), [...f.buttons, ...f.pagers]);
  if (variant?.watchers) await withStorage(join(dir, 'data'), (storage) => new Accounts(storage.accounts).add(OWNER.username, 'owner', OWNER.password, Date.now()));
  // LB_BENCH_HUB_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": Node flags for the hub process (profiling).
  const nodeArgs = (process.env.LB_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return { process: await HubProcess.start(dir, config, nodeArgs, { cpus: variant?.cpus, env: variant?.env }), secrets, dir };
}

// ---- MQTT load ------------------------------------------------------------------------------

/**
 * Buttons and pagers on an MQTT broker. `pressKey` tells, from a message a
 * pager received, which button's which press it is about.
 */
class MqttLoad {
  private readonly buttons = new Map<string, RawMqttClient>();
  /** Per button, the scheduled time of each press in order: the hub's alert count n is press n. */
  private readonly scheduled = new Map<string, number[]>();
  /** Per button, how many of its presses the pager has been told of. */
  private readonly deliveredUpTo = new Map<string, number>();
  private toPager = histogram();
  private toPuback = histogram();
  private acked = 0;
  private delivered = 0;

  constructor(
    private readonly f: Fleet,
    private readonly port: number,
    private readonly credentials: (id: string) => string,
    /** From a pager's message: [button, press number (1-based)], or null for a message that is no page. */
    private readonly pressOf: (payload: string) => [string, number] | null,
  ) {}

  async connect(): Promise<void> {
    for (const pager of this.f.pagers) {
      const client = await RawMqttClient.connect({ port: this.port, clientId: pager, password: this.credentials(pager) });
      client.onMessage = (_topic, payload) => this.paged(payload);
      await client.subscribe([deviceTopic(SITE, pager, 'alert')]);
    }
    for (const button of this.f.buttons) {
      this.buttons.set(button, await RawMqttClient.connect({ port: this.port, clientId: button, password: this.credentials(button) }));
      this.scheduled.set(button, []);
    }
  }

  /**
   * An alert with count n tells the pager of every press of that button up to
   * the n-th: the hub sends only the newest count while the pager has not
   * acknowledged the previous alert, so one alert can cover several presses.
   */
  private paged(payload: string): void {
    const press = this.pressOf(payload);
    if (!press) return;
    const [button, upTo] = press;
    const times = this.scheduled.get(button);
    if (!times) return;
    const now = performance.now();
    let next = this.deliveredUpTo.get(button) ?? 0;
    for (; next < upTo && next < times.length; next++) {
      this.delivered++;
      this.toPager.recordValue(Math.max(1, Math.round((now - times[next]) * 1000)));
    }
    this.deliveredUpTo.set(button, next);
  }

  /** Told of every press sent in a phase, with its scheduled time. */
  onSend: ((scheduled: number) => void) | undefined;

  async phase(target: string, name: string, rate: number, seconds: number, onPhaseStart?: () => Promise<void>): Promise<PhaseResult> {
    this.toPager = histogram();
    this.toPuback = histogram();
    this.acked = 0;
    this.delivered = 0;
    await onPhaseStart?.();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const lateness = histogram();
    const firstFifth = histogram();
    const lastFifth = histogram();
    const total = Math.round(rate * seconds);
    const buttons = this.f.buttons;
    const sent = await openLoop(rate, seconds, (index, scheduled) => {
      lateness.recordValue(Math.max(1, Math.round((performance.now() - scheduled) * 1000)));
      const button = buttons[index % buttons.length];
      const times = this.scheduled.get(button)!;
      times.push(scheduled);
      this.onSend?.(scheduled);
      const seq = times.length;
      this.buttons.get(button)!.publish(deviceTopic(SITE, button, 'press'), encodePress({ kind: 'red', seq, ageMs: 0 }), () => {
        this.acked++;
        const us = Math.max(1, Math.round((performance.now() - scheduled) * 1000));
        this.toPuback.recordValue(us);
        if (index < total / 5) firstFifth.recordValue(us);
        else if (index >= total - total / 5) lastFifth.recordValue(us);
      });
    });
    await until(() => this.acked >= sent && this.delivered >= sent, 10_000);
    const cpu = process.cpuUsage(cpuBefore);
    loop.disable();
    if (process.env.LB_BENCH_DEBUG) log(`generator: send lateness ${JSON.stringify(summary(lateness))} µs, event-loop delay max ${Math.round(loop.max / 1000)} µs`);
    return {
      generatorCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - startedAt),
      target,
      phase: name,
      rate,
      durationS: seconds,
      sent,
      acked: this.acked,
      delivered: this.delivered,
      lost: sent - Math.min(this.acked, this.delivered),
      pressToPagerUs: summary(this.toPager),
      pressToPubackUs: summary(this.toPuback),
      backlogGrowthUs: lastFifth.getValueAtPercentile(50) - firstFifth.getValueAtPercentile(50),
    };
  }

  /** One button sends `count` presses back to back, as fast as the socket takes them. */
  async burst(count: number): Promise<{ presses: number; acked: number; seconds: number }> {
    const button = this.f.buttons[0];
    const client = this.buttons.get(button)!;
    const times = this.scheduled.get(button)!;
    let acked = 0;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      times.push(performance.now());
      client.publish(deviceTopic(SITE, button, 'press'), encodePress({ kind: 'red', seq: times.length, ageMs: 0 }), () => acked++);
    }
    await until(() => acked >= count || client.closed, 60_000);
    return { presses: count, acked, seconds: (performance.now() - start) / 1000 };
  }

  close(): void {
    for (const client of this.buttons.values()) client.end();
  }
}

// ---- baseline 1: TCP echo ---------------------------------------------------------------------

async function echoBaseline(s: Settings, devices: number): Promise<PhaseResult> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'bench', 'echo-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  await until(() => /\d+\n/.test(out), 10_000);
  const port = Number(out.trim());
  const sockets: Socket[] = [];
  const rtt = histogram();
  const scheduled: number[] = [];
  let received = 0;
  for (let i = 0; i < devices; i++) {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString('latin1');
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const index = Number(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        received++;
        rtt.recordValue(Math.max(1, Math.round((performance.now() - scheduled[index]) * 1000)));
      }
    });
    await new Promise((r) => socket.once('connect', r));
    sockets.push(socket);
  }
  const cost = watchCost([child.pid!]);
  const sent = await openLoop(s.rate, s.durationS, (index, at) => {
    scheduled[index] = at;
    sockets[index % sockets.length].write(`${index}\n`);
  });
  await until(() => received >= sent, 10_000);
  const spent = { processes: 'node', ...cost.stop(sent) };
  for (const socket of sockets) socket.destroy();
  await stopChild(child);
  return { target: 'TCP echo (floor)', phase: 'main', rate: s.rate, durationS: s.durationS, sent, acked: received, delivered: received, lost: sent - received, pressToPagerUs: summary(rtt), pressToPubackUs: summary(rtt), cost: spent };
}

// ---- the run ----------------------------------------------------------------------------------

async function benchHub(s: Settings, durability: 'fsync' | 'none', result: BenchResult, variant?: Variant): Promise<void> {
  const f = fleet(s.devices);
  const target = variant ? `loyalty hub, ${variant.label}` : durability === 'fsync' ? 'loyalty hub' : 'loyalty hub, durability off';
  log(`${target}: starting the hub, ${f.buttons.length} buttons and ${f.pagers.length} pagers…`);
  const hub = await startHub(f, durability, variant);
  // The hub's alert: {"i":…,"k":"r","l":"btn-7","n":12,…}: button by label, press number by count.
  const load = new MqttLoad(f, hub.process.mqttPort, (id) => hub.secrets.get(id)!, (payload) => {
    const alert = JSON.parse(payload) as { l: string; n: number };
    return [alert.l, alert.n];
  });
  let watchers: LiveWatchers | undefined;
  try {
    await load.connect();
    if (variant?.watchers) {
      const login = await fetch(`http://127.0.0.1:${hub.process.httpPort}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OWNER) });
      watchers = await LiveWatchers.open(hub.process.httpPort, (login.headers.get('set-cookie') ?? '').split(';')[0], variant.watchers);
      load.onSend = (at) => watchers!.pressSent(at);
    }
    await load.phase(target, 'warm-up', s.rate, s.warmupS);
    const resetMetrics = async () => {
      if (watchers) {
        await sleep(300); // the warm-up's last count reaches the page
        watchers.track();
      }
      await hub.process.metrics();
    };
    const main = await withCost([hub.process.child.pid!], 'node', () => load.phase(target, 'main', s.rate, s.durationS, resetMetrics));
    if (watchers) {
      await sleep(300);
      const bytesPerView = watchers.viewsTracked > 0 ? Math.round(watchers.viewBytes / watchers.viewsTracked) : 0;
      main.live = { streams: watchers.streams, updateDelayUs: watchers.summary(), views: watchers.viewsTracked, bytesPerView };
      log(`${target}: the page's count showed a press after p50 ${ms(main.live.updateDelayUs.p50)} / p99 ${ms(main.live.updateDelayUs.p99)} / max ${ms(main.live.updateDelayUs.max)} ms (${main.live.updateDelayUs.count} presses); ${watchers.viewsTracked} views of ${Math.round(bytesPerView / 1024)} KiB to each dashboard`);
    }
    main.hub = await hub.process.metrics();
    result.phases.push(main);
    log(`${target}: ${describe(main)}`);
    if (durability === 'none' || variant) return;

    for (const rate of s.stepRates) {
      const step = await load.phase(target, `${rate}/s`, rate, s.stepS, resetMetrics);
      step.hub = await hub.process.metrics();
      result.phases.push(step);
      const sustained = isSustained(step);
      log(`${target} at ${rate}/s: ${describe(step)}${sustained ? '' : '  ← not sustained'}`);
      if (!sustained) break;
      result.maxSustainedRate = rate;
    }
    const burst = await load.burst(s.burst);
    const alive = hub.process.alive;
    result.burst = { ...burst, hubAlive: alive };
    log(`${target}: burst of ${burst.presses} presses from one client: ${burst.acked} acknowledged in ${burst.seconds.toFixed(1)} s, hub ${alive ? 'still up' : 'DOWN'}`);
  } finally {
    watchers?.close();
    load.close();
    await hub.process.stop();
    rmSync(hub.dir, { recursive: true, force: true });
  }
}

/** Runs `phase` and records what the system's processes spent on it: CPU per press, memory at its end and at its peak. */
async function withCost(pids: number[], processes: string, phase: () => Promise<PhaseResult>): Promise<PhaseResult> {
  const cost = watchCost(pids);
  const result = await phase();
  result.cost = { processes, ...cost.stop(result.sent) };
  return result;
}

async function diyBaseline(s: Settings, result: BenchResult, durable: boolean): Promise<void> {
  const f = fleet(s.devices);
  const target = durable ? 'mosquitto + durable forwarder (SQLite fsync)' : 'mosquitto + mqtt.js forwarder';
  log(`${target}: starting…`);
  const mosquitto = await startMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-diy-'));
  const routes = f.buttons.map((b) => `${b}=${f.pagerOf(b)}`).join(',');
  const forwarder = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'bench', 'diy-forwarder.js'), String(mosquitto.port), SITE, routes, ...(durable ? [join(dir, 'presses.db')] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  forwarder.stdout!.on('data', (c) => (out += c));
  const load = new MqttLoad(f, mosquitto.port, () => '', (payload) => {
    const forwarded = JSON.parse(payload) as { b: string; q: number };
    return [forwarded.b, forwarded.q];
  });
  try {
    await until(() => out.includes('ready'), 10_000);
    await load.connect();
    await load.phase(target, 'warm-up', s.rate, s.warmupS);
    const main = await withCost([mosquitto.pid, forwarder.pid!], 'mosquitto + node', () => load.phase(target, 'main', s.rate, s.durationS));
    result.phases.push(main);
    log(`${target}: ${describe(main)}`);
  } finally {
    load.close();
    await stopChild(forwarder);
    await mosquitto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The soak (#20): the main load for `minutes`, the hub's resident memory
 * read from /proc every 10 s; the slope of a least-squares line through
 * the samples says whether it grows.
 */
async function soakBench(s: Settings, result: BenchResult, minutes: number): Promise<void> {
  const f = fleet(s.devices);
  const target = `loyalty hub, ${minutes} min soak`;
  log(`${target}: starting the hub, ${f.buttons.length} buttons and ${f.pagers.length} pagers…`);
  const hub = await startHub(f, 'fsync');
  const load = new MqttLoad(f, hub.process.mqttPort, (id) => hub.secrets.get(id)!, (payload) => {
    const alert = JSON.parse(payload) as { l: string; n: number };
    return [alert.l, alert.n];
  });
  const samples: SoakSample[] = [];
  try {
    await load.connect();
    await load.phase(target, 'warm-up', s.rate, s.warmupS);
    const started = performance.now();
    const pid = hub.process.child.pid!;
    const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    // Where a growth is: the heap, Buffers (external), or native memory: malloc's arenas, main thread apart from the others (memory-map.ts).
    const sample = async () => {
      const s = Math.round((performance.now() - started) / 1000);
      const cost = sampleCost([pid]);
      const memory = (await hub.process.metrics()).memory;
      const anonymous = anonymousMemory(pid);
      samples.push({
        s,
        rssMiB: mib(cost.rssBytes),
        anonMiB: mib(cost.rssAnonBytes),
        heapTotalMiB: mib(memory?.heapTotalBytes ?? 0),
        heapUsedMiB: mib(memory?.heapUsedBytes ?? 0),
        externalMiB: mib(memory?.externalBytes ?? 0),
        mainArenaMiB: mib(anonymous.mainArenaBytes),
        threadArenasMiB: mib(anonymous.threadArenasBytes),
        otherAnonMiB: mib(anonymous.otherBytes),
      });
    };
    await sample();
    const timer = setInterval(() => void sample(), 10_000);
    const phase = await load.phase(target, 'soak', s.rate, minutes * 60);
    clearInterval(timer);
    await sample();
    const n = samples.length;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    /** The least-squares slope of RSS over `points`, in MiB per minute. */
    const slopeOf = (points: SoakSample[]) => {
      const [mx, my] = [mean(points.map((p) => p.s)), mean(points.map((p) => p.rssMiB))];
      const slope = points.reduce((sum, p) => sum + (p.s - mx) * (p.rssMiB - my), 0) / points.reduce((sum, p) => sum + (p.s - mx) ** 2, 0);
      return Math.round(slope * 60 * 100) / 100;
    };
    // The whole run is what the verdict judges; the second half shows whether the hub has settled.
    const secondHalf = samples.filter((p) => p.s >= (minutes * 60) / 2);
    result.soak = { minutes, presses: phase.sent, lost: phase.lost, samples, slopeMiBPerMin: slopeOf(samples), secondHalfSlopeMiBPerMin: slopeOf(secondHalf), pressToPagerUs: phase.pressToPagerUs };
    log(`${target}: ${phase.sent} presses, lost ${phase.lost}; RSS ${samples[0].rssMiB} → ${samples[n - 1].rssMiB} MiB, slope ${result.soak.slopeMiBPerMin} MiB/min (second half ${result.soak.secondHalfSlopeMiBPerMin}); press→pager p99 ${ms(phase.pressToPagerUs.p99)} ms`);
  } finally {
    load.close();
    await hub.process.stop();
    rmSync(hub.dir, { recursive: true, force: true });
  }
}

/**
 * Start-up with a year of data (#20): the hub's database filled with a
 * year of a busy café, then the hub started cold (a new process; the file is
 * in the OS's page cache after the first) several times, each until it says
 * it is ready (listeners up, state restored); then the owner's heaviest
 * views of that database asked for again and again.
 */
async function startupBench(s: Settings, result: BenchResult, quick: boolean): Promise<void> {
  const f = fleet(s.devices);
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-year-'));
  const dataDir = join(dir, 'data');
  const days = quick ? 30 : 365;
  try {
    await provision(dataDir, [...f.buttons, ...f.pagers]);
    log(`start-up: writing ${days} days of 200 presses into the hub's database…`);
    const written = writeYear(dataDir, { end: Date.now(), days, perDay: 200, buttons: f.buttons.slice(0, 8), pager: f.pagers[0] });
    const password = 'bench-owner-password';
    await withStorage(dataDir, (storage) => new Accounts(storage.accounts).add('bench', 'owner', password, Date.now()));
    const dbBytes = statSync(join(dataDir, DATABASE_FILE)).size;
    const readyMs: number[] = [];
    let hub: HubProcess | undefined;
    for (let run = 0; run < (quick ? 2 : 5); run++) {
      await hub?.stop();
      const started = performance.now();
      hub = await HubProcess.start(dir, benchConfig(f, 'fsync'));
      readyMs.push(Math.round(performance.now() - started));
    }
    log(`start-up: ${written.presses} presses, ${written.incidents} incidents, ${written.events} events (${(dbBytes / 2 ** 20).toFixed(1)} MiB): ready in ${readyMs.join(', ')} ms`);
    const base = `http://127.0.0.1:${hub!.httpPort}`;
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'bench', password }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const views: { view: string; path: string }[] = [
      { view: 'daily log', path: `/api/log?date=${yesterday}` },
      { view: 'daily log as CSV', path: `/api/log.csv?date=${yesterday}` },
      { view: 'analytics, 7 days', path: '/api/analytics?days=7' },
      { view: 'analytics, 90 days', path: '/api/analytics?days=90' },
      { view: 'history, 30 days', path: `/api/history?from=${monthAgo}&to=${yesterday}` },
    ];
    const answers = [];
    for (const { view, path } of views) {
      const times: number[] = [];
      for (let i = 0; i < (quick ? 5 : 30); i++) {
        const started = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10;
      answers.push({ view, path, requests: times.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(times[times.length - 1] * 10) / 10 });
      log(`start-up: ${view}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms over ${times.length} requests`);
    }
    await hub!.stop();
    result.startup = { days, ...written, dbBytes, readyMs, answers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(p: PhaseResult): string {
  const l = (s: LatencySummary) => `p50 ${ms(s.p50)} / p99 ${ms(s.p99)} / p99.9 ${ms(s.p999)} / max ${ms(s.max)} ms`;
  const hub = p.hub ? `; hub-added ${l(p.hub.hubAddedUs)}; CPU hub ${percent(hubCpuShare(p.hub))}` : '';
  const generator = p.generatorCpu === undefined ? '' : `${p.hub ? ',' : '; CPU'} generator ${percent(p.generatorCpu)}`;
  const growth = p.backlogGrowthUs === undefined || p.phase === 'main' || p.phase === 'warm-up' ? '' : `; queue growth ${ms(p.backlogGrowthUs)} ms`;
  const cost = p.cost ? `; ${p.cost.processes}: ${Math.round(p.cost.cpuUsPerPress)} µs CPU a press, RSS ${Math.round(p.cost.rssBytes / 2 ** 20)} MiB (peak ${Math.round(p.cost.peakRssBytes / 2 ** 20)}, anonymous ${Math.round(p.cost.rssAnonBytes / 2 ** 20)})` : '';
  return `${p.sent} presses, lost ${p.lost}${growth}; press→pager ${l(p.pressToPagerUs)}; press→PUBACK ${l(p.pressToPubackUs)}${hub}${generator}${cost}`;
}

const SYSTEMS = ['echo', 'diy', 'diy-durable', 'hub-volatile', 'hub', 'hub-one-core', 'hub-slow-disk', 'hub-watched', 'startup', 'soak'] as const;
type System = (typeof SYSTEMS)[number];

export async function runBench(settings: Settings, quick: boolean, systems: readonly System[] = SYSTEMS): Promise<BenchResult> {
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    settings,
    quick,
    phases: [],
    maxSustainedRate: null,
    burst: null,
    hostStalls: null,
  };
  const stalls = async (when: string) => {
    const measured = await measureHostStalls(settings.hostStallS);
    log(`machine's own stalls ${when}: ${describeHostStalls(measured)}`);
    return measured;
  };
  const before = await stalls('before');
  if (systems.includes('echo')) {
    log('TCP echo (floor)…');
    const echo = await echoBaseline(settings, settings.devices);
    result.phases.push(echo);
    log(`TCP echo: ${describe(echo)}`);
  }
  if (systems.includes('diy')) await diyBaseline(settings, result, false);
  if (systems.includes('diy-durable')) await diyBaseline(settings, result, true);
  if (systems.includes('hub-volatile')) await benchHub(settings, 'none', result);
  if (systems.includes('hub')) await benchHub(settings, 'fsync', result);
  for (const name of ['hub-one-core', 'hub-slow-disk', 'hub-watched'] as const) if (systems.includes(name)) await benchHub(settings, 'fsync', result, VARIANTS[name]);
  if (systems.includes('startup')) await startupBench(settings, result, quick);
  if (systems.includes('soak')) await soakBench(settings, result, settings.soakMinutes);
  result.hostStalls = { before, after: await stalls('after') };
  return result;
}

async function main(): Promise<void> {
  const program = new Command('npm run bench --')
    .description('Latency and throughput of the hub, side by side with a TCP echo, mosquitto + a forwarder, and the hub without durability.')
    .option('--quick', 'a short smoke run (100 devices, a few seconds per phase), as CI runs it')
    .option('--json <file>', 'also write the results as JSON')
    .option('--devices <n>', 'devices in total (a fifth of them pagers)', positive)
    .option('--rate <n>', 'presses per second in the main phase', positive)
    .option('--duration <s>', 'seconds of the main phase', positive)
    .option('--steps <list>', 'capacity steps in presses/s, e.g. 5000,10000', positiveList)
    .option('--step-seconds <s>', 'seconds of each capacity step', positive)
    .option('--soak-minutes <m>', 'minutes of the soak', positive)
    .option('--only <systems>', `run only some of ${SYSTEMS.join(', ')} (comma-separated; the docs are written only for a run of all)`, (v) => v.split(','))
    .option('--write-docs', 'write docs/benchmarks.md and docs/benchmarks.png (default for a full run)')
    .parse();
  const o = program.opts<{ quick?: boolean; json?: string; devices?: number; rate?: number; duration?: number; steps?: number[]; stepSeconds?: number; soakMinutes?: number; only?: string[]; writeDocs?: boolean }>();
  const settings: Settings = { ...(o.quick ? QUICK : FULL) };
  if (o.devices) settings.devices = o.devices;
  if (o.rate) settings.rate = o.rate;
  if (o.duration) settings.durationS = o.duration;
  if (o.steps) settings.stepRates = o.steps;
  if (o.stepSeconds) settings.stepS = o.stepSeconds;
  if (o.soakMinutes) settings.soakMinutes = o.soakMinutes;
  const unknown = (o.only ?? []).filter((name) => !(SYSTEMS as readonly string[]).includes(name));
  if (unknown.length > 0) program.error(`--only: unknown system ${unknown.join(', ')} (known: ${SYSTEMS.join(', ')})`);
  const systems = (o.only as System[] | undefined) ?? SYSTEMS;
  // The generator spins through the last millisecond before each press to send it on time. At
  // normal priority that spin took CPU from the system under test (press→pager p99 3.1-3.9 ms
  // instead of 1.4-1.7 ms at 200/s); niced, it yields whenever the system under test has work.
  // Its own lateness still counts: latency is measured from the scheduled time.
  setPriority(10);
  const result = await runBench(settings, Boolean(o.quick), systems);
  if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  if ((o.writeDocs ?? !o.quick) && !o.only) await writeReport(result, join(ROOT, 'docs'));
  const lost = result.phases.filter((p) => p.phase === 'main' && p.lost > 0);
  if (lost.length > 0 || (result.burst && (!result.burst.hubAlive || result.burst.acked < result.burst.presses))) {
    log('bench: presses were lost or the hub failed the burst');
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    log(`bench: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
