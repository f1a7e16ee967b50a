// The staff wrist pager: vibration motor, one button, an LED, and a small
// SSD1306 display when one is fitted. It keeps the open alerts, vibrates a
// pattern per kind of alert, and lets staff acknowledge (short press), record
// an outcome and then what went wrong (long presses walk the choices, a short
// press takes one), mute a hammered button (the last choice after the
// outcomes), say "can't go" (on an alert not yet acknowledged, the first long
// press offers it, a short one sends it) and go on or off shift (very long
// press). The hub tells it its shift, its wearer and the causes ("duty").
//
// On a battery every milliamp counts (docs/power.md, npm run power): the
// display sleeps unless something just happened, the LED blinks briefly
// instead of staying lit, and the motor patterns are as short as a wrist
// still notices.

import { batteryPercent } from '../shared/battery.js';
import { OUTCOMES, decodeAlert, decodeCancel, decodeDuty, encodeAck, encodeOutcome, encodeShift, type OutcomeReport } from '../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../shared/topics.js';
import { LED_UNREACHABLE, runDevice, type DeviceContext } from './device.js';
import { AlertList, type PagerAlert } from './lib/alert-list.js';
import { PatternPlayer } from './lib/pattern.js';
import { pagerScreen, type Menu } from './lib/pager-screen.js';
import { Ssd1306 } from './lib/ssd1306.js';
import { drawText } from './lib/device-font.js';
import { CANT_GO, MUTE, OUTCOME, OUTCOME_WORDS, SHORT_SEND, SHORT_YES, WHY } from './lib/pager-words.js';

/** Vibration per reason: [on, off, on, …] ms. The motor draws more than the whole ESP32 while it runs. */
const THREE_LONG = [400, 250, 400, 250, 400];
const BUZZ: { [reason: string]: number[] } = {
  new: THREE_LONG,
  update: [200],
  rebuzz: [300, 200, 300],
  escalated: [150, 100, 150, 100, 150, 100, 400],
  retrigger: THREE_LONG,
  resend: [200, 200, 200],
};
const BUZZ_TICK = [60];
/** An alert waits: a short blink every 2 s (lit steadily until acknowledged, 1-3 % of a shift's charge). */
const LED_WAITING = [60, 1940];
/** The display stays lit this long after an alert, then sleeps (it draws several mA while lit). */
const DISPLAY_AWAKE_MS = 6000;
/** …and this long after a press: enough to read what the press did. */
const DISPLAY_AFTER_PRESS_MS = 4000;
const SHORT_PRESS_S = 0.6;
const VERY_LONG_PRESS_S = 3;
const CHOOSER_TIMEOUT_MS = 10000;
const DEBOUNCE_MS = 30;
/** The menus. */
const NO_MENU = 0;
const DECLINE = 1;
const OUTCOME_MENU = 2;
const CAUSE = 3;
/** What the LED shows: the hub out of reach, an alert waiting, nothing. */
const LED_OFFLINE = 0;
const LED_ALERT = 1;
const LED_IDLE = 2;

