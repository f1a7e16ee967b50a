// An incident id a pager has seen is never handed out again, even when the hub
// dies after paging it and before its commit landed (pages go first).
import { afterEach, describe, expect, it } from 'vitest';
import { StorageFaults } from '../../../hub/store/storage-faults.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { TestShop } from '../../support/shop.js';

let shop: TestShop;
afterEach(async () => {
  await shop.close();
});

const red = (seq: number) => JSON.stringify({ k: 'r', q: seq, a: 0 });

describe('incident ids', () => {
  it('are not reused after a crash that lost the commit of a paged incident', async () => {
    const faults = new StorageFaults();
    shop = await TestShop.open({}, { storageFaults: faults });
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    faults.failing = true; // the incident is paged, its commit never lands: as if the hub died before it
    void button.publish(UPLINK.press, red(1)).catch(() => undefined); // no PUBACK comes: the commit failed
    const lost = (await anna.next(DOWNLINK.alert)).i as number;
    await shop.stop();
    expect(shop.query('SELECT id FROM incidents')).toEqual([]);

    faults.failing = false;
    await shop.startHub();
    const ben = await shop.connect('pgr-ben');
    const other = await shop.connect('btn-2');
    void other.publish(UPLINK.press, red(1));
    const next = (await ben.next(DOWNLINK.alert)).i as number;
    expect(next).not.toBe(lost);
    expect(next).toBeGreaterThan(lost);
  });
});
