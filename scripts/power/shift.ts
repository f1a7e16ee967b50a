// A shift worn on the wrist, simulated: the real hub (in this process, its
// clock and supervision driven on the shift's virtual time), a button on the
// real clock, and the BUILT pager bundle in the shim on the virtual clock.
// The customer presses RED at a steady rate; each alert reaches the pager over
// real MQTT; the hub re-buzzes as it would; staff acknowledge after ackAfterS
// and record an outcome after outcomeAfterS (a long press, then a short one).
// The pager's battery drains as the energy model says, so the hub's battery
// warnings are tested by the same run. Virtual time jumps from one timer of
// the pager to the next, and stands still while the pager waits for the hub,
// so twelve hours take about a minute.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { DEFAULT_PINS } from '../../firmware/hal/default-pins.js';
import { VirtualClock } from '../../firmware/shim/device-clock.js';
import { flashedConfig } from '../../firmware/shim/flashed-config.js';
import { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { parseConfig } from '../../hub/config/load.js';
import { Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/log.js';
import { repoRoot } from '../../hub/paths.js';
import { DATABASE_FILE } from '../../hub/store/database.js';
import { EMPTY_PERCENT, batteryMv } from '../../shared/battery.js';
import { freePort } from '../bench/mosquitto.js';
import { provision, sleep } from '../lib/hub-process.js';
import { ExchangeWatch } from './exchange-watch.js';
import { powerBudget, type Powersave, type ShiftCounts } from './energy-model.js';
import { OnTimeMeter } from './on-time.js';

export interface ShiftOptions {
  hours: number;
  alertsPerHour: number;
  powersave: Powersave;
  /** Seconds from the buzz to the short press that acknowledges. */
  ackAfterS: number;
  /** Seconds from the buzz to the outcome (a long press, then a short one). */
  outcomeAfterS: number;
  batteryMah: number;
  /** Charge of the pager's battery when the shift starts. */
  batteryStartPercent: number;
  progress?: (line: string) => void;
}

export interface BatteryStory {
  startPercent: number;
  /** Charge left at the end, by the energy model. */
  endPercent: number;
  /** Hours into the shift when the hub raised "battery" for the pager, and what it said; null if it never did. */
  warnedAtH: number | null;
  warning: string | null;
  /** Hours into the shift when the pager stops (EMPTY_PERCENT) at the shift's average current. */
  emptyAtH: number;
}

export interface ShiftResult {
  counts: ShiftCounts;
  /** resolved counts incidents with an outcome; outcomesSent, the outcomes staff entered before the shift ended. */
  alerts: { pressed: number; reachedPager: number; acknowledged: number; outcomesSent: number; resolved: number };
  /** Messages the hub published to the pager: alerts, re-buzzes, cancels, clock. */
  downlinks: number;
  battery: BatteryStory;
  /** Times the pager waited for the hub longer than the run allows (the clock moved on anyway). */
  stalls: number;
  realSeconds: number;
}

const SITE = 'power';
const PAGER = 'pgr-wrist';
const BUTTON = 'btn-counter';
const PAGER_PINS = DEFAULT_PINS.pager;
/** The pager's battery divider (an ADC1 pin, docs/hardware.md): two equal resistors. */
const BATTERY = { pin: 'D35', divider: 2 };
/** The shift opens at 08:00 on a Monday in the site's zone; the site closes when the shift ends. */
const ZONE = 'Europe/Berlin';
const OPENS = DateTime.fromISO('2026-12-07T08:00', { zone: ZONE });
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
  const clock = new VirtualClock();
  const closes = OPENS.plus({ minutes: Math.round(options.hours * 60) });
  const closing = closes.hasSame(OPENS, 'day') ? closes.toFormat('HH:mm') : '24:00';
  const hub = await Hub.start({
    config: parseConfig(
      {
        site: SITE,
        timeZone: ZONE,
        dataDir: 'data',
        mqtt: { host: '127.0.0.1', port: mqtt, wsPort: ws },
        http: { host: '127.0.0.1', port: http },
        openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [`08:00-${closing}`]])),
        devices: [
          { id: BUTTON, kind: 'button', label: 'Counter' },
          { id: PAGER, kind: 'pager', label: 'Anna' },
        ],
        defaultRoute: [[PAGER]],
        // Nobody to page about device problems: the battery warning is read from the log (a manager's pager is tested elsewhere).
        managers: [],
        // Every press of this shift is red: a mood alert would be raised every 15 minutes. Off: the shift is about its alerts.
        moodAlert: { enabled: false },
      },
      'power',
    ),
    dataDir: join(dir, 'data'),
    // The hub lives on the shift's virtual time: its re-buzz, escalation and supervision run as they would over the day.
    clock: { now: () => OPENS.toMillis() + clock.now() },
    logger: createLogger('silent'),
    tickMs: 0,
  });
  const bundle = (kind: string) => readFileSync(join(repoRoot(), 'firmware', 'dist', `${kind}.js`), 'utf8');
  const pager = new SimulatedDevice({ name: PAGER, bundle: bundle('pager'), storageDir: join(dir, 'flash', PAGER), clock });
  const button = new SimulatedDevice({ name: BUTTON, bundle: bundle('button'), storageDir: join(dir, 'flash', BUTTON), clock });
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
    pager.storage.writeJSON('lb.config', { ...(pager.storage.readJSON('lb.config', true) as object), battery: BATTERY });
    const meter = new OnTimeMeter(pager, { motor: PAGER_PINS.motor, led: PAGER_PINS.led });
    const steps: Step[] = [];
    const schedule = (at: number, run: Step['run']) => {
      let i = steps.length;
      while (i > 0 && steps[i - 1].at > at) i--;
      steps.splice(i, 0, { at, run });
    };
    const alerts = { pressed: 0, reachedPager: 0, acknowledged: 0, outcomesSent: 0, resolved: 0 };
    const shortPress = (at: number) => {
      schedule(at, () => pager.hold(PAGER_PINS.button, true));
      schedule(at + 150, () => pager.hold(PAGER_PINS.button, false));
    };
    // Staff: every incident that reaches the wrist is acknowledged, then given an outcome (a long press, then a
    // short one). The pager acts on the oldest alert not yet acknowledged, so with two open (a battery warning
    // beside a complaint) the presses land in the pager's order; before an outcome, staff first acknowledge
    // whatever still waits, or the long press would offer "can't go".
    // One pair of hands: an action starts when the one before it is over (a gap of 200 ms between them).
    const booked: [number, number][] = [];
    const book = (desired: number, durationMs: number): number => {
      let start = desired;
      for (;;) {
        const clash = booked.find(([s, e]) => start < e + 200 && start + durationMs + 200 > s);
        if (!clash) break;
        start = clash[1] + 200;
      }
      booked.push([start, start + durationMs]);
      return start;
    };
    const handled = new Set<number>();
    const waiting = new Set<number>();
    const staffReact = (incident: number, kind: string) => {
      if (handled.has(incident)) return;
      handled.add(incident);
      waiting.add(incident);
      if (kind === 'r') alerts.reachedPager++;
      const buzzedAt = clock.now();
      const ackAt = book(buzzedAt + options.ackAfterS * 1000, 150);
      shortPress(ackAt);
      schedule(ackAt + 150, () => void waiting.delete(incident));
      const recordOutcome = (at: number) => {
        schedule(at, () => {
          if (waiting.size === 0) return;
          waiting.clear();
          pager.hold(PAGER_PINS.button, true);
          schedule(at + 150, () => pager.hold(PAGER_PINS.button, false));
        });
        schedule(at + 500, () => pager.hold(PAGER_PINS.button, true));
        schedule(at + 1500, () => pager.hold(PAGER_PINS.button, false));
        // Staff read the screen: an alert that came in meanwhile makes the long press offer "can't go" for it;
        // another long press goes on to the outcomes (recording one takes that alert).
        schedule(at + 1600, () => {
          const asked = pager.screen[0]?.startsWith("Can't go") === true;
          if (asked) {
            pager.hold(PAGER_PINS.button, true);
            schedule(at + 2600, () => pager.hold(PAGER_PINS.button, false));
          }
          const sendAt = asked ? at + 3500 : at + 2500;
          shortPress(sendAt);
          if (kind === 'r') schedule(sendAt + 150, () => void alerts.outcomesSent++);
        });
      };
      recordOutcome(book(buzzedAt + options.outcomeAfterS * 1000, 3650));
    };
    const pagerExchanges = new ExchangeWatch(pager, staffReact);
    const buttonExchanges = new ExchangeWatch(button);
    const startActivity = { ...pager.activity };
    pager.boot();
    button.boot();

    let stalls = 0;
    /** Lets the pager's sockets and the hub finish what the last step started, on real time; then the hub's clock-driven work. */
    const settle = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      hub.tick();
      // A re-buzz or a warning the tick sent reaches the pager over loopback within an event-loop turn or two.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const deadline = performance.now() + ANSWER_WAIT_MS;
      while (pagerExchanges.outstanding + buttonExchanges.outstanding + pager.connectingSockets + button.connectingSockets > 0) {
        if (performance.now() > deadline) {
          stalls++;
          break;
        }
        await sleep(1);
      }
    };

    const endAt = options.hours * 3_600_000;
    const intervalMs = 3_600_000 / options.alertsPerHour;
    // A customer presses RED for 80 ms; the alert reaches the pager while the clock stands (settle), and staff react.
    for (let at = intervalMs / 2; at < endAt; at += intervalMs) {
      schedule(at, () => button.hold(DEFAULT_PINS.button.red, true));
      schedule(at + 80, () => {
        button.hold(DEFAULT_PINS.button.red, false);
        alerts.pressed++;
      });
    }

    const countsNow = (): ShiftCounts => {
      const a = pager.activity;
      return {
        durationS: clock.now() / 1000,
        powersave: options.powersave,
        packetsSent: a.packetsSent - startActivity.packetsSent,
        packetsReceived: a.packetsReceived - startActivity.packetsReceived,
        callbacks: a.callbacks - startActivity.callbacks,
        i2cBytes: a.i2cBytes - startActivity.i2cBytes,
        motorOnS: meter.seconds('motor'),
        ledOnS: meter.seconds('led'),
        displayOnS: meter.seconds('display'),
      };
    };
    /** The battery as the energy model has drained it so far, where the pager's ADC reads it. */
    const percentLeft = () => {
      const counts = countsNow();
      const usedMah = counts.durationS > 0 ? (powerBudget(counts, options.batteryMah).averageMa * counts.durationS) / 3600 : 0;
      return Math.max(0, options.batteryStartPercent - (100 * usedMah) / options.batteryMah);
    };
    const setBattery = () => pager.analogValues.set(BATTERY.pin, batteryMv(percentLeft()) / 3300 / BATTERY.divider);
    setBattery();

    let reportedHour = 0;
    let batteryMinute = 0;
    for (;;) {
      const timerAt = clock.nextDue() ?? Infinity;
      const stepAt = steps.length > 0 ? steps[0].at : Infinity;
      const at = Math.min(timerAt, stepAt, endAt);
      clock.advanceTo(at);
      if (stepAt === at) await steps.shift()!.run();
      await settle();
      if (Math.floor(at / 60_000) > batteryMinute) {
        batteryMinute = Math.floor(at / 60_000);
        setBattery();
      }
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
    const counts = countsNow();
    const budget = powerBudget(counts, options.batteryMah);
    const warning = query<{ opened_at: number; detail: string | null }>(
      "SELECT i.opened_at, (SELECT detail FROM incident_events e WHERE e.incident_id = i.id ORDER BY e.id LIMIT 1) AS detail FROM incidents i WHERE i.kind = 'battery' AND i.source = ? ORDER BY i.id LIMIT 1",
      PAGER,
    )[0];
    return {
      counts,
      alerts,
      downlinks: pagerExchanges.published,
      battery: {
        startPercent: options.batteryStartPercent,
        endPercent: Math.round(percentLeft() * 10) / 10,
        warnedAtH: warning ? (warning.opened_at - OPENS.toMillis()) / 3_600_000 : null,
        warning: warning?.detail ?? null,
        emptyAtH: (Math.max(0, options.batteryStartPercent - EMPTY_PERCENT) / 100) * (options.batteryMah / budget.averageMa),
      },
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
