// Today's counts from a real SQLite log: presses, and customers (bursts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_GAP_MS, today, todayView } from '../../../hub/report/today.js';
import { runRead } from '../../../hub/store/read-ops.js';
import { Storage } from '../../../hub/store/storage.js';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('Today (#16)', () => {
  it('counts a burst of presses of one kind at one button as one customer', () => {
    const storage = Storage.open(mkdtempSync(join(tmpdir(), 'lb-today-')));
    let seq = 0;
    const press = (deviceId: string, kind: 'red' | 'green', at: number) =>
      storage.log.insertPress({ deviceId, seq: ++seq, kind, pressedAt: at, receivedAt: at, ageMs: 0, incidentId: null, trial: false });
    // One customer hammering red six times in 10 s, another red 2 minutes later; at another button one red.
    for (let i = 0; i < 6; i++) press('btn-1', 'red', T0 + i * 2000);
    press('btn-1', 'red', T0 + 130_000);
    press('btn-2', 'red', T0 + 5000);
    // Greens: two customers at btn-1 (45 s apart), a green right after a red is its own customer.
    press('btn-1', 'green', T0 + 11_000);
    press('btn-1', 'green', T0 + 56_000);
    const { from, to } = today(T0 + 200_000, 'Europe/Berlin');
    const facts = runRead(storage, { read: 'today', from, to, customerGapMs: CUSTOMER_GAP_MS, showTrial: false });
    const view = todayView(facts, T0 + 200_000, 'Europe/Berlin', (id) => id, []);
    expect([view.red, view.green]).toEqual([8, 2]);
    expect(view.customers).toEqual({ red: 3, green: 2 });
    storage.close();
  });
});
