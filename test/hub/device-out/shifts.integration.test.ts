// Staff as people and shifts that follow the clock (#16.1, #16.2), through a
// real hub: who wore the pager is kept by name, closing time ends every
// shift, opening starts those scheduled, a hub off overnight catches up, and
// a pager can be handed to someone else for the day.
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeAck, encodeOutcome, encodePress } from '../../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../../shared/topics.js';
import { PASSWORD, login } from '../../support/dashboard.js';
import { TestShop, eventually } from '../../support/shop.js';

const ZONE = 'Europe/Berlin';
const every = ['08:00-18:00'];
const people = [
  { id: 'anna', name: 'Anna', pager: 'pgr-anna' },
  { id: 'ben', name: 'Ben', pager: 'pgr-ben', days: ['mon' as const] },
  { id: 'maria', name: 'Maria', role: 'manager' as const, pager: 'pgr-boss' },
  { id: 'carla', name: 'Carla' },
];
const config = { people, openingHours: { mon: every, tue: every, wed: every, thu: every, fri: every, sat: every, sun: every } };
let shop: TestShop;

afterEach(async () => {
  await shop.close();
});

const shiftOf = (pager: string) => shop.query<{ on_shift: number }>('SELECT on_shift FROM device_state WHERE device_id = ?', pager)[0]?.on_shift;

describe('people and shifts', () => {
  it('ends every shift at closing, starts those scheduled at opening, and catches up after a night with the hub off', async () => {
    shop = await TestShop.open(config); // Sunday 22 Nov 2026, 13:00 in Berlin
    const anna = await shop.connect('pgr-anna');
    await shop.connect('pgr-ben');
    shop.advance(0);
    // Ben works Mondays only: off today; Anna and Maria on. Each pager is told, with who wears it and the causes.
    expect(await anna.next(DOWNLINK.duty)).toEqual({ on: 1, p: 'Anna', c: ['Waiting', 'Food', 'Staff', 'Price', 'Not clean', 'Other'] });
    await eventually(() => shiftOf('pgr-ben') === 0 && shiftOf('pgr-anna') === 1 && shiftOf('pgr-boss') === 1, 5000, 'Sunday shifts');

    shop.clock.set(DateTime.fromISO('2026-11-22T18:00:30', { zone: ZONE }).toMillis());
    shop.advance(0);
    expect(await anna.next(DOWNLINK.duty, (d) => d.on === 0)).toMatchObject({ on: 0, p: 'Anna' });
    await eventually(() => ['pgr-anna', 'pgr-ben', 'pgr-boss'].every((p) => shiftOf(p) === 0), 5000, 'everyone off at closing');

    // The hub is switched off for the night and started on Monday at 09:00: it opened at 08:00 without it.
    await shop.stop();
    shop.clock.set(DateTime.fromISO('2026-11-23T09:00', { zone: ZONE }).toMillis());
    await shop.startHub();
    await eventually(() => ['pgr-anna', 'pgr-ben', 'pgr-boss'].every((p) => shiftOf(p) === 1), 5000, 'Monday: all scheduled on');
  });

  it('keeps who acted by name, so renaming a pager or handing it to someone else never rewrites the log', async () => {
    shop = await TestShop.open(config);
    await shop.addUser('olga', 'owner', PASSWORD);
    const base = `http://127.0.0.1:${shop.hub.httpPort}`;
    const cookie = await login(base, 'olga');
    const wear = (pager: string, person: unknown) => fetch(`${base}/api/pagers/${pager}/wearer`, { method: 'PUT', headers: { cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ person }) });

    const button = await shop.connect('btn-1');
    const anna = await shop.connect('pgr-anna');
    shop.advance(0);
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    const alert = await anna.next(DOWNLINK.alert);
    await anna.publish(UPLINK.ack, encodeAck({ incident: alert.i as number }));

    // Anna goes home sick; Carla takes her pager for the rest of the day and closes the complaint.
    expect((await wear('pgr-anna', 'nobody')).status).toBe(400);
    const swapped = await wear('pgr-anna', 'carla');
    expect(swapped.status).toBe(200);
    expect(((await swapped.json()) as { pagers: { id: string; wearerName: string; swapped: boolean }[] }).pagers.find((p) => p.id === 'pgr-anna')).toMatchObject({ wearerName: 'Carla', swapped: true });
    expect(await anna.next(DOWNLINK.duty, (d) => d.p === 'Carla')).toMatchObject({ on: 1, p: 'Carla' });
    await anna.publish(UPLINK.outcome, encodeOutcome({ incident: alert.i as number, outcome: 'apologised', cause: 'Waiting' }));

    const log = async () => (await (await fetch(`${base}/api/log?date=2026-11-22`, { headers: { cookie } })).json()) as { incidents: Record<string, unknown>[] };
    await eventually(() => shop.query("SELECT 1 FROM incidents WHERE resolved_person = 'Carla'").length === 1, 5000, 'resolution stored');
    expect((await log()).incidents[0]).toMatchObject({ acknowledgedBy: 'Anna', resolvedBy: 'Carla', outcome: 'apologised', cause: 'Waiting', paged: expect.stringMatching(/^Anna /) });

    // The pager is relabelled and Anna leaves the staff list: the log still says what happened, and who did it.
    await shop.stop();
    shop.config.devices = shop.config.devices!.map((d) => (d.id === 'pgr-anna' ? { ...d, label: 'Spare pager' } : d));
    shop.config.people = people.filter((p) => p.id !== 'anna');
    await shop.startHub();
    const again = await fetch(`http://127.0.0.1:${shop.hub.httpPort}/api/log?date=2026-11-22`, { headers: { cookie } });
    expect(((await again.json()) as { incidents: Record<string, unknown>[] }).incidents[0]).toMatchObject({ acknowledgedBy: 'Anna', resolvedBy: 'Carla' });
  });

  it('refuses a cause the configuration does not list, and keeps the outcome', async () => {
    shop = await TestShop.open(config);
    const button = await shop.connect('btn-1');
    const anna = await shop.connect('pgr-anna');
    shop.advance(0);
    await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
    const alert = await anna.next(DOWNLINK.alert);
    await anna.publish(UPLINK.outcome, encodeOutcome({ incident: alert.i as number, outcome: 'fixed', cause: 'Weather' }));
    await eventually(() => shop.query("SELECT 1 FROM incidents WHERE outcome = 'fixed' AND cause IS NULL").length === 1, 5000, 'outcome kept without the cause');
    expect(shop.hub.refusals.partial).toBe(1);
  });
});
