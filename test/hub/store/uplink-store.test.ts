// The uplink feed's ids and cursor (#19): what the forwarder's backlog and the
// chain's counts are computed from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Storage } from '../../../hub/store/storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storage(): Storage {
  const dir = mkdtempSync(join(tmpdir(), 'lb-uplink-'));
  dirs.push(dir);
  return Storage.open(dir);
}

describe('the uplink feed', () => {
  it('knows its newest id after the head office confirmed and pruned everything, and never gives one out twice', () => {
    const s = storage();
    for (let i = 0; i < 3; i++) s.uplink.append('health', { deviceId: 'btn-1', online: true }, i);
    expect(s.uplink.last()).toBe(3);
    expect(s.uplink.confirm(3, 100)).toBe(true);
    expect(s.uplink.after(0, 10)).toEqual([]); // pruned
    // Nothing waits: the newest id is still 3 (not 0, which made the backlog -3).
    expect(s.uplink.last()).toBe(3);
    s.uplink.append('health', { deviceId: 'btn-1', online: false }, 4);
    expect(s.uplink.after(3, 10).map((row) => row.id)).toEqual([4]);
    expect(s.uplink.last()).toBe(4);
    s.close();
  });
});