function startPager(ctx: DeviceContext) {
  const motorPin = ctx.pin('motor');
  const motor = new PatternPlayer(function (on: boolean) {
    digitalWrite(motorPin, on);
  }, { setTimeout: setTimeout, clearTimeout: clearTimeout });
  const alerts = new AlertList();
  let onShift = ctx.storage.read('lb.shift') !== '0';
  let wearer = '';
  let causes: string[] = [];
  /** The open menu (NO_MENU, DECLINE, OUTCOME_MENU, CAUSE: numbers, a few bytes each where a word would be many), the alert it is about, and the choice shown. */
  let menu = NO_MENU;
  let menuAlert: PagerAlert | null = null;
  let pick = 0;
  /** The outcome taken, while the cause is chosen. */
  let outcome = '';
  let chooserTimer: unknown = null;
  let connected = false;

  let screen: { g: ReturnType<typeof Graphics.createArrayBuffer>; oled: Ssd1306 } | null = null;
  /** The Cyrillic letters the flasher wrote (shared/cyrillic-font.ts); read from flash as it is drawn, no RAM copy. */
  const font = ctx.storage.read('lb.font');
  if (ctx.config.display) {
    I2C1.setup({ scl: ctx.pin('scl'), sda: ctx.pin('sda'), bitrate: 400000 });
    const oled = new Ssd1306(I2C1, 0x3c);
    oled.init();
    screen = { g: Graphics.createArrayBuffer(128, 64, 1, { vertical_byte: true }), oled: oled };
  }
  let displayAwake = true;
  let displaySleepTimer: unknown = null;
  let ledShows = -1;

  const showLed = function (state: number) {
    if (state === ledShows) return; // replaying would restart the pattern at every render
    ledShows = state;
    if (state === LED_OFFLINE) ctx.led.play(LED_UNREACHABLE, true);
    else if (state === LED_ALERT) ctx.led.play(LED_WAITING, true);
    else ctx.led.stop();
  };

  /** What a long press walks through in the open menu, as shown: the outcomes (in the order of OUTCOMES), then "mute" for a complaint; or the causes. */
  const choices = function (): string[] {
    if (menu === CAUSE) return causes;
    const list: string[] = OUTCOME_WORDS.slice();
    if (menuAlert && menuAlert.alert.kind === 'red') list.push(MUTE);
    return list;
  };

  const menuShown = function (): Menu | null {
    if (!menuAlert) return null;
    if (menu === DECLINE) return { title: CANT_GO + SHORT_YES, choice: menuAlert.alert.location };
    return { title: (menu === CAUSE ? WHY : OUTCOME) + SHORT_SEND, choice: choices()[pick] };
  };

  const render = function () {
    showLed(!connected ? LED_OFFLINE : alerts.waiting() ? LED_ALERT : LED_IDLE);
    if (!screen || !displayAwake) return;
    const g = screen.g;
    g.clear();
    const lines = pagerScreen({
      menu: menuShown(),
      current: alerts.top(),
      alertCount: alerts.count(),
      onShift: onShift,
      wearer: wearer,
      connected: connected,
      hubNow: ctx.clock.hubNow(),
      battery: batteryPercent(ctx.batteryMv()),
    });
    for (let i = 0; i < lines.length; i++) drawText(g, font, lines[i].text, 0, lines[i].y, lines[i].size);
    screen.oled.flip(g.buffer);
  };

  /** Lights the display (drawn by the render that follows) and puts it back to sleep `ms` later. */
  const wakeDisplay = function (ms: number) {
    if (!screen) return;
    if (displaySleepTimer !== null) clearTimeout(displaySleepTimer);
    displaySleepTimer = setTimeout(function () {
      displaySleepTimer = null;
      displayAwake = false;
      if (screen) screen.oled.sleep();
    }, ms);
    if (displayAwake) return;
    displayAwake = true;
    screen.oled.wake();
  };

  const send = function (channel: string, payload: string, onAck: () => void) {
    ctx.client.publish(
      ctx.topic(channel),
      function () {
        return payload;
      },
      false,
      onAck,
    );
  };

  const closeMenu = function () {
    menu = NO_MENU;
    menuAlert = null;
    if (chooserTimer !== null) clearTimeout(chooserTimer);
    chooserTimer = null;
  };

  /** Sends the outcome (with its cause, when one was chosen) and drops the alert. */
  const sendOutcome = function (incident: number, cause: string) {
    const report: OutcomeReport = { incident: incident, outcome: outcome as OutcomeReport['outcome'] };
    if (cause) report.cause = cause;
    send(UPLINK.outcome, encodeOutcome(report), function () {});
    alerts.forget(incident);
  };

  /** The menu stays open CHOOSER_TIMEOUT_MS after the last press; a cause not chosen by then still leaves the outcome sent. */
  const keepMenuOpen = function () {
    if (chooserTimer !== null) clearTimeout(chooserTimer);
    chooserTimer = setTimeout(function () {
      chooserTimer = null;
      if (menu === CAUSE && menuAlert) sendOutcome(menuAlert.alert.incident, '');
      closeMenu();
      render();
    }, CHOOSER_TIMEOUT_MS);
  };

  const shortPress = function () {
    const current = menuAlert || alerts.top();
    if (!current) return;
    const incident = current.alert.incident;
    const choice = choices()[pick];
    if (menu === DECLINE) {
      closeMenu();
      send(UPLINK.decline, encodeAck({ incident: incident }), function () {});
      alerts.forget(incident);
    } else if (menu === OUTCOME_MENU && pick === OUTCOMES.length) {
      closeMenu();
      send(UPLINK.mute, encodeAck({ incident: incident }), function () {});
    } else if (menu === OUTCOME_MENU && causes.length > 0) {
      outcome = OUTCOMES[pick];
      menu = CAUSE;
      pick = 0;
      keepMenuOpen();
    } else if (menu === OUTCOME_MENU) {
      // No causes to ask for (an older hub sends none).
      outcome = OUTCOMES[pick];
      closeMenu();
      sendOutcome(incident, '');
    } else if (menu === CAUSE) {
      closeMenu();
      sendOutcome(incident, choice);
    } else if (!current.acknowledged) {
      current.acknowledged = true;
      send(UPLINK.ack, encodeAck({ incident: incident }), function () {});
    }
    motor.play(BUZZ_TICK, false);
  };

  const longPress = function () {
    if (!menuAlert) menuAlert = alerts.top();
    if (!menuAlert) return;
    // Not yet taken, the first choice is "can't go"; then the outcomes (recording one takes it).
    if (!menu) {
      menu = menuAlert.acknowledged ? OUTCOME_MENU : DECLINE;
      pick = 0;
    } else if (menu === DECLINE) {
      menu = OUTCOME_MENU;
      pick = 0;
    } else pick = (pick + 1) % choices().length;
    keepMenuOpen();
    motor.play(BUZZ_TICK, false);
  };

  const veryLongPress = function () {
    onShift = !onShift;
    ctx.storage.write('lb.shift', onShift ? '1' : '0');
    send(UPLINK.shift, encodeShift({ onShift: onShift }), function () {});
    motor.play(onShift ? [100, 100, 100] : [500], false);
  };

  const buttonPin = ctx.pin('button');
  pinMode(buttonPin, 'input_pullup');
  pinMode(motorPin, 'output');
  setWatch(
    function (e) {
      // Pressed pulls the input low; on release, the edge's lastTime is when it went down.
      if (!e.state) return;
      const held = e.time - e.lastTime;
      if (held < SHORT_PRESS_S) shortPress();
      else if (held < VERY_LONG_PRESS_S) longPress();
      else veryLongPress();
      // A menu stays open CHOOSER_TIMEOUT_MS: lit while it is, as it is read.
      wakeDisplay(menu ? CHOOSER_TIMEOUT_MS : DISPLAY_AFTER_PRESS_MS);
      render();
    },
    buttonPin,
    { repeat: true, edge: 'both', debounce: DEBOUNCE_MS },
  );
  setInterval(render, 5000);

  return {
    onMessage: function (channel: string, payload: string) {
      if (channel === DOWNLINK.alert) {
        const decoded = decodeAlert(payload);
        if (!decoded.ok) return;
        alerts.receive(decoded.value);
        // A quiet update changes the count on the list; it neither vibrates nor lights the display.
        if (decoded.value.reason !== 'quiet') {
          motor.play(BUZZ[decoded.value.reason] || BUZZ.new, false);
          wakeDisplay(DISPLAY_AWAKE_MS);
        }
      } else if (channel === DOWNLINK.cancel) {
        const decoded = decodeCancel(payload);
        if (!decoded.ok) return;
        alerts.forget(decoded.value.incident);
        if (menuAlert && menuAlert.alert.incident === decoded.value.incident) closeMenu();
      } else if (channel === DOWNLINK.duty) {
        const duty = decodeDuty(payload);
        if (!duty.ok) return;
        // Flash only when the shift really changes (twice a day): flash wears out.
        // A change the wearer did not make (the dashboard, closing time) lights the display, so it is seen.
        if (duty.value.onShift !== onShift) {
          ctx.storage.write('lb.shift', duty.value.onShift ? '1' : '0');
          wakeDisplay(DISPLAY_AFTER_PRESS_MS);
        }
        onShift = duty.value.onShift;
        wearer = duty.value.wearer || '';
        causes = duty.value.causes;
      }
      render();
    },
    onConnection: function (isConnected: boolean) {
      connected = isConnected;
      wakeDisplay(DISPLAY_AWAKE_MS);
      render();
    },
    heartbeatExtras: function () {
      return { outboxDepth: ctx.client.pending() };
    },
    // Not while someone may need this pager: it restarts to install.
    updateBlocker: function () {
      return alerts.count() > 0 ? 'an alert is open on this pager' : null;
    },
  };
}

runDevice('pager', startPager);
