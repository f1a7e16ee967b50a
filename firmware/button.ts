// The loyalty button: RED and GREEN inputs, an LED, a flash outbox.
// A press is numbered, written to flash, then sent; it leaves flash only when
// the hub's PUBACK says it is stored. Staff arriving at the counter hold RED
// and GREEN together: "reached the customer" (a customer does not hold both).
// The press that began the chord is sent as usual (it was recorded at its
// edge, before anyone could know) and named in the reach, so the hub takes
// it off the customers' count.

import { OUTBOX_CAPACITY } from '../shared/limits.js';
import { decodeFeedback, encodePress, encodeReach } from '../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../shared/topics.js';
import { LED_UNREACHABLE, runDevice, type DeviceContext } from './device.js';
import { Outbox, type OutboxEntry } from './lib/outbox.js';
import { SequenceCounter } from './lib/sequence.js';
import type { PressKind } from '../shared/payloads.js';

const LED_PRESSED = [80];
const LED_RECEIVED = [1500];
const LED_HELP_COMING = [400, 200, 400, 200, 400, 200, 1200];
/** Staff are with the customer: two long glows. */
const LED_REACHED = [1000, 300, 1000];
/** Both buttons held this long: staff have reached the customer. */
const REACH_HOLD_MS = 1500;
const DEBOUNCE_MS = 30;

function startButton(ctx: DeviceContext) {
  const outbox = new Outbox(ctx.storage, 'lb.outbox', OUTBOX_CAPACITY);
  outbox.load();
  const sequence = new SequenceCounter(ctx.storage, 'lb.seq', Math.max(outbox.highestSeq(), ctx.config.seqFloor));
  const pressTopic = ctx.topic(UPLINK.press);
  let dropped = 0;
  let connected = false;
  /** The last press recorded: the chord that may follow names it. */
  let lastSeq = 0;
  let lastAt = 0;

  const idle = function () {
    if (connected) ctx.led.stop();
    else ctx.led.play(LED_UNREACHABLE, true);
  };

  const submit = function (entry: OutboxEntry) {
    // The outbox entry is the press's one record, from flash to PUBACK: it carries the packet id while the client has it.
    entry.packetId = ctx.client.publish(
      pressTopic,
      function () {
        // Recomputed at every transmission, so a late retransmission still carries the true age.
        return encodePress({ kind: entry.kind, seq: entry.seq, ageMs: ctx.clock.ageOf(entry.boot, entry.at) });
      },
      false,
      function () {
        // The PUBACK comes only after the hub has committed the press: now it may leave flash, and the customer sees it was heard.
        outbox.remove(entry.seq);
        ctx.led.play(LED_RECEIVED, false, idle);
      },
    );
  };

  /** `at`: device-clock ms of the edge (setWatch reports it; the callback runs a debounce later). */
  const press = function (kind: PressKind, at: number) {
    ctx.led.play(LED_PRESSED, false, idle);
    const seq = sequence.next();
    if (seq === 0) {
      dropped++;
      ctx.log('sequence numbers used up: ' + kind + ' press dropped (flash the device again)');
      return;
    }
    const entry: OutboxEntry = { seq: seq, kind: kind, boot: ctx.clock.boot, at: at };
    const result = outbox.add(entry);
    if (result.dropped) {
      dropped++;
      ctx.log('outbox full: dropped ' + result.dropped.kind + ' press ' + result.dropped.seq);
      if (result.dropped.packetId !== undefined) ctx.client.withdraw(result.dropped.packetId);
    }
    if (result.accepted) submit(entry);
    lastSeq = seq;
    lastAt = at;
  };

  const pins = { red: ctx.pin('red'), green: ctx.pin('green') };
  const bothHeld = function () {
    return digitalRead(pins.red) === 0 && digitalRead(pins.green) === 0;
  };

  /**
   * A button went down while the other was held: held on together for
   * REACH_HOLD_MS it says "reached the customer"; let go sooner, it was an
   * ordinary press after all, recorded at its true edge time.
   */
  const chord = function (kind: PressKind, at: number) {
    const first = at - lastAt < REACH_HOLD_MS * 2 ? lastSeq : 0;
    setTimeout(function () {
      if (!bothHeld()) return press(kind, at);
      ctx.led.play(LED_PRESSED, false, idle);
      ctx.client.publish(
        ctx.topic(UPLINK.reach),
        function () {
          return encodeReach({ seq: first, ageMs: ctx.clock.ageOf(ctx.clock.boot, at) });
        },
        false,
        function () {},
      );
    }, REACH_HOLD_MS);
  };

  const watchInput = function (kind: PressKind, other: PressKind) {
    const pin = pins[kind];
    pinMode(pin, 'input_pullup');
    // Pressed pulls the input low. The press happened at the edge, a debounce before this callback runs.
    setWatch(
      function (e) {
        if (digitalRead(pins[other]) === 0) chord(kind, e.time * 1000);
        else press(kind, e.time * 1000);
      },
      pin,
      { repeat: true, edge: 'falling', debounce: DEBOUNCE_MS },
    );
  };
  watchInput('red', 'green');
  watchInput('green', 'red');

  // What the last run could not deliver goes first, in order, but only once
  // this boot knows the hub's time: before that, an earlier boot's press has no true age.
  const waiting = outbox.entries();
  const boots: number[] = [];
  for (let i = 0; i < waiting.length; i++) boots.push(waiting[i].boot);
  ctx.clock.keepOnly(boots);
  if (waiting.length > 0) {
    ctx.log(waiting.length + ' presses from the outbox to deliver');
    ctx.whenClockKnown(function () {
      for (let i = 0; i < waiting.length; i++) submit(waiting[i]);
    });
  }

  return {
    onMessage: function (channel: string, payload: string) {
      if (channel !== DOWNLINK.feedback) return;
      const feedback = decodeFeedback(payload);
      if (!feedback.ok) return;
      ctx.led.play(feedback.value.state === 'reached' ? LED_REACHED : LED_HELP_COMING, false, idle);
    },
    onConnection: function (isConnected: boolean) {
      connected = isConnected;
      idle();
    },
    heartbeatExtras: function () {
      return { outboxDepth: outbox.depth(), dropped: dropped };
    },
    // The install rewrites Storage: every press is delivered first.
    updateBlocker: function () {
      const depth = outbox.depth();
      return depth > 0 ? depth + ' presses not yet delivered' : null;
    },
  };
}

runDevice('button', startButton);
