// A shift worn on the wrist, simulated: the real hub (its own process), a
// button on the real clock, and the BUILT pager bundle in the shim on a
// virtual clock. The customer presses RED at a steady rate; each alert
// reaches the pager over real MQTT; staff acknowledge after ackAfterS and
// record an outcome after outcomeAfterS (a long press, then a short one).
// Virtual time jumps from one timer of the pager to the next, and stands
// still while the pager waits for the hub, so twelve hours take seconds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { VirtualClock } from '../../firmware/shim/device-clock.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { repoRoot } from '../../hub/paths.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { freePort } from '../bench/mosquitto.js';
import { HubProcess, provision, sleep, until } from '../lib/hub-process.js';
import { ExchangeWatch } from './exchange-watch.js';
import type { Powersave, ShiftCounts } from './energy-model.js';
import { OnTimeMeter } from './on-time.js';

export interface ShiftOptions {
  hours: number;
  alertsPerHour: number;
  powersave: Powersave;
  /** Seconds from the buzz to the short press that acknowledges. */
  ackAfterS: number;
  /** Seconds from the buzz to the outcome (a long press, then a short one). */
  outcomeAfterS: number;
  progress?: (line: string) => void;
}

export interface ShiftResult {
  counts: ShiftCounts;
  /** resolved counts incidents with an outcome; outcomesSent, the outcomes staff entered before the shift ended. */
  alerts: { pressed: number; reachedPager: number; acknowledged: number; outcomesSent: number; resolved: number };
  /** Times the pager waited for the hub longer than the run allows (the clock moved on anyway). */
  stalls: number;
  realSeconds: number;
}

const SITE = 'power';
const PAGER = 'pgr-wrist';
const BUTTON = 'btn-counter';
const PAGER_PINS = DEFAULT_PINS.pager;
/** Real time after a press of the button (on the real clock) before the next: longer than its 30 ms debounce. */
const BUTTON_SETTLE_MS = 60;
/** Real time the run waits for an answer the pager expects before letting its clock move on. */
const ANSWER_WAIT_MS = 3000;

interface Step {
  at: number;
  run: () => void | Promise<void>;
}

