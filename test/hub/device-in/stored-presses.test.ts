import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../hub/store/database.js';
import { LogStore } from '../../../hub/store/log-store.js';
import { StoredPresses } from '../../../hub/device-in/stored-presses.js';

function storeWith(presses: [string, number][]): LogStore {
  const store = new LogStore(openDatabase(mkdtempSync(join(tmpdir(), 'loyalty-presses-'))));
  for (const [deviceId, seq] of presses) store.insertPress({ deviceId, seq, kind: 'red', pressedAt: seq, receivedAt: seq, ageMs: 0, incidentId: null, trial: false });
  return store;
}

describe('stored presses', () => {
  it('knows what is on disk from the start, per device, including presses below the highest', () => {
    const stored = new StoredPresses(storeWith([['btn-1', 3], ['btn-1', 7], ['btn-2', 1]]));
    expect(stored.has('btn-1', 3)).toBe(true);
    expect(stored.has('btn-1', 7)).toBe(true);
    expect(stored.has('btn-1', 5)).toBe(false); // a gap below the mark (a press dropped from a full outbox)
    expect(stored.has('btn-1', 8)).toBe(false);
    expect(stored.has('btn-2', 1)).toBe(true);
    expect(stored.has('btn-3', 1)).toBe(false);
  });

  it('answers presses above the highest seen without a query, and looks up the rest', () => {
    const store = storeWith([['btn-1', 10]]);
    const stored = new StoredPresses(store);
    const lookups = vi.spyOn(store, 'pressExists');
    expect(stored.has('btn-1', 11)).toBe(false);
    expect(stored.has('btn-9', 1)).toBe(false);
    expect(lookups).not.toHaveBeenCalled();
    expect(stored.has('btn-1', 10)).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('finds a submitted press once committed, and a press whose commit failed missing', () => {
    const store = storeWith([]);
    const stored = new StoredPresses(store);
    stored.submitted('btn-1', 1);
    stored.submitted('btn-1', 2);
    // Only press 1 reaches the disk (the commit of 2 failed).
    store.insertPress({ deviceId: 'btn-1', seq: 1, kind: 'red', pressedAt: 1, receivedAt: 1, ageMs: 0, incidentId: null, trial: false });
    expect(stored.has('btn-1', 1)).toBe(true);
    expect(stored.has('btn-1', 2)).toBe(false); // its retransmission is stored as new
  });
});
