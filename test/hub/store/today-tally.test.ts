// Today's counts kept up to date between reads (#20): after every change, the
// running tally says what counting from scratch says — through presses in
// order, presses older than their button's last, presses at the day's edges,
// presses turned staff's, trial data removed by another connection.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../hub/store/database.js';
import { Storage } from '../../../hub/store/storage.js';
import { TodayTally } from '../../../hub/store/today-tally.js';
import { seededRandom } from '../../support/random.js';

const GAP = 30_000;
const FROM = Date.UTC(2026, 11, 7);
const TO = FROM + 86_400_000;

describe("today's tally", () => {
  it('agrees with counting from scratch after every change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-tally-'));
    const storage = Storage.open(dir, { fsync: false });
    const other = openDatabase(dir, { fsync: false }); // another connection, as the hub's event loop has
    const tally = new TodayTally(storage.db, storage.reports);
    const random = seededRandom(42);
    let seq = 0;
    const clock = new Map<string, number>(); // each button's time, moving forward
    const pressed: { deviceId: string; seq: number }[] = [];
    let checks = 0;
    for (let step = 0; step < 1500; step++) {
      const roll = random();
      const deviceId = `btn-${Math.floor(random() * 6)}`;
      let at = (clock.get(deviceId) ?? FROM - 60_000) + Math.floor(random() * 11) * 5000; // gaps of exactly the burst gap too
      if (roll < 0.03) at -= 200_000; // from an outbox: older than the button's last
      if (roll > 0.995) at = TO + 1000; // tomorrow's (a button's clock ahead)
      clock.set(deviceId, Math.max(clock.get(deviceId) ?? 0, at));
      const trial = random() < 0.1;
      storage.log.insertPress({ deviceId, seq: ++seq, kind: random() < 0.6 ? 'red' : 'green', pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial });
      pressed.push({ deviceId, seq });
      if (random() < 0.02) {
        const p = pressed[Math.floor(random() * pressed.length)];
        storage.log.markStaffPress(p.deviceId, p.seq);
        tally.forget();
      }
      if (random() < 0.005) other.prepare('DELETE FROM presses WHERE trial = 1').run(); // going live
      if (random() < 0.01) other.prepare('DELETE FROM presses WHERE id = (SELECT MAX(id) FROM presses)').run(); // any change the tally is not told of
      if (random() < 0.3) {
        if (random() < 0.05) storage.reports.showTrial = !storage.reports.showTrial; // the simulation starts or stops
        const counted = tally.counts(FROM, TO, GAP);
        expect(counted).toEqual({ presses: storage.reports.pressCounts(FROM, TO), customers: storage.reports.customerCounts(FROM, TO, GAP) });
        if (counted.presses.red > 0) checks++;
      }
    }
    expect(checks).toBeGreaterThan(100);
    other.close();
    storage.close();
  });

  it('counts a press added since the last read without counting the day again', () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-tally-')), { fsync: false });
    const tally = new TodayTally(storage.db, storage.reports);
    const press = (seq: number, at: number) => storage.log.insertPress({ deviceId: 'btn-1', seq, kind: 'red', pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial: false });
    press(1, FROM + 1000);
    expect(tally.counts(FROM, TO, GAP)).toEqual({ presses: { red: 1, green: 0 }, customers: { red: 1, green: 0 } });
    // Counting from scratch would ask ReportQueries; the running tally does not.
    let full = 0;
    const count = storage.reports.customerCounts.bind(storage.reports);
    storage.reports.customerCounts = (...args) => (full++, count(...args));
    press(2, FROM + 5000);
    press(3, FROM + 100_000);
    expect(tally.counts(FROM, TO, GAP)).toEqual({ presses: { red: 3, green: 0 }, customers: { red: 2, green: 0 } });
    expect(full).toBe(0);
    press(4, FROM + 2000); // older than the button's last: counted from scratch
    expect(tally.counts(FROM, TO, GAP)).toEqual({ presses: { red: 4, green: 0 }, customers: { red: 2, green: 0 } });
    expect(full).toBe(1);
    storage.close();
  });
});
