// The simulated shop's data is trial data (#17): shown while it runs, kept
// out of every view once real devices run the shop, its open incidents do not
// come back, and one "go live" removes it, saying what it removed.
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, as } from '../../support/dashboard.js';
import { TestShop, eventually, shopConfig } from '../../support/shop.js';

let shop: TestShop;

afterEach(async () => {
  await shop.close();
});

/** Logs in as the owner on the running hub. */
const asOwner = () => as(`http://127.0.0.1:${shop.hub.httpPort}`, 'olga');

describe('trial data', () => {
  it('is kept apart from the real history and removed by going live', async () => {
    shop = await TestShop.open({ devices: [], routes: {}, managers: [] }, { realClock: true, tickMs: 250, simulate: true });
    await shop.addUser('olga', 'owner', PASSWORD);
    let call = await asOwner();
    await shop.hub.simulatedShop!.press('sim-btn-1', 'red');
    await eventually(() => shop.query('SELECT 1 FROM incidents WHERE trial = 1').length === 1, 10_000, 'trial incident stored');
    expect((await call('GET', '/api/today')).body).toMatchObject({ red: 1 }); // while the virtual shop runs, it is what there is to see
    expect((await call('POST', '/api/go-live')).body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('still running') });

    // The shop's real devices are configured: the hub starts without the simulation.
    await shop.stop();
    const real = shopConfig();
    shop.config.devices = real.devices;
    shop.config.routes = real.routes;
    shop.config.managers = real.managers;
    shop.options.simulate = false;
    await shop.startHub();
    call = await asOwner();
    const today = (await call('GET', '/api/today')).body;
    expect(today).toMatchObject({ red: 0, incidents: 0, open: [] }); // counted nowhere, and its open incident did not come back
    await eventually(() => shop.query('SELECT 1 FROM incidents WHERE trial = 1 AND resolved_at IS NOT NULL').length === 1, 5000, 'trial incident closed');
    expect((await call('GET', '/api/trial')).body).toEqual({ presses: 1, incidents: 1 });

    const live = await call('POST', '/api/go-live');
    expect(live.body).toEqual({ removed: { presses: 1, incidents: 1 } });
    expect(shop.query('SELECT 1 FROM presses UNION ALL SELECT 1 FROM incidents UNION ALL SELECT 1 FROM incident_events')).toEqual([]);
    expect((await call('GET', '/api/trial')).body).toEqual({ presses: 0, incidents: 0 });
  });
});
