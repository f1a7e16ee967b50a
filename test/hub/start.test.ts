// `npm start` as a newcomer runs it: zero configuration (only loopback ports
// for the test), the simulated shop on the real firmware, the first owner
// login printed once, a clean stop on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/shop.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  base: string;
  password: string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** As Ctrl-C in a terminal (or systemd) does: the signal goes to npm and the hub it started. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  process.kill(-child.pid!, signal);
}

async function npmStart(args: string[] = []): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-start-'));
  const config = join(dir, 'loyalty-hub.json');
  // Nothing but loopback and free ports: everything else is the embedded default.
  writeFileSync(config, JSON.stringify({ mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }));
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    env: { ...process.env, LOYALTY_HUB_CONFIG: config },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group, like a terminal session
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  await eventually(() => /Dashboard\s+http:\/\/127\.0\.0\.1:\d+\//.test(text) || child.exitCode !== null, 30_000, 'the hub to start');
  if (child.exitCode !== null) throw new Error(`npm start exited: ${text}`);
  await eventually(() => /Password: \S+/.test(text), 5000, 'the owner password');
  return {
    child,
    output: () => text,
    base: /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)![1],
    password: /Password: (\S+)/.exec(text)![1],
  };
}

async function login(started: Started): Promise<(path: string, body?: unknown) => Promise<Response>> {
  const response = await fetch(`${started.base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'owner', password: started.password }) });
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  return (path, body) =>
    fetch(`${started.base}${path}`, body === undefined ? { headers: { cookie } } : { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('npm start', () => {
  it('runs a simulated shop a newcomer can press, and the incident lands in the daily log', async () => {
    const started = await npmStart();
    expect(started.output()).toContain('First start: dashboard login created.');
    expect(started.output()).toContain('Simulated shop: 2 buttons and 2 pagers running the real firmware');
    const call = await login(started);
    expect(await (await call('/api/me')).json()).toMatchObject({ username: 'owner', role: 'owner', simulation: true });
    // The simulated devices come online over real MQTT.
    const online = async () => ((await (await call('/api/devices')).json()) as { id: string; online: boolean }[]).filter((d) => d.online).length;
    const deadline = Date.now() + 15_000;
    while ((await online()) < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await online()).toBe(4);

    expect((await call('/api/sim/press', { device: 'sim-btn-1', kind: 'red' })).status).toBe(200);
    let vibrating = false;
    for (let i = 0; i < 50 && !vibrating; i++) {
      const shop = (await (await call('/api/sim')).json()) as { devices: { id: string; motor: boolean; screen: string[] }[] };
      vibrating = shop.devices.some((d) => d.id === 'sim-pgr-1' && (d.motor || d.screen.includes('Sim: Counter 1')));
      if (!vibrating) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(vibrating).toBe(true);
    expect((await call('/api/sim/pager', { device: 'sim-pgr-1', hold: 'short' })).status).toBe(200);

    const today = ((await (await call('/api/today')).json()) as { date: string }).date;
    let rows: { location: string; acknowledgedBy: string }[] = [];
    for (let i = 0; i < 50; i++) {
      rows = ((await (await call(`/api/log?date=${today}`)).json()) as { incidents: typeof rows }).incidents;
      if (rows.some((r) => r.acknowledgedBy)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(rows).toEqual([expect.objectContaining({ location: 'Sim: Counter 1', acknowledgedBy: 'Sim: Ana' })]);

    // npm passes the signal on to the hub; 'close' waits until the hub's own output has ended too.
    const closed = new Promise<[number | null, string | null]>((resolve) => started.child.once('close', (code, signal) => resolve([code, signal])));
    signalGroup(started.child, 'SIGTERM');
    const [code, signal] = await closed;
    expect(code === 0 || signal === 'SIGTERM', `npm start ended with ${code ?? signal}`).toBe(true);
    expect(started.output()).toContain('loyalty-hub: SIGTERM: stopping, finishing writes…');
    expect(started.output()).toContain('loyalty-hub: stopped cleanly.');
    expect(started.output()).not.toMatch(/\n\s+at /); // no stack trace anywhere
    expect(started.output()).not.toContain('node was started without'); // npm start passes the hub's node flags
  });

  it('runs without the simulated shop with --no-sim', async () => {
    const started = await npmStart(['--no-sim']);
    const call = await login(started);
    expect(await (await call('/api/me')).json()).toMatchObject({ simulation: false });
    const press = await call('/api/sim/press', { device: 'sim-btn-1', kind: 'red' });
    expect(press.status).toBe(404);
    expect(started.output()).not.toContain('Simulated shop');
    signalGroup(started.child, 'SIGINT');
  });
});
