// npm run power: how long the wrist pager lasts on a battery, from a simulated
// shift through the built pager bundle (shift.ts) and datasheet currents
// (currents.ts). Method and limits: docs/power.md.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_POWERSAVE } from '../../firmware/lib/device-config.js';
import { CURRENTS } from './currents.js';
import { powerBudget, type Budget, type Powersave } from './energy-model.js';
import { runShift, type ShiftResult } from './shift.js';
import { positive } from '../lib/cli-numbers.js';

export interface PowerResult {
  date: string;
  machine: string;
  options: PowerOptions;
  shift: ShiftResult;
  budget: Budget;
  currents: typeof CURRENTS;
  target: { hours: number; met: boolean };
  /** The simulated shift did what it was meant to: every alert reached the pager, was acknowledged and resolved. */
  shiftPlayedOut: boolean;
}

interface PowerOptions {
  hours: number;
  alertsPerHour: number;
  batteryMah: number;
  powersave: Powersave;
  ackAfterS: number;
  outcomeAfterS: number;
  batteryStartPercent: number;
  targetHours: number;
  quick: boolean;
}

const log = (line: string) => process.stderr.write(line + '\n');

function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new InvalidArgumentError('must be a percentage above 0, at most 100');
  return n;
}

export function formatReport(result: PowerResult): string {
  const { shift, budget, options } = result;
  const lines = [
    `Simulated shift: ${shift.counts.durationS / 3600} h, powersave ${options.powersave}, ${options.alertsPerHour} alerts/h (acknowledged after ${options.ackAfterS} s, outcome after ${options.outcomeAfterS} s)`,
    `  alerts: ${shift.alerts.pressed} pressed, ${shift.alerts.reachedPager} reached the pager, ${shift.alerts.acknowledged} acknowledged, ${shift.alerts.outcomesSent} outcomes entered (the last alert's may fall after the end), ${shift.alerts.resolved} resolved; ${shift.stalls} stalls; ${shift.realSeconds.toFixed(1)} s of real time`,
    `  counted: ${shift.counts.packetsSent} frames sent, ${shift.counts.packetsReceived} received, ${shift.counts.callbacks} callbacks, ${shift.counts.i2cBytes} I2C bytes, motor ${shift.counts.motorOnS.toFixed(1)} s, LED ${shift.counts.ledOnS.toFixed(1)} s, display lit ${shift.counts.displayOnS.toFixed(1)} s`,
    '',
    `  ${'consumer'.padEnd(44)} ${'mAh'.padStart(8)} ${'avg mA'.padStart(8)} ${'share'.padStart(6)}`,
  ];
  for (const c of budget.consumers) {
    lines.push(`  ${c.name.padEnd(44)} ${c.mAh.toFixed(2).padStart(8)} ${c.averageMa.toFixed(3).padStart(8)} ${((100 * c.averageMa) / budget.averageMa).toFixed(1).padStart(5)}%`);
  }
  lines.push(`  ${'total'.padEnd(44)} ${(budget.averageMa * (shift.counts.durationS / 3600)).toFixed(2).padStart(8)} ${budget.averageMa.toFixed(3).padStart(8)}`);
  lines.push('');
  lines.push(
    `Battery ${budget.batteryMah} mAh (${budget.usableMah.toFixed(0)} mAh usable): ${budget.hoursOnBattery.toFixed(1)} h at ${budget.averageMa.toFixed(1)} mA — target ${result.target.hours} h ${result.target.met ? 'met' : 'NOT met'}`,
  );
  const b = shift.battery;
  lines.push(
    `Battery story: ${b.startPercent} % → ${b.endPercent} % over the shift; at this drain the usable charge lasts ${b.emptyAtH.toFixed(1)} h; ` +
      (b.warnedAtH === null ? 'the hub raised no battery warning' : `the hub warned at ${b.warnedAtH.toFixed(2)} h ("${b.warning}"), ${((b.emptyAtH - b.warnedAtH) * 60).toFixed(0)} min before empty`),
  );
  if (!result.shiftPlayedOut) lines.push('The shift did not play out as scripted (see alerts above): the figures are not trustworthy.');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const program = new Command('npm run power --')
    .description('Runs the built pager bundle through a simulated shift against a real hub and turns what it did into battery hours (docs/power.md).')
    .option('--hours <h>', 'length of the simulated shift', positive, 12)
    .option('--alerts-per-hour <n>', 'red presses paged to the pager per hour', positive, 30)
    .option('--battery-mah <mAh>', 'rated capacity of the pager’s LiPo', positive, 400)
    .addOption(new Option('--powersave <mode>', 'Wi-Fi modem sleep of the pager').choices(['none', 'min', 'max']).default(DEFAULT_POWERSAVE.pager))
    .option('--ack-after-s <s>', 'seconds from the buzz to the acknowledging press (the hub re-buzzes after 15 s)', positive, 10)
    .option('--outcome-after-s <s>', 'seconds from the buzz to the outcome', positive, 90)
    .option('--battery-start-percent <p>', 'charge of the battery when the shift starts (the hub should warn when it will not last)', percent, 100)
    .option('--target-hours <h>', 'hours the battery must last', positive, 12)
    .option('--quick', 'a one-hour shift unless --hours is given (part of npm test); hours on the battery are still worked out')
    .option('--json <file>', 'also write the results as JSON')
    .parse();
  const o = program.opts<Omit<PowerOptions, 'quick'> & { quick?: boolean; json?: string }>();
  const hoursGiven = program.getOptionValueSource('hours') === 'cli';
  const options: PowerOptions = { ...o, quick: Boolean(o.quick), hours: o.quick && !hoursGiven ? 1 : o.hours };
  log(`power: simulating ${options.hours} h on the pager (powersave ${options.powersave}, ${options.alertsPerHour} alerts/h)…`);
  const shift = await runShift({ ...options, progress: log });
  const budget = powerBudget(shift.counts, options.batteryMah);
  const a = shift.alerts;
  const result: PowerResult = {
    date: new Date().toISOString(),
    machine: `${process.platform} ${process.arch}, Node ${process.versions.node}`,
    options,
    shift,
    budget,
    currents: CURRENTS,
    target: { hours: options.targetHours, met: budget.hoursOnBattery >= options.targetHours },
    shiftPlayedOut: a.pressed > 0 && a.reachedPager === a.pressed && a.acknowledged === a.pressed && a.resolved === a.outcomesSent && a.outcomesSent >= a.pressed - 1 && shift.stalls === 0,
  };
  process.stdout.write(formatReport(result) + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2));
  process.exit(result.shiftPlayedOut && result.target.met ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    log(`power: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
