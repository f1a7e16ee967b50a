// npm run chaos [-- --quick] [--json FILE]
//
// Proves, scenario by scenario, that no press is lost or doubled and that
// nobody gets in where they don't belong. The hub runs as its own process;
// buttons and pagers are the real firmware bundles in the Node shim, with
// their flash outboxes. Each press scenario counts the presses the simulated
// customers made (and when) against the rows in the log: it passes only with
// 0 lost, 0 duplicated, and every press time within 100 ms of the truth.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { repoRoot } from '../../hub/paths.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { freePort } from '../bench/mosquitto.js';
import { parseConfig } from '../../hub/config/load.js';
import type { ConfigFile } from '../../hub/config/schema.js';
import { Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/log.js';
import { StorageFaults } from '../../hub/store/storage-faults.js';
import { HubProcess, provision, sleep, until } from '../lib/hub-process.js';
import { runUnauthenticatedLoad, type UnauthenticatedLoadResult } from './unauthenticated-load.js';
import { runDashboardAttacks, type DashboardResult } from './dashboard-attacks.js';
import { runHostileInput, type HostileResult } from './hostile.js';
import { pendingInOutbox } from '../../firmware/shim/outbox-view.js';

const SITE = 'chaos';
const TIME_TOLERANCE_MS = 100;
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface PressScenarioResult {
  scenario: string;
  proves: string;
  pressesMade: number;
  rowsStored: number;
  lost: number;
  duplicated: number;
  maxTimeErrorMs: number;
  passed: boolean;
  detail: string;
}

export interface ChaosResult {
  date: string;
  quick: boolean;
  scenarios: PressScenarioResult[];
  hostile: HostileResult | null;
  dashboard: DashboardResult | null;
  unauthenticated: UnauthenticatedLoadResult | null;
  passed: boolean;
}

interface Truth {
  device: string;
  at: number;
}

/** A shop of simulated devices around a hub process that can be crashed and restarted on the same ports and data. */
/** The hub as its own process, or in this process when a scenario needs to inject disk faults. */
interface RunningHub {
  stop(): Promise<void>;
  crash(): Promise<void>;
}

class ChaosShop {
  readonly dir = mkdtempSync(join(tmpdir(), 'lb-chaos-'));
  readonly devices = new Map<string, SimulatedDevice>();
  readonly truth: Truth[] = [];
  hub!: RunningHub;
  private secrets = new Map<string, string>();
  private config!: ConfigFile;

  constructor(
    readonly buttons: string[],
    readonly pagers: string[],
    readonly timings: Record<string, number> = {},
    private readonly faults?: StorageFaults,
  ) {}

  async open(): Promise<void> {
    const [mqtt, ws, http] = [await freePort(), await freePort(), await freePort()];
    this.config = {
      site: SITE,
      dataDir: 'data',
      logLevel: 'warn',
      mqtt: { host: '127.0.0.1', port: mqtt, wsPort: ws },
      http: { host: '127.0.0.1', port: http },
      openingHours: {},
      timings: { rebuzzS: 3600, escalateS: 3600, retriggerS: 3600, ...this.timings },
      devices: [...this.buttons.map((id) => ({ id, kind: 'button' as const, label: id })), ...this.pagers.map((id, i) => ({ id, kind: 'pager' as const, label: `Pager ${i + 1}` }))],
      defaultRoute: this.pagers.map((p) => [p]),
      managers: this.pagers.slice(-1),
    };
    this.secrets = await provision(join(this.dir, 'data'), [...this.buttons, ...this.pagers]);
    await this.startHub();
    const bundles = { button: readFileSync(join(repoRoot(), 'firmware', 'dist', 'button.js'), 'utf8'), pager: readFileSync(join(repoRoot(), 'firmware', 'dist', 'pager.js'), 'utf8') };
    for (const [ids, kind] of [
      [this.pagers, 'pager'],
      [this.buttons, 'button'],
    ] as const) {
      for (const id of ids) {
        const device = new SimulatedDevice({ name: id, bundle: bundles[kind], storageDir: join(this.dir, 'flash', id) });
        device.storage.writeJSON('lb.config', flashedConfig({ kind, id, secret: this.secrets.get(id)!, site: SITE, hubHost: '127.0.0.1', hubPort: mqtt }));
        device.boot();
        this.devices.set(id, device);
      }
    }
    await this.waitOnline([...this.buttons, ...this.pagers], 20_000);
  }

  async startHub(): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    if (!this.faults) {
      this.hub = await HubProcess.start(this.dir, this.config);
      return;
    }
    const hub = await Hub.start({ config: parseConfig(this.config, 'chaos'), dataDir: join(this.dir, 'data'), storageFaults: this.faults, logger: createLogger('silent'), tickMs: 250 });
    this.hub = { stop: () => hub.stop(), crash: () => hub.stop() };
  }

  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(join(this.dir, 'data', DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  async waitOnline(ids: string[], timeoutMs: number): Promise<boolean> {
    const placeholders = ids.map(() => '?').join(',');
    return until(() => this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM device_state WHERE online = 1 AND device_id IN (${placeholders})`, ...ids)[0].n === ids.length, timeoutMs);
  }

  /** A customer presses RED; the truth is when the button's edge happened. */
  async press(button: string): Promise<void> {
    const device = this.devices.get(button)!;
    const pressing = device.press(DEFAULT_PINS.button.red, 60);
    this.truth.push({ device: button, at: Date.now() });
    await pressing;
  }

  /** Every button's flash outbox is empty (each press has its PUBACK). */
  outboxesEmpty(): boolean {
    return this.buttons.every((id) => pendingInOutbox(this.devices.get(id)!.storage).length === 0);
  }

  /** Presses made against rows stored: lost, duplicated, and the worst press-time error. */
  verdict(scenario: string, proves: string, detail: string): PressScenarioResult {
    const rows = this.query<{ device_id: string; seq: number; pressed_at: number }>('SELECT device_id, seq, pressed_at FROM presses ORDER BY device_id, seq');
    let lost = 0;
    let duplicated = 0;
    let maxError = 0;
    for (const button of this.buttons) {
      const made = this.truth.filter((t) => t.device === button).map((t) => t.at);
      const stored = rows.filter((r) => r.device_id === button);
      const seqs = new Set(stored.map((r) => r.seq));
      duplicated += stored.length - seqs.size;
      lost += Math.max(0, made.length - stored.length);
      duplicated += Math.max(0, stored.length - made.length);
      // The n-th press made is the n-th sequence number stored.
      for (let i = 0; i < Math.min(made.length, stored.length); i++) maxError = Math.max(maxError, Math.abs(stored[i].pressed_at - made[i]));
    }
    const errors = [...this.devices.values()].flatMap((d) => d.errors);
    const passed = lost === 0 && duplicated === 0 && maxError <= TIME_TOLERANCE_MS && errors.length === 0;
    return {
      scenario,
      proves,
      pressesMade: this.truth.length,
      rowsStored: rows.length,
      lost,
      duplicated,
      maxTimeErrorMs: Math.round(maxError),
      passed,
      detail: errors.length > 0 ? `${detail}; firmware threw: ${errors[0].message}` : detail,
    };
  }

  async close(): Promise<void> {
    for (const device of this.devices.values()) device.powerOff();
    await this.hub?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- scenarios ---------------------------------------------------------------------------

async function hubCrash(quick: boolean): Promise<PressScenarioResult> {
  const buttons = Array.from({ length: quick ? 10 : 50 }, (_, i) => `btn-${i + 1}`);
  const shop = new ChaosShop(buttons, ['pgr-1', 'pgr-2']);
  try {
    await shop.open();
    const seconds = quick ? 4 : 20;
    const stopAt = Date.now() + seconds * 1000;
    let crashed = false;
    const storm = buttons.map(async (button) => {
      while (Date.now() < stopAt) {
        await shop.press(button);
        await sleep(150 + Math.random() * 450);
      }
    });
    await sleep((seconds * 1000) / 2);
    await shop.hub.crash(); // kill -9 in the middle of the storm
    crashed = true;
    await sleep(1000);
    await shop.startHub();
    await Promise.all(storm);
    const drained = await until(() => shop.outboxesEmpty(), 90_000);
    return shop.verdict(
      'Hub crash',
      `${buttons.length} buttons press continuously; the hub is killed with SIGKILL mid-storm and restarted`,
      `${crashed ? 'killed and restarted' : 'not crashed'}; outboxes ${drained ? 'drained' : 'NOT drained'}`,
    );
  } finally {
    await shop.close();
  }
}

async function partition(quick: boolean): Promise<PressScenarioResult> {
  const shop = new ChaosShop(['btn-1'], ['pgr-1']);
  try {
    await shop.open();
    await sleep(300); // the hub's clock reading arrives after subscribing
    const outageS = quick ? 5 : 60;
    const presses = quick ? 5 : 20;
    const button = shop.devices.get('btn-1')!;
    button.dropWifi();
    for (let i = 0; i < presses; i++) {
      await shop.press('btn-1');
      await sleep((outageS * 1000) / presses - 30);
    }
    const storedDuring = shop.query('SELECT 1 FROM presses').length;
    button.restoreWifi();
    const drained = await until(() => shop.outboxesEmpty(), 90_000);
    const inOrder = shop.query<{ seq: number }>('SELECT seq FROM presses ORDER BY id').every((row, i, all) => i === 0 || row.seq > all[i - 1].seq);
    const result = shop.verdict(
      'Partition',
      `a button's Wi-Fi is down for ${outageS} s while it is pressed ${presses} times`,
      `${storedDuring} stored during the outage; ${drained ? 'all delivered after it' : 'NOT delivered'}; ${inOrder ? 'in order' : 'OUT OF ORDER'}`,
    );
    result.passed = result.passed && inOrder && storedDuring === 0;
    return result;
  } finally {
    await shop.close();
  }
}

async function restartAndReboot(quick: boolean): Promise<PressScenarioResult> {
  const buttons = Array.from({ length: quick ? 3 : 10 }, (_, i) => `btn-${i + 1}`);
  const shop = new ChaosShop(buttons, ['pgr-1']);
  try {
    await shop.open();
    await sleep(300);
    for (const button of buttons) await shop.press(button);
    await until(() => shop.outboxesEmpty(), 10_000);
    await shop.hub.stop(); // the broker goes away (a restart)
    for (let round = 0; round < 3; round++) for (const button of buttons) await shop.press(button);
    // The devices reboot while their outboxes are full and the hub is still away.
    for (const button of buttons) {
      shop.devices.get(button)!.powerOff();
      shop.devices.get(button)!.boot();
    }
    await sleep(500);
    await shop.startHub();
    const drained = await until(() => shop.outboxesEmpty(), 90_000);
    return shop.verdict(
      'Broker restart and device reboot',
      `${buttons.length} buttons are pressed while the hub restarts, and reboot with full outboxes before it is back`,
      drained ? 'outboxes drained' : 'outboxes NOT drained',
    );
  } finally {
    await shop.close();
  }
}

async function pagerLoss(quick: boolean): Promise<PressScenarioResult> {
  const escalateS = quick ? 3 : 10;
  const shop = new ChaosShop(['btn-1'], ['pgr-1', 'pgr-2'], { escalateS, rebuzzS: 2 });
  try {
    await shop.open();
    await sleep(300);
    const tier1 = shop.devices.get('pgr-1')!;
    const tier2 = shop.devices.get('pgr-2')!;
    await shop.press('btn-1');
    await until(() => tier1.screen.includes('btn-1'), 5000);
    const tier2Before = tier2.screen.includes('btn-1');
    const lostAt = Date.now();
    // The waiter walks out of range mid-incident: silently, no connection is closed, so only the escalation timer can help.
    tier1.radio.blackhole = true;
    const escalated = await until(() => tier2.screen.includes('btn-1'), (escalateS + 5) * 1000);
    const tookMs = Date.now() - lostAt;
    // Back in range, the pager restarts (its half-open link would take 45 s of keepalive to notice).
    tier1.powerOff();
    tier1.radio.blackhole = false;
    tier1.boot();
    const back = await until(() => tier1.screen.includes('btn-1'), 20_000);
    const result = shop.verdict(
      'Pager loss',
      'the tier-1 pager silently disappears mid-incident (radio black-holed)',
      `tier 2 paged ${escalated ? `after ${(tookMs / 1000).toFixed(1)} s (escalation time ${escalateS} s)` : 'NEVER'}; the returning pager ${back ? 'shows the incident again' : 'does NOT show it'}`,
    );
    result.passed = result.passed && !tier2Before && escalated && back && tookMs <= (escalateS + 2) * 1000;
    if (tier2Before) result.detail += '; tier 2 had it BEFORE tier 1 was lost';
    return result;
  } finally {
    await shop.close();
  }
}

async function storageFailure(quick: boolean): Promise<PressScenarioResult> {
  const faults = new StorageFaults();
  const buttons = Array.from({ length: quick ? 3 : 10 }, (_, i) => `btn-${i + 1}`);
  // pgr-mgr is tier 2 (escalation is set far away) and the manager: it hears only of the disk.
  const shop = new ChaosShop(buttons, ['pgr-1', 'pgr-mgr'], {}, faults);
  try {
    await shop.open();
    await sleep(300);
    const manager = shop.devices.get('pgr-mgr')!;
    faults.failing = true; // the disk is full from now on
    for (let round = 0; round < 3; round++) for (const button of buttons) await shop.press(button);
    const alarmed = await until(() => manager.screen.includes('HUB DISK FAILING'), 10_000);
    await sleep(2000);
    const storedDuring = shop.query('SELECT 1 FROM presses').length;
    const keptInFlash = buttons.every((id) => pendingInOutbox(shop.devices.get(id)!.storage).length === 3);
    faults.failing = false; // space again
    const drained = await until(() => shop.outboxesEmpty(), 90_000);
    const withdrawn = await until(() => !manager.screen.includes('HUB DISK FAILING'), 10_000);
    const result = shop.verdict(
      'Storage failure',
      `the database refuses writes (full disk simulated) while ${buttons.length} buttons are pressed 3 times each`,
      `${storedDuring} stored and ${keptInFlash ? 'all kept in the buttons' : 'NOT all kept in the buttons'} during the failure; manager pager ${alarmed ? 'alarmed' : 'NOT alarmed'}, alarm ${withdrawn ? 'withdrawn' : 'NOT withdrawn'} on recovery; ${drained ? 'all delivered after it' : 'NOT delivered'}`,
    );
    result.passed = result.passed && storedDuring === 0 && keptInFlash && alarmed && withdrawn && drained;
    return result;
  } finally {
    await shop.close();
  }
}

// ---- report --------------------------------------------------------------------------------

/** Everything above this line of docs/reliability.md is written by a full chaos run. */
const GENERATED_END = '<!-- end of the part npm run chaos writes; below, by hand -->';

function writeDoc(result: ChaosResult, file: string): void {
  const h = result.hostile;
  const lines = [
    '# Reliability',
    '',
    `\`npm run chaos\` proves, scenario by scenario, that no press is lost or doubled and that nobody gets in where they don't belong. A shortened run (\`--quick\`) is part of \`npm test\`. Last full run: ${result.date}.`,
    '',
    'The hub runs as its own process; buttons and pagers are the real firmware bundles in the Node shim, with their flash outboxes. Each press scenario counts the presses the simulated customers made, with the moment of each, against the rows in the log: it passes only with **0 lost, 0 duplicated, and every press time within 100 ms of the truth**.',
    '',
    '| scenario | what it proves | presses made | rows | lost | duplicated | worst time error | result |',
    '|---|---|---|---|---|---|---|---|',
    ...result.scenarios.map((s) => `| ${s.scenario} | ${s.proves}; ${s.detail} | ${s.pressesMade} | ${s.rowsStored} | ${s.lost} | ${s.duplicated} | ${s.maxTimeErrorMs} ms | ${s.passed ? 'passed' : '**FAILED**'} |`),
    '',
    '## Hostile input',
    '',
    h
      ? [
          `${h.cases} cases against a running hub: ${Object.entries(h.byCategory)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')}.`,
          '',
          `The hub stayed ${h.hubAlive ? 'up' : '**DOWN**'}; RSS ${h.rssBeforeMiB} MiB before, ${h.rssAfterMiB} MiB after. Of ${h.validPresses} genuine presses sent in floods (twice the burst at once), ${h.acknowledged} were acknowledged and ${h.rowsStored} stored: every acknowledged press is stored, the rest was refused by the rate limit (a press stored but cut off before its PUBACK is sent again by a real button), and nothing else is in the log. Refusals counted by the hub: ${Object.entries(h.refusals)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}. ${h.passed ? 'Passed.' : '**FAILED**: ' + h.problems.join('; ')}`,
        ].join('\n')
      : 'Not run.',
    '',
    '## Dashboard and API',
    '',
    result.dashboard
      ? `${result.dashboard.checks} checks: every API route refused without a session; a planted session id never honoured and a fresh one issued at login (no fixation); cross-site, form and text/plain state changes refused (CSRF); SQL-injection strings in every query parameter and in the login refused with nothing changed in the database; markup in a button label and a staff name travels as JSON data and never appears in a page, under a Content-Security-Policy. ${result.dashboard.passed ? 'Passed.' : '**FAILED**: ' + result.dashboard.problems.join('; ')} In a real browser, \`test/hub/web/dashboard.e2e.test.ts\` shows such a label as text, never run.`
      : 'Not run.',
    '',
    '## Unauthenticated load',
    '',
    result.unauthenticated
      ? `A stranger on the LAN without any secret, against a running hub: ${result.unauthenticated.figures}. ${result.unauthenticated.passed ? 'Passed.' : '**FAILED**: ' + result.unauthenticated.problems.join('; ')}`
      : 'Not run.',
    '',
    '## Also tested elsewhere',
    '',
    '- Storage failure with the dashboard\'s alarm, and a slow disk delaying PUBACKs but never pages: `test/hub/storage-alarm.integration.test.ts`.',
    '- A shop forwarding to the head office: nothing lost or doubled through a broker node killed, an ingester stopped, PostgreSQL restarted, and the whole cluster gone while the hub commits and restarts: `test/hub/hq/chain.integration.test.ts` (docs/head-office.md).',
    '',
    GENERATED_END,
  ];
  // What follows the marker is written by hand (hardening, incident ids…): kept as it is.
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = existing.indexOf(GENERATED_END);
  const handWritten = at >= 0 ? existing.slice(at + GENERATED_END.length) : '';
  writeFileSync(file, lines.join('\n') + handWritten);
}

async function main(): Promise<void> {
  const program = new Command('npm run chaos --')
    .description('Crash, partition, restart, pager loss and hostile input: nothing lost, nothing doubled, nobody in.')
    .option('--quick', 'a shortened run (part of npm test)')
    .option('--json <file>', 'also write the results as JSON')
    .option('--write-docs', 'write docs/reliability.md (default for a full run)')
    .parse();
  const o = program.opts<{ quick?: boolean; json?: string; writeDocs?: boolean }>();
  const quick = Boolean(o.quick);
  const result: ChaosResult = { date: new Date().toISOString(), quick, scenarios: [], hostile: null, dashboard: null, unauthenticated: null, passed: false };
  for (const [name, run] of [
    ['Hub crash', hubCrash],
    ['Partition', partition],
    ['Pager loss', pagerLoss],
    ['Broker restart and device reboot', restartAndReboot],
    ['Storage failure', storageFailure],
  ] as const) {
    log(`chaos: ${name}…`);
    const scenario = await run(quick);
    result.scenarios.push(scenario);
    log(`chaos: ${name}: ${scenario.passed ? 'passed' : 'FAILED'} — ${scenario.pressesMade} made, ${scenario.rowsStored} stored, ${scenario.lost} lost, ${scenario.duplicated} duplicated, worst time error ${scenario.maxTimeErrorMs} ms; ${scenario.detail}`);
  }
  log('chaos: Hostile input…');
  result.hostile = await runHostileInput(quick ? 1000 : 10_000, log);
  log(`chaos: Hostile input: ${result.hostile.passed ? 'passed' : 'FAILED'} — ${result.hostile.cases} cases, hub ${result.hostile.hubAlive ? 'up' : 'DOWN'}, RSS ${result.hostile.rssBeforeMiB} → ${result.hostile.rssAfterMiB} MiB${result.hostile.problems.length ? '; ' + result.hostile.problems.join('; ') : ''}`);
  log('chaos: Dashboard and API…');
  result.dashboard = await runDashboardAttacks();
  log(`chaos: Dashboard and API: ${result.dashboard.passed ? 'passed' : 'FAILED'} — ${result.dashboard.checks} checks${result.dashboard.problems.length ? '; ' + result.dashboard.problems.join('; ') : ''}`);
  log('chaos: Unauthenticated load…');
  result.unauthenticated = await runUnauthenticatedLoad(quick);
  log(`chaos: Unauthenticated load: ${result.unauthenticated.passed ? 'passed' : 'FAILED'} — ${result.unauthenticated.figures}${result.unauthenticated.problems.length ? '; ' + result.unauthenticated.problems.join('; ') : ''}`);
  result.passed = result.scenarios.every((s) => s.passed) && result.hostile.passed && result.dashboard.passed && result.unauthenticated.passed;
  if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  if (o.writeDocs ?? !quick) writeDoc(result, join(repoRoot(), 'docs', 'reliability.md'));
  const passed = result.scenarios.filter((s) => s.passed).length + (result.hostile.passed ? 1 : 0) + (result.dashboard.passed ? 1 : 0) + (result.unauthenticated.passed ? 1 : 0);
  process.stdout.write(`chaos: ${passed} passed, ${result.scenarios.length + 3 - passed} failed\n`);
  process.exit(result.passed ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    log(`chaos: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}

