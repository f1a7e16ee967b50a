// The built firmware bundles, running in the Node shim, against a real hub:
// what a customer and a waiter would see.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedDevice } from '../../firmware/shim/simulated-device.js';
import { BUTTON_PINS, PAGER_PINS, online as onlineIn, simulate } from '../support/devices.js';
import { TestShop, eventually } from '../support/shop.js';
import { pendingInOutbox } from '../../firmware/shim/outbox-view.js';
import { DateTime } from 'luxon';

interface PressRow {
  seq: number;
  kind: string;
  pressed_at: number;
  incident_id: number | null;
}

let shop: TestShop;
const devices: SimulatedDevice[] = [];

function start(id: string, kind: 'button' | 'pager', extra: Record<string, unknown> = {}): SimulatedDevice {
  const device = simulate(shop, id, kind, extra);
  devices.push(device);
  return device;
}

afterEach(async () => {
  for (const device of devices.splice(0)) {
    expect(device.errors, `${device.options.name} threw`).toEqual([]);
    device.powerOff();
  }
  await shop.close();
});

const online = (...ids: string[]) => onlineIn(shop, ...ids);

/** How long the pin stayed on, each time it went on after `from` (ms of device uptime). */
function onDurations(device: SimulatedDevice, pin: string, from: number): number[] {
  const changes = device.pinHistory.filter((c) => c.pin === pin && c.at >= from);
  const durations: number[] = [];
  for (let i = 0; i < changes.length - 1; i++) if (changes[i].value === 1 && changes[i + 1].value === 0) durations.push(changes[i + 1].at - changes[i].at);
  return durations;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A shop on the real clock with Anna's pager and Counter 1's button; a customer pressed RED and the pager shows it. */
async function alertOnAnnasPager(): Promise<{ pager: SimulatedDevice; button: SimulatedDevice }> {
  shop = await TestShop.open({}, { realClock: true });
  const pager = start('pgr-anna', 'pager');
  const button = start('btn-1', 'button');
  await online('pgr-anna', 'btn-1');
  await button.press(BUTTON_PINS.red);
  await eventually(() => pager.screen.includes('Counter 1'), 5000, 'alert shown');
  return { pager, button };
}

describe('button and pager firmware against the hub', () => {
  it('press → pager vibrates and shows it → ack on the pager → the button says help is coming', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const pager = start('pgr-anna', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'btn-1');
    await eventually(() => pager.screen.includes('No alerts'), 5000, 'pager idle screen');

    const pressedAt = button.uptimeMs();
    await button.press(BUTTON_PINS.red);
    await eventually(() => pager.pin(PAGER_PINS.motor) === 1, 5000, 'motor on');
    await eventually(() => pager.screen.includes('Counter 1'), 5000, 'location on the display');
    // The hub's PUBACK (after the commit) lights "received": one 1.5 s glow after the 80 ms "pressed" blink.
    await eventually(() => onDurations(button, BUTTON_PINS.led, pressedAt).some((d) => d > 1200 && d < 1800), 5000, 'received pattern');
    expect(pager.screen[0]).toBe('UNHAPPY');
    expect(pager.display.on).toBe(true);
    // An unacknowledged alert: the LED blinks briefly (60 ms every 2 s), it does not stay lit.
    const alertAt = pager.uptimeMs() - 1000;
    await eventually(() => onDurations(pager, PAGER_PINS.led, alertAt).some((d) => d >= 40 && d < 300), 5000, 'waiting blink');

    const ackedAt = button.uptimeMs();
    await pager.press(PAGER_PINS.button, 100); // short press: acknowledge
    await eventually(() => shop.query("SELECT 1 FROM incidents WHERE acknowledged_by = 'pgr-anna'").length === 1, 5000, 'ack stored');
    // "Help is coming": three 400 ms flashes, unlike the single 1.5 s "received".
    await eventually(() => onDurations(button, BUTTON_PINS.led, ackedAt).filter((d) => d > 300 && d < 700).length >= 3, 5000, 'help-is-coming pattern');
    expect(pager.screen.join(' ')).toContain('yours');
  });

  it('records the outcome chosen with long presses and sent with a short one', async () => {
    const { pager } = await alertOnAnnasPager();

    // Presses are apart by more than the 30 ms debounce, as a hand's are: with no gap, Espruino sees one press.
    await pager.press(PAGER_PINS.button, 900); // long, on an alert not yet taken: "Can't go?"
    await eventually(() => pager.screen[0] === "Can't go? (short=yes)", 2000, 'decline offered first');
    await pager.press(PAGER_PINS.button, 900); // long: first outcome (apologised)
    await sleep(100);
    await pager.press(PAGER_PINS.button, 900); // long: second choice (compensated)
    await sleep(100);
    await eventually(() => pager.screen.includes('compensated'), 2000, 'choice shown');
    await pager.press(PAGER_PINS.button, 100); // short: take it; now what went wrong (#16)
    await eventually(() => pager.screen[0] === 'Why? (short=send)' && pager.screen[1] === 'Waiting', 2000, 'first cause offered');
    await pager.press(PAGER_PINS.button, 900); // long: the next cause
    await eventually(() => pager.screen[1] === 'Food', 2000, 'second cause shown');
    await pager.press(PAGER_PINS.button, 100); // short: send
    await eventually(() => shop.query("SELECT 1 FROM incidents WHERE outcome = 'compensated' AND cause = 'Food' AND resolved_by = 'pgr-anna'").length === 1, 5000, 'outcome and cause stored');
    await eventually(() => pager.screen.includes('No alerts'), 2000, 'alert gone');
  });

  it('shows who wears it and its shift as the hub says, and goes off shift at closing time (#16)', async () => {
    // Open all day today (UTC), closed tomorrow.
    const today = DateTime.utc();
    const weekday = (d: DateTime) => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'][d.weekday - 1];
    const openingHours = { [weekday(today)]: ['00:00-24:00'], [weekday(today.plus({ days: 1 }))]: [] };
    shop = await TestShop.open({ timeZone: 'UTC', openingHours, people: [{ id: 'anna', name: 'Anna K', pager: 'pgr-anna' }] }, { realClock: true });
    const pager = start('pgr-anna', 'pager');
    await online('pgr-anna');
    shop.hub.tick(); // the hub sees the site open
    await eventually(() => pager.screen[0] === 'Anna K: on shift', 5000, 'wearer and shift shown');
    // The café closes: the hub's closing time turns every pager off shift; the pager shows it and keeps it in flash.
    shop.jumpClock(today.startOf('day').plus({ days: 1, minutes: 1 }).toMillis() - Date.now());
    await eventually(() => pager.screen[0] === 'Anna K: OFF SHIFT', 5000, 'off shift at closing');
    expect(pager.storage.read('lb.shift')).toBe('0');
  });

  it('mutes a hammered button from the pager: its presses are logged and vibrate nobody (#16)', async () => {
    const { pager, button } = await alertOnAnnasPager();
    await pager.press(PAGER_PINS.button, 100); // take it
    await sleep(100);
    for (let i = 0; i < 6; i++) {
      await pager.press(PAGER_PINS.button, 900); // walk past the five outcomes to "Mute button"
      await sleep(100);
    }
    await eventually(() => pager.screen[1] === 'Mute button', 2000, 'mute offered after the outcomes');
    await pager.press(PAGER_PINS.button, 100);
    await eventually(() => shop.query("SELECT 1 FROM incident_events WHERE type = 'muted' AND pager = 'pgr-anna' AND person = 'Anna'").length === 1, 5000, 'mute stored');
    const motorOnsBefore = pager.pinHistory.filter((c) => c.pin === PAGER_PINS.motor && c.value === 1).length;
    for (let i = 0; i < 3; i++) {
      await button.press(BUTTON_PINS.red);
      await sleep(100);
    }
    await eventually(() => shop.query('SELECT 1 FROM presses').length === 4, 5000, 'muted presses logged');
    await sleep(300);
    expect(pager.pinHistory.filter((c) => c.pin === PAGER_PINS.motor && c.value === 1).length).toBe(motorOnsBefore);
    expect(shop.query<{ count: number }>('SELECT count FROM incidents')[0].count).toBe(4);
  });

  it('records staff reaching the customer when RED and GREEN are held together, and keeps a customer’s quick second press (#16)', async () => {
    const { pager, button } = await alertOnAnnasPager();
    await pager.press(PAGER_PINS.button, 100); // Anna takes it and walks over
    await eventually(() => shop.query('SELECT 1 FROM incidents WHERE acknowledged_at IS NOT NULL').length === 1, 5000, 'ack stored');

    // At the counter Anna holds RED, then GREEN too, for two seconds.
    const reachedFrom = button.uptimeMs();
    button.hold(BUTTON_PINS.red, true);
    await sleep(200);
    button.hold(BUTTON_PINS.green, true);
    await sleep(2000);
    button.hold(BUTTON_PINS.green, false);
    button.hold(BUTTON_PINS.red, false);
    await eventually(() => shop.query('SELECT 1 FROM incidents WHERE reached_at IS NOT NULL').length === 1, 5000, 'reached stored');
    const presses = shop.query<{ kind: string; by_staff: number }>('SELECT kind, by_staff FROM presses ORDER BY seq');
    expect(presses).toEqual([{ kind: 'red', by_staff: 0 }, { kind: 'red', by_staff: 1 }]); // the chord's RED is kept, as staff's; GREEN made no press
    expect(shop.query<{ count: number }>('SELECT count FROM incidents')[0].count).toBe(1);
    await eventually(() => onDurations(button, BUTTON_PINS.led, reachedFrom).filter((d) => d > 800 && d < 1300).length >= 2, 5000, 'reached pattern on the button');

    // A customer holding RED who taps GREEN: two presses, not a chord.
    button.hold(BUTTON_PINS.red, true);
    await sleep(200);
    await button.press(BUTTON_PINS.green, 150);
    button.hold(BUTTON_PINS.red, false);
    await eventually(() => shop.query('SELECT 1 FROM presses').length === 4, 5000, 'both presses stored');
    expect(shop.query<{ kind: string }>('SELECT kind FROM presses ORDER BY seq').map((p) => p.kind)).toEqual(['red', 'red', 'red', 'green']);
  });

  it('goes off shift on a very long press, and is then not paged', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const anna = start('pgr-anna', 'pager');
    const boss = start('pgr-boss', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'pgr-boss', 'btn-1');
    await anna.press(PAGER_PINS.button, 3200);
    await eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'pgr-anna' AND on_shift = 0").length === 1, 5000, 'off shift');
    await button.press(BUTTON_PINS.red);
    await eventually(() => boss.screen.includes('Counter 1'), 5000, 'manager paged instead');
    expect(anna.screen).toContain('OFF SHIFT');
  });

  it('delivers presses made while Wi-Fi was down, in order, with their true press times', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const button = start('btn-1', 'button');
    await online('btn-1');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the hub's clock reading arrives on subscribe

    button.dropWifi();
    const pressedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      pressedAt.push(Date.now()); // the edge is at the start of press(); setWatch reports its time
      await button.press(i % 2 ? BUTTON_PINS.green : BUTTON_PINS.red, 40);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await eventually(() => button.pin(BUTTON_PINS.led) === 1, 3000, 'unreachable pattern'); // blinking while the hub is away
    expect(shop.query('SELECT * FROM presses')).toEqual([]);
    expect(pendingInOutbox(button.storage)).toEqual([1, 2, 3, 4, 5]);

    await new Promise((resolve) => setTimeout(resolve, 1500)); // the presses age while the link is down
    button.restoreWifi();
    await eventually(() => shop.query('SELECT * FROM presses').length === 5, 15_000, 'all five delivered');
    const rows = shop.query<PressRow>('SELECT seq, kind, pressed_at FROM presses ORDER BY id');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.kind)).toEqual(['red', 'green', 'red', 'green', 'red']);
    rows.forEach((row, i) => expect(Math.abs(row.pressed_at - pressedAt[i]), `press ${i + 1}`).toBeLessThan(100));
    await eventually(() => pendingInOutbox(button.storage).length === 0, 5000, 'outbox emptied');
  });

  it('drains the outbox after a reboot, with no duplicates and true times', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const button = start('btn-1', 'button');
    await online('btn-1');
    await button.press(BUTTON_PINS.red);
    await eventually(() => shop.query('SELECT * FROM presses').length === 1, 5000, 'first press');
    await sleep(60); // the release settles (debounce) before the next press

    button.dropWifi();
    const pressedAt: number[] = [];
    for (let i = 0; i < 3; i++) {
      pressedAt.push(Date.now()); // the edge is at the start of press(); setWatch reports its time
      await button.press(BUTTON_PINS.red, 40);
      await sleep(60); // released for longer than the debounce, or it would be one press
    }
    button.powerOff(); // the battery falls out
    await new Promise((resolve) => setTimeout(resolve, 500));
    button.restoreWifi();
    button.boot();
    await eventually(() => shop.query('SELECT * FROM presses').length === 4, 15_000, 'outbox drained after reboot');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = shop.query<PressRow>('SELECT seq, pressed_at, incident_id FROM presses ORDER BY seq');
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    rows.slice(1).forEach((row, i) => expect(Math.abs(row.pressed_at - pressedAt[i]), `press ${i + 2}`).toBeLessThan(100));
    expect(new Set(rows.map((r) => r.incident_id)).size).toBe(1); // all folded into one incident

    // A new press after the reboot gets a fresh, higher number.
    await button.press(BUTTON_PINS.green);
    await eventually(() => shop.query('SELECT * FROM presses').length === 5, 5000, 'press after reboot');
    const last = shop.query<PressRow>('SELECT seq FROM presses ORDER BY id DESC LIMIT 1')[0];
    expect(last.seq).toBeGreaterThan(4);
  });

  it('buzzes once for a button hammered by one customer, while the count on the display goes up (#16)', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const pager = start('pgr-anna', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'btn-1');
    const from = pager.uptimeMs();
    for (let i = 0; i < 6; i++) {
      await button.press(BUTTON_PINS.red, 60);
      await sleep(60);
    }
    await eventually(() => pager.screen.includes('UNHAPPY x6'), 5000, 'count 6 on the display');
    await sleep(1500); // the new alert's pattern ends
    expect(onDurations(pager, PAGER_PINS.motor, from)).toEqual([400, 400, 400].map((d) => expect.closeTo(d, -2)));
  });

  it('says "can\u2019t go" with a long press then a short one, and the next tier is paged at once (#16)', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const anna = start('pgr-anna', 'pager');
    const boss = start('pgr-boss', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'pgr-boss', 'btn-1');
    await button.press(BUTTON_PINS.red);
    await eventually(() => anna.screen.includes('Counter 1'), 5000, 'alert on Anna’s pager');
    await anna.press(PAGER_PINS.button, 900); // long: "Can't go?"
    await eventually(() => anna.screen[0] === "Can't go? (short=yes)", 2000, 'asked');
    await anna.press(PAGER_PINS.button, 100); // short: yes
    await eventually(() => shop.query("SELECT 1 FROM incident_events WHERE type = 'declined' AND pager = 'pgr-anna'").length === 1, 5000, 'decline stored');
    // Anna was the only one of tier 1: the manager is paged at once, not after the 30 s escalation.
    await eventually(() => boss.screen.includes('Counter 1'), 5000, 'the manager paged at once');
    expect(anna.screen).toContain('No alerts');
  });

  it('lights the pager’s display for an alert and a press only, then lets it sleep (#15)', async () => {
    shop = await TestShop.open({}, { realClock: true });
    const pager = start('pgr-anna', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'btn-1');
    expect(pager.display.on).toBe(true); // lit at start-up, to show its state
    await eventually(() => !pager.display.on, 12_000, 'display asleep 8 s after the last event');
    await button.press(BUTTON_PINS.red);
    await eventually(() => pager.display.on && pager.screen.includes('Counter 1'), 5000, 'an alert wakes the display');
    await eventually(() => !pager.display.on, 12_000, 'asleep again');
    expect(pager.screen).toContain('Counter 1'); // nothing drawn while it slept
    await pager.press(PAGER_PINS.button, 100);
    await eventually(() => pager.display.on && pager.screen.join(' ').includes('yours'), 5000, 'a press wakes it and shows the change');
  }, 40_000);

  it('puts a pager’s Wi-Fi to modem sleep and keeps a button’s radio on, through the built bundles (#15)', async () => {
    shop = await TestShop.open();
    const pager = start('pgr-anna', 'pager');
    const button = start('btn-1', 'button');
    await online('pgr-anna', 'btn-1');
    expect([pager.wifiPowersave, button.wifiPowersave]).toEqual(['max_modem', 'none']);
    expect(pager.errors).toEqual([]);
  });

  it('shows an error pattern, without crashing, when its configuration is missing or broken', async () => {
    shop = await TestShop.open();
    const button = start('btn-1', 'button', { hub: { host: '127.0.0.1' } }); // no port
    await eventually(() => onDurations(button, 'D2', 0).length >= 3, 3000, 'error blinking');
    expect(button.logs.join('\n')).toContain('cannot start: hub.port invalid');
    expect(button.errors).toEqual([]);
  });

  it('keeps the watchdog fed from the main loop', async () => {
    shop = await TestShop.open();
    const button = start('btn-1', 'button');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(button.watchdog.timeoutS).toBe(10);
    expect(button.uptimeMs() - button.watchdog.lastKick).toBeLessThan(2100);
  });
});
