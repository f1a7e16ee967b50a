// An ingester as the head office runs it: `loyalty-hub hq ingest` in its own
// process, so that it can be killed with -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../hub/paths.js';
import { stopChild, until } from '../lib/hub-process.js';

export class IngesterProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly output: () => string,
  ) {}

  static async start(nats: string[], user: { user: string; password: string }, postgres: string): Promise<IngesterProcess> {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'hub', 'cli.js'), 'hq', 'ingest', '--nats', nats.join(','), '--postgres', postgres, '--user', user.user, '--replicas', String(nats.length)], {
      env: { ...process.env, LB_HQ_NATS_PASSWORD: user.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    const started = await until(() => output.includes('hq: ingesting') || child.exitCode !== null, 60_000);
    if (!started || child.exitCode !== null) throw new Error(`the ingester did not start: ${output}`);
    return new IngesterProcess(child, () => output);
  }

  async kill(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
