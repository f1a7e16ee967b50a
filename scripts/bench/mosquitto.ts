// Debian's mosquitto, started on a free loopback port (tests and the bench): a broker
// nobody here wrote. .ci/run installs it; a missing binary fails the test
// with the install command rather than skipping.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

export function mosquittoBinary(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error('mosquitto is not installed: apt-get install mosquitto (.ci/run does this)');
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Mosquitto {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startMosquitto(): Promise<Mosquitto> {
  const binary = mosquittoBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  // set_tcp_nodelay: as anyone measuring latency configures it. Without it Nagle's algorithm holds a small
  // publish back until the previous one is acknowledged, and with the peer's delayed ACK that costs ~40 ms.
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest none\n`);
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('mosquitto did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
