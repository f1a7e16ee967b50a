// The hub end to end over real sockets: real aedes, real mqtt.js clients,
// a real SQLite file. Escalation timers run on the hub's injected clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAck, encodeHeartbeat, encodeOutcome, encodePress, encodeShift } from '../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../shared/topics.js';
import { START, TestShop, eventually } from '../support/shop.js';

const red = (seq: number, ageMs = 0) => encodePress({ kind: 'red', seq, ageMs });
const green = (seq: number, ageMs = 0) => encodePress({ kind: 'green', seq, ageMs });

interface PressRow {
  device_id: string;
  seq: number;
  kind: string;
  pressed_at: number;
  received_at: number;
  incident_id: number | null;
}

describe('hub', () => {
  let shop: TestShop;

  beforeEach(async () => {
    shop = await TestShop.open();
  });

  afterEach(async () => {
    await shop.close();
  });

  it('pages the counter’s pager when RED is pressed, and stores the press', async () => {
    const anna = await shop.connect('pgr-anna');
    const ben = await shop.connect('pgr-ben');
    const button = await shop.connect('btn-1');

    await button.publish(UPLINK.press, red(1));

    const alert = await anna.next(DOWNLINK.alert);
    expect(alert).toMatchObject({ k: 'r', l: 'Counter 1', n: 1, v: 1, w: 'n', t: START });
    expect(ben.messages(DOWNLINK.alert)).toEqual([]);
    const rows = shop.query<PressRow>('SELECT * FROM presses');
    expect(rows).toMatchObject([{ device_id: 'btn-1', seq: 1, kind: 'red', pressed_at: START, incident_id: alert.i }]);
  });

  it('stamps the true press time from the age the button reports', async () => {
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, green(7, 45_000));
    const [row] = shop.query<PressRow>('SELECT * FROM presses');
    expect(row.received_at).toBe(START);
    expect(row.pressed_at).toBe(START - 45_000);
  });

  it('has the press on disk when the PUBACK arrives', async () => {
    const button = await shop.connect('btn-1');
    // publishAsync resolves on PUBACK; query() opens its own connection and sees only committed rows.
    for (let seq = 1; seq <= 20; seq++) {
      await button.publish(UPLINK.press, green(seq));
      expect(shop.query('SELECT seq FROM presses WHERE device_id = ? AND seq = ?', 'btn-1', seq)).toHaveLength(1);
    }
    const [{ synchronous }] = shop.query<{ synchronous: number }>('PRAGMA synchronous');
    expect(synchronous).toBeGreaterThanOrEqual(1); // the hub's own connection sets FULL (2); see database.test.ts
  });

  it('folds red presses within the window into one incident ×N, and greens page nobody', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');

    await button.publish(UPLINK.press, red(1));
    const first = await anna.next(DOWNLINK.alert, (a) => a.w === 'n');
    shop.clock.advance(10_000);
    await button.publish(UPLINK.press, red(2));
    await button.publish(UPLINK.press, green(3));
    await button.publish(UPLINK.press, red(4));

    const update = await anna.next(DOWNLINK.alert, (a) => a.n === 3);
    expect(update).toMatchObject({ i: first.i, w: 'q', n: 3 }); // within updateBuzzGapS of the first buzz: the count changes quietly (#16)
    const incidents = shop.query<{ id: number; count: number }>('SELECT id, count FROM incidents');
    expect(incidents).toEqual([{ id: first.i, count: 3 }]);
    expect(shop.query('SELECT seq FROM presses')).toHaveLength(4);
    expect(anna.messages(DOWNLINK.alert).every((a) => a.k === 'r')).toBe(true);
  });

  it('acknowledges a retransmitted press again but stores and counts it once', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(5));
    await anna.next(DOWNLINK.alert);

    // The same sequence number again, as a button does after losing the PUBACK (publish resolves on each PUBACK).
    await button.publish(UPLINK.press, red(5, 2000));
    await button.publish(UPLINK.press, red(5, 4000));

    expect(shop.query('SELECT * FROM presses')).toHaveLength(1);
    expect(shop.query<{ count: number }>('SELECT count FROM incidents')).toEqual([{ count: 1 }]);
    expect(button.messages(DOWNLINK.feedback)).toEqual([]); // the PUBACK is the confirmation
    expect(anna.messages(DOWNLINK.alert)).toEqual([]); // no second page
  });

  it('re-buzzes, escalates to tier 2, tells the others on acknowledgement, and re-triggers', async () => {
    const anna = await shop.connect('pgr-anna');
    const boss = await shop.connect('pgr-boss');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(1));
    const incident = (await anna.next(DOWNLINK.alert, (a) => a.w === 'n')).i as number;

    shop.advance(15_000);
    expect(await anna.next(DOWNLINK.alert, (a) => a.w === 'b')).toMatchObject({ i: incident, v: 1 });
    expect(boss.messages(DOWNLINK.alert)).toEqual([]);

    shop.advance(15_000);
    expect(await boss.next(DOWNLINK.alert, (a) => a.w === 'e')).toMatchObject({ i: incident, v: 2 });

    await anna.publish(UPLINK.ack, encodeAck({ incident }));
    expect(await boss.next(DOWNLINK.cancel)).toEqual({ i: incident, w: 'a', by: 'Anna' });
    expect(await button.next(DOWNLINK.feedback, (f) => f.s === 'a')).toEqual({ s: 'a', i: incident });
    const [acked] = shop.query<{ acknowledged_at: number; acknowledged_by: string }>('SELECT * FROM incidents');
    expect(acked).toMatchObject({ acknowledged_at: START + 30_000, acknowledged_by: 'pgr-anna' });

    // Acknowledged but not resolved for three minutes: everyone paged hears it again. (The pagers send their
    // heartbeats meanwhile: a pager silent for two heartbeat periods is missing, and gives back what it holds.)
    shop.advance(90_000);
    for (const pager of [anna, boss]) await pager.publish(UPLINK.heartbeat, encodeHeartbeat({ batteryMv: 0, rssi: -60, freeMemory: 8000, outboxDepth: 0, firmware: '0.1.0' }));
    shop.advance(90_000);
    expect(await anna.next(DOWNLINK.alert, (a) => a.w === 't')).toMatchObject({ i: incident });
    expect(await boss.next(DOWNLINK.alert, (a) => a.w === 't')).toMatchObject({ i: incident });

    await boss.publish(UPLINK.outcome, encodeOutcome({ incident, outcome: 'compensated' }));
    expect(await anna.next(DOWNLINK.cancel, (c) => c.w === 'r')).toEqual({ i: incident, w: 'r', by: 'Manager' });
    const [resolved] = shop.query<Record<string, unknown>>('SELECT * FROM incidents');
    expect(resolved).toMatchObject({ outcome: 'compensated', resolved_by: 'pgr-boss', resolved_at: START + 210_000, retriggers: 1 });
    const events = shop.query<{ type: string }>('SELECT type FROM incident_events ORDER BY id').map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['opened', 'paged', 'escalated', 'acknowledged', 'retriggered', 'resolved']));
  });

  it('records delivery when the pager acknowledges the alert packet', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(1));
    await anna.next(DOWNLINK.alert);
    await eventually(() => shop.query("SELECT 1 FROM incident_events WHERE type = 'delivered' AND pager = 'pgr-anna'").length === 1, 5000, 'delivered event');
  });

  it('goes straight to tier 2 when nobody in tier 1 is online, or on shift', async () => {
    const boss = await shop.connect('pgr-boss');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(1));
    expect(await boss.next(DOWNLINK.alert)).toMatchObject({ v: 2, w: 'n', l: 'Counter 1' });

    const ben = await shop.connect('pgr-ben');
    await ben.publish(UPLINK.shift, encodeShift({ onShift: false }));
    const counter2 = await shop.connect('btn-2');
    await counter2.publish(UPLINK.press, red(1));
    expect(await boss.next(DOWNLINK.alert, (a) => a.l === 'Counter 2')).toMatchObject({ v: 2 });
    expect(ben.messages(DOWNLINK.alert)).toEqual([]);
  });

  it('gives a pager that reconnects the incidents it still holds', async () => {
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(1));
    const incident = (await anna.next(DOWNLINK.alert)).i as number;
    await anna.close();

    const again = await shop.connect('pgr-anna');
    expect(await again.next(DOWNLINK.alert)).toMatchObject({ i: incident, w: 's' });
  });

  it('keeps open incidents across a hub restart', async () => {
    const button = await shop.connect('btn-1');
    const anna = await shop.connect('pgr-anna');
    await button.publish(UPLINK.press, red(1));
    const incident = (await anna.next(DOWNLINK.alert)).i as number;
    await Promise.all(shop.devices.splice(0).map((d) => d.close()));
    await shop.hub.stop();

    await shop.startHub();
    const back = await shop.connect('pgr-anna');
    expect(await back.next(DOWNLINK.alert)).toMatchObject({ i: incident, w: 's' });
    const button2 = await shop.connect('btn-1');
    await button2.publish(UPLINK.press, red(2));
    // Resent to Anna a moment ago: the new count comes quietly (updateBuzzGapS).
    expect(await back.next(DOWNLINK.alert, (a) => a.n === 2)).toMatchObject({ i: incident, w: 'q' });
    // Retransmission of a press stored before the restart is still recognised.
    await button2.publish(UPLINK.press, red(1));
    expect(shop.query('SELECT * FROM presses')).toHaveLength(2);
  });

  it('raises "device missing" for a button that drops during opening hours and pages the manager', async () => {
    const boss = await shop.connect('pgr-boss');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.heartbeat, encodeHeartbeat({ batteryMv: 3900, rssi: -60, freeMemory: 8000, outboxDepth: 0, firmware: '0.1.0' }));
    await button.close();
    shop.devices.splice(shop.devices.indexOf(button), 1);
    await eventually(() => shop.query('SELECT 1 FROM device_state WHERE device_id = ? AND online = 0', 'btn-1').length === 1, 5000, 'btn-1 offline');

    shop.advance(21_000);
    const alert = await boss.next(DOWNLINK.alert, (a) => a.k === 'm' && a.l === 'Counter 1');
    expect(alert).toMatchObject({ w: 'n' });

    await shop.connect('btn-1');
    shop.advance(1000);
    expect(await boss.next(DOWNLINK.cancel, (c) => c.i === alert.i)).toMatchObject({ w: 'x' });
  });

  it('acknowledges heartbeats beyond a few per reconnect but drops them, keeping the connection (issue #14.12)', async () => {
    const anna = await shop.connect('pgr-anna');
    for (let i = 0; i < 10; i++) {
      await anna.publish(UPLINK.heartbeat, encodeHeartbeat({ batteryMv: i % 2 ? 3300 : 3900, rssi: -60 - i, freeMemory: 7000, outboxDepth: 0, firmware: '0.1.0' }));
    }
    expect(shop.hub.refusals.throttled).toBe(7);
    expect(anna.client.connected).toBe(true);
    expect(shop.query("SELECT rssi FROM device_state WHERE device_id = 'pgr-anna'")).toEqual([{ rssi: -62 }]); // the third one
  });

  it('tells the managers once when half of a place’s last presses are unhappy (#16)', async () => {
    await shop.close();
    shop = await TestShop.open({ moodAlert: { enabled: true } });
    const boss = await shop.connect('pgr-boss');
    await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    for (const press of [red(1), green(2), red(3)]) await button.publish(UPLINK.press, press);
    expect(boss.messages(DOWNLINK.alert).filter((a) => a.k === 'o')).toEqual([]); // three presses: not enough to mean anything
    await button.publish(UPLINK.press, green(4));
    expect(await boss.next(DOWNLINK.alert, (a) => a.k === 'o')).toMatchObject({ l: 'Counter 1: 2 of 4 unhappy', w: 'n' });
    await button.publish(UPLINK.press, red(5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(boss.messages(DOWNLINK.alert).filter((a) => a.k === 'o')).toEqual([]); // the one taken above only: once per window
  });

  it('tells the managers at closing time what is still open, and re-buzzes nobody while closed (#16)', async () => {
    await shop.close();
    shop = await TestShop.open({ openingHours: { sun: ['08:00-13:30'] } }); // START is Sunday 13:00 in Berlin
    const boss = await shop.connect('pgr-boss');
    const anna = await shop.connect('pgr-anna');
    const button = await shop.connect('btn-1');
    await button.publish(UPLINK.press, red(1));
    await anna.next(DOWNLINK.alert, (a) => a.w === 'n');
    shop.advance(10_000);
    shop.advance(31 * 60_000); // past 13:30: closed
    expect(await boss.next(DOWNLINK.alert, (a) => a.k === 'c')).toMatchObject({ l: '1 still open: Counter 1' });
    const buzzes = anna.messages(DOWNLINK.alert).length;
    shop.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(anna.messages(DOWNLINK.alert).length).toBe(buzzes);
  });

  it('raises a low battery from a heartbeat', async () => {
    const boss = await shop.connect('pgr-boss');
    const anna = await shop.connect('pgr-anna');
    await anna.publish(UPLINK.heartbeat, encodeHeartbeat({ batteryMv: 3300, rssi: -70, freeMemory: 7000, outboxDepth: 0, firmware: '0.1.0' }));
    shop.advance(91_000); // a low reading must hold for 1.5 heartbeat periods before anyone is paged
    expect(await boss.next(DOWNLINK.alert, (a) => a.k === 'b')).toMatchObject({ l: 'Anna' });
    const [state] = shop.query<Record<string, unknown>>("SELECT * FROM device_state WHERE device_id = 'pgr-anna'");
    expect(state).toMatchObject({ battery_mv: 3300, rssi: -70, free_memory: 7000, firmware: '0.1.0', online: 1 });
  });
});
