// The hub as its own process, for the bench and the chaos suite: provisioned
// devices, start, metrics snapshots (SIGUSR2), a clean stop or a kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricsSnapshot } from '../../hub/metrics.js';
import { repoRoot } from '../../hub/paths.js';
import { issueSecrets } from '../../hub/provisioning.js';
import { withStorage } from '../../hub/store/storage.js';
import { HUB_ENVIRONMENT, HUB_NODE_FLAGS } from '../../hub/runtime-flags.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Gives each device a secret, stored as the hub stores it; returns the plain secrets. */
export function provision(dataDir: string, ids: string[]): Promise<Map<string, string>> {
  return withStorage(dataDir, (storage) => issueSecrets(storage.devices, ids, Date.now()));
}

/** SIGTERM and wait; SIGKILL after 10 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export class HubProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly mqttPort: number,
    readonly httpPort: number,
    private readonly metricsFile: string,
    readonly output: () => string,
  ) {}

  /** Starts `loyalty-hub start --no-sim` with the configuration `dir/loyalty-hub.json`. */
  /** `cpus`: pin the hub to these CPUs (taskset -c, which execs node in the same process); `env`: more environment. */
  static async start(dir: string, config: object, nodeArgs: string[] = [], options: { cpus?: string; env?: Record<string, string> } = {}): Promise<HubProcess> {
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify(config));
    const metricsFile = join(dir, 'metrics.json');
    const command = [process.execPath, ...HUB_NODE_FLAGS, ...nodeArgs, join(repoRoot(), 'dist', 'hub', 'cli.js'), 'start', '--no-sim'];
    const [file, ...args] = options.cpus ? ['taskset', '-c', options.cpus, ...command] : command;
    // LB_HUB_STDOUT=FILE keeps what the hub writes to stdout (V8's --trace-gc, with LB_BENCH_HUB_NODE_ARGS).
    const stdout = process.env.LB_HUB_STDOUT ? openSync(process.env.LB_HUB_STDOUT, 'a') : undefined;
    const child = spawn(file, args, {
      env: { ...process.env, ...HUB_ENVIRONMENT, LOYALTY_HUB_CONFIG: join(dir, 'loyalty-hub.json'), LOYALTY_HUB_METRICS: metricsFile, ...options.env },
      stdio: ['ignore', stdout ?? 'ignore', 'pipe'],
    });
    if (stdout !== undefined) closeSync(stdout); // the child has its own copy
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const started = await until(() => /Dashboard\s+http:\/\/[^:]+:(\d+)\//.test(stderr) || child.exitCode !== null, 30_000);
    if (!started || child.exitCode !== null) throw new Error(`the hub did not start: ${stderr}`);
    return new HubProcess(child, Number(/MQTT\s+port (\d+)/.exec(stderr)![1]), Number(/Dashboard\s+http:\/\/[^:]+:(\d+)\//.exec(stderr)![1]), metricsFile, () => stderr);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A snapshot of the hub's own metrics; its histograms start afresh. */
  async metrics(): Promise<MetricsSnapshot> {
    const before = existsSync(this.metricsFile) ? statSync(this.metricsFile).mtimeMs : 0;
    this.child.kill('SIGUSR2');
    await until(() => existsSync(this.metricsFile) && statSync(this.metricsFile).mtimeMs !== before, 5000);
    return JSON.parse(readFileSync(this.metricsFile, 'utf8')) as MetricsSnapshot;
  }

  /** SIGTERM and wait (a clean stop); SIGKILL after 10 s. */
  stop(): Promise<void> {
    return stopChild(this.child);
  }

  /** kill -9: no chance to finish anything. */
  async crash(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
