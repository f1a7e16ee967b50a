// A real 3-node NATS cluster on this machine (Debian's nats-server): each node
// with JetStream (its own store directory), an MQTT listener for the shops'
// hubs, a NATS listener for the head office's ingesters, and cluster routes
// to the other two. Every listener binds 127.0.0.1 on a free port. Each shop
// is a user that may publish only under its own topics (hq/v1/<site>/…,
// subject hq.v1.<site>.>) and read only its own acknowledgements; the
// ingesters' user may read everything under hq.v1 and use JetStream.
// Nodes can be killed (SIGKILL) and started again on the same ports and store.
// With a certificate, the MQTT listeners speak TLS only (mqtts://).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((path) => existsSync(path));

export interface SiteCredentials {
  site: string;
  password: string;
}

export interface NatsNode {
  name: string;
  natsPort: number;
  mqttPort: number;
  clusterPort: number;
  monitorPort: number;
  process: ChildProcess | null;
}

/** A port nobody listens on now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const quoted = (text: string) => JSON.stringify(text);

export class NatsCluster {
  readonly nodes: NatsNode[] = [];
  readonly ingestUser = { user: 'hq-ingest', password: 'hq-ingest-secret' };
  private readonly dir = mkdtempSync(join(tmpdir(), 'loyalty-nats-'));
  private readonly log: string[] = [];

  private constructor(
    private readonly sites: SiteCredentials[],
    private readonly tls?: { certFile: string; keyFile: string },
  ) {}

  /**
   * Starts the nodes on free ports. A port found free can be taken by another
   * process before the node binds it (other tests start servers meanwhile):
   * a node that exits at start is such a race, and the whole cluster is tried
   * again on fresh ports, three times at most.
   */
  static async start(sites: SiteCredentials[], size = 3, tls?: { certFile: string; keyFile: string }): Promise<NatsCluster> {
    if (!NATS_SERVER) throw new Error('nats-server is not installed (Debian: apt-get install nats-server)');
    for (let attempt = 1; ; attempt++) {
      const cluster = new NatsCluster(sites, tls);
      for (let i = 1; i <= size; i++) {
        cluster.nodes.push({ name: `hq-${i}`, natsPort: await freePort(), mqttPort: await freePort(), clusterPort: await freePort(), monitorPort: await freePort(), process: null });
      }
      for (const node of cluster.nodes) cluster.startNode(node);
      try {
        await cluster.ready();
        return cluster;
      } catch (error) {
        await cluster.stop();
        if (attempt >= 3) throw error;
      }
    }
  }

  /** Broker addresses for the shops, one per node. */
  mqttUrls(): string[] {
    return this.nodes.map((node) => `${this.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${node.mqttPort}`);
  }

  natsServers(): string[] {
    return this.nodes.map((node) => `127.0.0.1:${node.natsPort}`);
  }

  /** SIGKILL: no goodbye to the cluster. */
  kill(name: string): void {
    const node = this.node(name);
    node.process?.kill('SIGKILL');
    node.process = null;
  }

  /** Starts a killed node again, same ports and store; resolves when it has its routes back. */
  async restart(name: string): Promise<void> {
    const node = this.node(name);
    if (!node.process) this.startNode(node);
    await this.ready();
  }

  /** Starts every killed node again (a whole cluster back after an outage); resolves when they have a leader. */
  async restartAll(): Promise<void> {
    for (const node of this.nodes) if (!node.process) this.startNode(node);
    await this.ready();
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (!node.process || node.process.exitCode !== null) return resolve();
            node.process.once('exit', () => resolve());
            node.process.kill('SIGTERM');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines the nodes logged (for a failing test's message). */
  recentLog(): string {
    return this.log.slice(-30).join('\n');
  }

  private node(name: string): NatsNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  private config(node: NatsNode): string {
    const routes = this.nodes.filter((other) => other !== node).map((other) => quoted(`nats-route://127.0.0.1:${other.clusterPort}`));
    const siteUsers = this.sites.map(
      ({ site, password }) =>
        `{ user: ${quoted(site)}, password: ${quoted(password)}, allowed_connection_types: ["MQTT"], permissions: { publish: { allow: [${quoted(`hq.v1.${site}.>`)}] }, subscribe: { allow: [${quoted(`hq.v1.${site}.ack`)}] } } }`,
    );
    const ingest = `{ user: ${quoted(this.ingestUser.user)}, password: ${quoted(this.ingestUser.password)}, allowed_connection_types: ["STANDARD"] }`;
    return [
      `server_name: ${quoted(node.name)}`,
      `listen: "127.0.0.1:${node.natsPort}"`,
      `http: "127.0.0.1:${node.monitorPort}"`,
      `jetstream { store_dir: ${quoted(join(this.dir, node.name))} }`,
      // The MQTT sessions and retained messages replicated on all three nodes: a node killed takes no shop's session with it.
      `mqtt { listen: "127.0.0.1:${node.mqttPort}", stream_replicas: ${this.nodes.length}${this.tls ? `, tls { cert_file: ${quoted(this.tls.certFile)}, key_file: ${quoted(this.tls.keyFile)} }` : ''} }`,
      `cluster { name: "loyalty-hq", listen: "127.0.0.1:${node.clusterPort}", routes: [${routes.join(', ')}] }`,
      `accounts { HQ: { jetstream: enabled, users: [${[...siteUsers, ingest].join(', ')}] } }`,
      '',
    ].join('\n');
  }

  private startNode(node: NatsNode): void {
    mkdirSync(join(this.dir, node.name), { recursive: true });
    const file = join(this.dir, `${node.name}.conf`);
    writeFileSync(file, this.config(node));
    const child = spawn(NATS_SERVER!, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.log.push(`${node.name}: ${line}`);
    });
    node.process = child;
  }

  /** Every running node answers its health check with JetStream up (meta leader known). */
  private async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exited = this.nodes.find((node) => node.process && node.process.exitCode !== null);
      if (exited) throw new Error(`NATS node ${exited.name} stopped (exit ${exited.process!.exitCode}):\n${this.recentLog()}`);
      const running = this.nodes.filter((node) => node.process);
      const healthy = await Promise.all(
        running.map((node) =>
          fetch(`http://127.0.0.1:${node.monitorPort}/healthz?js-enabled-only=true`).then(
            (response) => response.ok,
            () => false,
          ),
        ),
      );
      if (healthy.every(Boolean)) {
        const jsz = await Promise.all(running.map((node) => fetch(`http://127.0.0.1:${node.monitorPort}/jsz`).then((r) => r.json() as Promise<{ meta_cluster?: { leader?: string } }>, () => ({}) as { meta_cluster?: { leader?: string } })));
        if (jsz.every((info) => info.meta_cluster?.leader)) return;
      }
      if (Date.now() > deadline) throw new Error(`the NATS cluster did not become ready:\n${this.recentLog()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