export async function runShift(options: ShiftOptions): Promise<ShiftResult> {
  if (options.outcomeAfterS * 1000 >= 3_600_000 / options.alertsPerHour) throw new Error('outcomeAfterS must be shorter than the time between alerts');
  const startedAt = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'lb-power-'));
  const [mqtt, ws, http] = [await freePort(), await freePort(), await freePort()];
  mkdirSync(join(dir, 'data'), { recursive: true });
  const secrets = await provision(join(dir, 'data'), [BUTTON, PAGER]);
  const hub = await HubProcess.start(dir, {
    site: SITE,
    dataDir: 'data',
    logLevel: 'warn',
    mqtt: { host: '127.0.0.1', port: mqtt, wsPort: ws },
    http: { host: '127.0.0.1', port: http },
    openingHours: {},
    // The hub's timers run on real time while the pager's run on virtual time: none of them may fire during the run.
    timings: { foldWindowS: 0.001, rebuzzS: 86_400, escalateS: 86_400, retriggerS: 86_400, offlineGraceS: 86_400 },
    // A shift's presses arrive several per real second here; the hub's per-button limit (5/s) is for real customers.
    pressRate: { perSecond: 1000, burst: 1000 },
    devices: [
      { id: BUTTON, kind: 'button', label: 'Counter' },
      { id: PAGER, kind: 'pager', label: 'Wrist' },
    ],
    defaultRoute: [[PAGER]],
    managers: [PAGER],
  });
  const clock = new VirtualClock();
  const bundle = (kind: string) => readFileSync(join(repoRoot(), 'firmware', 'dist', `${kind}.js`), 'utf8');
  const pager = new SimulatedDevice({ name: PAGER, bundle: bundle('pager'), storageDir: join(dir, 'flash', PAGER), clock });
  const button = new SimulatedDevice({ name: BUTTON, bundle: bundle('button'), storageDir: join(dir, 'flash', BUTTON) });
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(join(dir, 'data', DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  try {
    for (const [device, kind] of [
      [pager, 'pager'],
      [button, 'button'],
    ] as const) {
      device.storage.writeJSON(
        'lb.config',
        flashedConfig({ kind, id: device.options.name, secret: secrets.get(device.options.name)!, site: SITE, hubHost: '127.0.0.1', hubPort: mqtt, ...(kind === 'pager' ? { powersave: options.powersave } : {}) }),
      );
    }
    const meter = new OnTimeMeter(pager, { motor: PAGER_PINS.motor, led: PAGER_PINS.led });
    const exchanges = new ExchangeWatch(pager);
    const startActivity = { ...pager.activity };
    pager.boot();
    button.boot();

    let stalls = 0;
    /** Lets the pager's sockets and the hub finish what the last step started, on real time. */
    const settle = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const deadline = performance.now() + ANSWER_WAIT_MS;
      while (exchanges.outstanding > 0 || pager.connectingSockets > 0) {
        if (performance.now() > deadline) {
          stalls++;
          break;
        }
        await sleep(1);
      }
    };

    const steps: Step[] = [];
    const schedule = (at: number, run: Step['run']) => {
      let i = steps.length;
      while (i > 0 && steps[i - 1].at > at) i--;
      steps.splice(i, 0, { at, run });
    };
    const endAt = options.hours * 3_600_000;
    const intervalMs = 3_600_000 / options.alertsPerHour;
    const alerts = { pressed: 0, reachedPager: 0, acknowledged: 0, outcomesSent: 0, resolved: 0 };
    const shortPress = (at: number) => {
      schedule(at, () => pager.hold(PAGER_PINS.button, true));
      schedule(at + 150, () => pager.hold(PAGER_PINS.button, false));
    };
    for (let at = intervalMs / 2; at < endAt; at += intervalMs) {
      schedule(at, async () => {
        const before = exchanges.published;
        alerts.pressed++;
        await button.press(DEFAULT_PINS.button.red, 80);
        // The hub pages at once; the pager's clock stands still until the alert is in.
        const reached = await until(() => exchanges.published > before && pager.pin(PAGER_PINS.motor) === 1, 5000);
        // The button's next press must not follow this release within its debounce (real time here): it would be a bounce.
        await sleep(BUTTON_SETTLE_MS);
        if (!reached) return;
        alerts.reachedPager++;
        const buzzedAt = clock.now();
        shortPress(buzzedAt + options.ackAfterS * 1000);
        schedule(buzzedAt + options.outcomeAfterS * 1000, () => pager.hold(PAGER_PINS.button, true));
        schedule(buzzedAt + options.outcomeAfterS * 1000 + 1000, () => pager.hold(PAGER_PINS.button, false)); // long: the first outcome
        shortPress(buzzedAt + options.outcomeAfterS * 1000 + 2000); // short: send it
        schedule(buzzedAt + options.outcomeAfterS * 1000 + 2150, () => void alerts.outcomesSent++);
      });
    }

    let reportedHour = 0;
    for (;;) {
      const timerAt = clock.nextDue() ?? Infinity;
      const stepAt = steps.length > 0 ? steps[0].at : Infinity;
      const at = Math.min(timerAt, stepAt, endAt);
      clock.advanceTo(at);
      if (stepAt === at) await steps.shift()!.run();
      await settle();
      if (at >= endAt) break;
      const hour = Math.floor(at / 3_600_000);
      if (hour > reportedHour) {
        reportedHour = hour;
        options.progress?.(`  ${hour} h of ${options.hours} simulated (${Math.round((performance.now() - startedAt) / 1000)} s)`);
      }
    }
    // Let the last acknowledgements and outcomes reach the database.
    await sleep(300);
    const rows = query<{ acknowledged: number; resolved: number }>(
      'SELECT COUNT(acknowledged_at) AS acknowledged, COUNT(outcome) AS resolved FROM incidents WHERE kind = ? AND acknowledged_by = ?',
      'red',
      PAGER,
    )[0];
    alerts.acknowledged = rows.acknowledged;
    alerts.resolved = rows.resolved;
    const a = pager.activity;
    return {
      counts: {
        durationS: endAt / 1000,
        powersave: options.powersave,
        packetsSent: a.packetsSent - startActivity.packetsSent,
        packetsReceived: a.packetsReceived - startActivity.packetsReceived,
        callbacks: a.callbacks - startActivity.callbacks,
        i2cBytes: a.i2cBytes - startActivity.i2cBytes,
        motorOnS: meter.seconds('motor'),
        ledOnS: meter.seconds('led'),
        displayOnS: meter.seconds('display'),
      },
      alerts,
      stalls,
      realSeconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    pager.powerOff();
    button.powerOff();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
