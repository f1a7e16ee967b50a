// Scenario 8: what a stranger on the LAN can do without any secret (issue
// #14): flood the MQTT port with wrong-secret CONNECTs while a device
// connects for the first time and the owner logs in; guess the owner's
// password 40 times at once; hold idle sockets open on the dashboard and
// WebSocket ports. The hub must stay fast for the devices and the owner.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { withStorage } from '../../hub/store/storage.js';
import { Accounts } from '../../hub/web/accounts.js';
import { connectFlood } from '../lib/connect-flood.js';
import { HubProcess, provision, sleep } from '../lib/hub-process.js';
import { Checklist, type ChecklistResult } from './checklist.js';

export interface UnauthenticatedLoadResult extends ChecklistResult {
  /** What was measured, in words, for the report. */
  figures: string;
}

const PASSWORD = 'correct horse battery';
const WITHIN_MS = 2000;

export async function runUnauthenticatedLoad(quick: boolean): Promise<UnauthenticatedLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lb-unauth-'));
  const checklist = new Checklist();
  const check = (ok: boolean, what: string) => checklist.check(ok, what);
  const dataDir = join(dir, 'data');
  const secrets = await provision(dataDir, ['btn-1', 'btn-2']);
  await withStorage(dataDir, (storage) => new Accounts(storage.accounts).add('olga', 'owner', PASSWORD, Date.now()));
  const hub = await HubProcess.start(dir, {
    site: 'unauth',
    dataDir: 'data',
    logLevel: 'silent',
    mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
    http: { host: '127.0.0.1', port: 0, maxConnectionsPerSource: 64 },
    devices: [
      { id: 'btn-1', kind: 'button', label: 'Counter' },
      { id: 'btn-2', kind: 'button', label: 'Terrace' },
    ],
  });
  const base = `http://127.0.0.1:${hub.httpPort}`;
  const login = (password: string) =>
    fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'olga', password }) }).then((r) => r.status);
  const figures: string[] = [];
  const idle: Socket[] = [];
  try {
    // 1. The CONNECT flood, with a real device's first connect and the owner's login in the middle of it.
    const flood = connectFlood(hub.mqttPort, 'btn-1', 1000, quick ? 4 : 12);
    await sleep(quick ? 1000 : 4000);
    let started = performance.now();
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: 'btn-1', username: 'btn-1', password: secrets.get('btn-1'), reconnectPeriod: 0, connectTimeout: 8000 }).catch(() => null);
    const connectMs = performance.now() - started;
    started = performance.now();
    const ownerStatus = await login(PASSWORD);
    const loginMs = performance.now() - started;
    await flood.stop();
    await device?.endAsync();
    check(device !== null && connectMs < WITHIN_MS, `a real device's first connect took ${connectMs.toFixed(0)} ms during the flood`);
    check(ownerStatus === 200 && loginMs < WITHIN_MS, `the owner's login answered ${ownerStatus} in ${loginMs.toFixed(0)} ms during the flood`);
    figures.push(`${flood.sent} wrong-secret CONNECTs at ~1 000/s, all refused (${flood.answered} CONNACKs seen); meanwhile a device's first connect took ${connectMs.toFixed(0)} ms and the owner's login ${loginMs.toFixed(0)} ms (limit ${WITHIN_MS} ms)`);

    // 2. 40 password guesses at once: at most 5 evaluated.
    const statuses = await Promise.all(Array.from({ length: 40 }, () => login('a wrong guess')));
    const evaluated = statuses.filter((s) => s === 401).length;
    check(evaluated <= 5, `${evaluated} of 40 parallel guesses were evaluated`);
    figures.push(`40 parallel password guesses: ${evaluated} evaluated, ${statuses.filter((s) => s === 429).length} refused unevaluated`);

    // 3. Idle sockets from one address on both web ports: the cap holds, the dashboard answers.
    const wsPort = wsPortOf(hub);
    check(wsPort !== null, 'no WebSocket port in the banner');
    const closedOn = { http: 0, ws: 0 };
    for (const [name, port] of [['http', hub.httpPort], ['ws', wsPort ?? 0]] as const) {
      for (let i = 0; i < 200; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.on('close', () => closedOn[name]++);
        idle.push(socket);
      }
    }
    await sleep(500);
    const atOnce = { ...closedOn };
    check(atOnce.http >= 200 - 64 && atOnce.ws >= 200 - 64, `only ${atOnce.http} + ${atOnce.ws} idle sockets beyond the per-address cap were closed`);
    for (const socket of idle.splice(0)) socket.destroy();
    await sleep(100);
    check((await fetch(`${base}/api/health`)).status === 200, 'the dashboard does not answer after the idle sockets');
    figures.push(`200 idle sockets from one address on each of the dashboard and WebSocket ports: ${atOnce.http} and ${atOnce.ws} closed at once (cap 64 per address and port; the dashboard's count includes the guesses' keep-alive connections)`);
    check(hub.alive, 'the hub died');
  } finally {
    for (const socket of idle) socket.destroy();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...checklist.result(), figures: figures.join('; ') };
}

/** The WebSocket port, from the hub's start banner. */
function wsPortOf(hub: HubProcess): number | null {
  const match = /WebSocket (\d+)/.exec(hub.output());
  return match ? Number(match[1]) : null;
}
