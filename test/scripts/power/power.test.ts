// npm run power through the built CLI: a one-hour shift of the built pager
// bundle against a real hub, on a virtual clock.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PowerResult } from '../../../scripts/power/power.js';

function runPower(...args: string[]): Promise<{ code: number; stdout: string; result: PowerResult }> {
  const json = join(mkdtempSync(join(tmpdir(), 'lb-power-test-')), 'power.json');
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/scripts/power/power.js', '--quick', '--json', json, ...args], { timeout: 120_000 }, (error, stdout) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, result: JSON.parse(readFileSync(json, 'utf8')) as PowerResult });
    });
  });
}

describe('npm run power (#15)', () => {
  it('plays a shift through the built pager and finds a 400 mAh battery lasts 12 h at 30 alerts an hour', async () => {
    const { code, stdout, result } = await runPower();
    const { alerts, counts } = result.shift;
    expect(result.options.powersave).toBe('max'); // the pager's default
    expect(alerts.pressed).toBe(30);
    expect(alerts.reachedPager).toBe(30);
    expect(alerts.acknowledged).toBe(30);
    expect(alerts.resolved).toBe(alerts.outcomesSent);
    expect(result.shift.stalls).toBe(0);
    // The motor ran each new alert's pattern (3 × 400 ms) and a 60 ms tick for each press that did something.
    expect(counts.motorOnS).toBeGreaterThan(30 * 1.2);
    expect(counts.motorOnS).toBeLessThan(30 * (1.2 + 4 * 0.06) + 1);
    // The display slept most of the hour; lit for each alert and the presses that followed it.
    expect(counts.displayOnS).toBeGreaterThan(30 * 6);
    expect(counts.displayOnS).toBeLessThan(0.25 * 3600);
    // Keepalives every 30 s at least, heartbeats, and each alert's exchanges.
    expect(counts.packetsSent).toBeGreaterThan(120);
    expect(result.shift.battery.warnedAtH).toBeNull(); // a full battery: no false alarm
    expect(result.target.met).toBe(true);
    expect(result.budget.hoursOnBattery).toBeGreaterThanOrEqual(12);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Battery 400 mAh .* target 12 h met/);
  }, 150_000);

  it('says plainly when the battery falls short, and exits non-zero', async () => {
    const { code, stdout, result } = await runPower('--powersave', 'none');
    expect(result.shift.alerts.reachedPager).toBe(30);
    expect(result.budget.averageMa).toBeGreaterThan(90);
    expect(result.target.met).toBe(false);
    expect(stdout).toMatch(/target 12 h NOT met/);
    expect(code).toBe(1);
  }, 150_000);

  it('drains the pager’s battery as the model says, and the hub warns at shift start when it will not last until closing (#15)', async () => {
    const { result } = await runPower('--hours', '5', '--battery-start-percent', '30');
    const { battery, alerts } = result.shift;
    expect(alerts.reachedPager).toBe(150);
    expect(battery.endPercent).toBeLessThan(battery.startPercent);
    expect(battery.warnedAtH).not.toBeNull();
    expect(battery.warnedAtH!).toBeLessThan(0.1); // within minutes of opening
    expect(battery.warning).toMatch(/^\d+ %, about 3 h \d+ min left, closing in 4 h \d+ min$/);
    expect((battery.emptyAtH - battery.warnedAtH!) * 60).toBeGreaterThanOrEqual(60);
  }, 150_000);
});
