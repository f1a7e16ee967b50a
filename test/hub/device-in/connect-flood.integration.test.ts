// Issue #14.1: wrong-secret CONNECTs must not delay a real device or the
// owner. Each used to cost a 16 MiB scrypt in the queue dashboard logins share.
import { afterEach, describe, expect, it } from 'vitest';
import { connectFlood, type Flood } from '../../../scripts/lib/connect-flood.js';
import { TestShop } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
let shop: TestShop | undefined;
let flood: Flood | undefined;
afterEach(async () => {
  await flood?.stop();
  await shop?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a flood of wrong-secret CONNECTs', () => {
  it("leaves a real device's first connect and the owner's login under 2 s, at 1 000 CONNECTs/s", async () => {
    shop = await TestShop.open({}, { realClock: true });
    await shop.addUser('olga', 'owner', PASSWORD);
    flood = connectFlood(shop.hub.mqttPort, 'btn-1', 1000, 8);
    await sleep(1000); // the flood is in full swing

    const connectStarted = performance.now();
    await shop.connect('btn-1'); // the hub has never verified this device's secret
    const connectMs = performance.now() - connectStarted;

    const loginStarted = performance.now();
    const login = await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'olga', password: PASSWORD }) });
    const loginMs = performance.now() - loginStarted;

    await flood.stop();
    console.log(`connect flood: ${flood.sent} wrong-secret CONNECTs in ~${((performance.now() - connectStarted) / 1000 + 1).toFixed(1)} s; a real device's first connect ${connectMs.toFixed(0)} ms, the owner's login ${loginMs.toFixed(0)} ms`);
    expect(flood.sent).toBeGreaterThan(1000); // it really flooded
    expect(login.status).toBe(200);
    expect(connectMs).toBeLessThan(2000);
    expect(loginMs).toBeLessThan(2000);
    expect(shop.hub.refusals.connect).toBeGreaterThan(500); // every wrong secret refused, and counted
  }, 30_000);
});
