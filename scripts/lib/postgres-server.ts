// A real PostgreSQL server for the head office's tests and the chain run
// (Debian's postgresql): a fresh cluster in a temporary directory, listening
// on 127.0.0.1 on a free port (and a socket in that directory), stopped and
// removed afterwards. PostgreSQL refuses to run as root: as root, the cluster
// belongs to the "postgres" user the Debian package creates, and initdb and
// pg_ctl run as that user (runuser).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats-cluster.js';

/** Debian puts the server in /usr/lib/postgresql/<version>/bin; the newest there. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) if (existsSync(join(root, version, 'bin', 'pg_ctl'))) return join(root, version, 'bin');
  return null;
}

export class PostgresServer {
  private constructor(
    public port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly asUser: string | null,
  ) {}

  static async start(): Promise<PostgresServer> {
    const bin = postgresBin();
    if (!bin) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
    const asUser = userInfo().uid === 0 ? 'postgres' : null;
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-pg-'));
    if (asUser) {
      const id = (flag: string) => Number(execFileSync('id', [flag, asUser], { encoding: 'utf8' }).trim());
      chownSync(dir, id('-u'), id('-g'));
      chmodSync(dir, 0o700);
    }
    const server = new PostgresServer(await freePort(), dir, bin, asUser);
    server.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    // A port found free may be taken before the server binds it (other tests start servers meanwhile): another port, three times at most.
    for (let attempt = 1; ; attempt++) {
      try {
        await server.startServer();
        return server;
      } catch (error) {
        if (attempt >= 3) throw error;
        server.port = await freePort();
      }
    }
  }

  /** postgres://… for the pg client. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Stops it ("fast": sessions end, the data stays) and starts it again: a database restart. */
  async restart(): Promise<void> {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    await this.startServer();
  }

  async stop(): Promise<void> {
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startServer(): Promise<void> {
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off -c max_connections=200`;
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    const result = this.asUser ? spawnSync('runuser', ['-u', this.asUser, '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${(result.stderr || result.stdout || '').trim().split('\n').slice(-5).join(' / ')}`);
  }
}
