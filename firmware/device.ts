// What a button and a pager share: configuration from Storage, the watchdog,
// Wi-Fi with reconnection, the MQTT connection, the hub's clock, heartbeats.
// Besides the two entry points, this is the only file that touches Espruino's
// globals (declared in hal/espruino-api.ts).

import { HEARTBEAT_PERIOD_S, MAX_PACKET_BYTES } from '../shared/limits.js';
import { decodeTime, encodeHeartbeat, encodeStatus, encodeUpdateStatus, type UpdateStatus } from '../shared/payloads.js';
import { DOWNLINK, UPLINK, deviceTopic, downlinkChannels, parseDeviceTopic } from '../shared/topics.js';
import type { PinRef, StorageApi } from './hal/espruino-api.js';
import { restoreCarried } from './lib/carry.js';
import { parseDeviceConfig, type DeviceSettings } from './lib/device-config.js';
import { MqttClient } from './lib/mqtt-client.js';
import { PatternPlayer } from './lib/pattern.js';
import { PressClock } from './lib/press-clock.js';
import { UPDATE_STATE, type UpdateRecord } from './lib/update-files.js';
import { UpdateReceiver } from './lib/update-receiver.js';
import { WifiLink } from './lib/wifi-link.js';
import type { DeviceKind } from '../shared/topics.js';

export const FIRMWARE_VERSION = '0.1.0';

/** LED patterns every device shows: [on, off, on, …] ms. */
export const LED_UNREACHABLE = [80, 120, 80, 1700];
const LED_BAD_CONFIG = [100, 100, 100, 100, 100, 900];
const DEFAULT_LED_PIN = 'D2'; // the on-board LED of most ESP32 boards, for "no usable config"
const WATCHDOG_S = 10;
const CONNECT_TIMEOUT_MS = 8000;
const KEEPALIVE_S = 30;
const CLOCK_WAIT_MS = 10000;

export interface DeviceContext {
  config: DeviceSettings;
  /**
   * Runs `callback` once this boot knows the hub's time (the reading arrives
   * right after connecting), or after CLOCK_WAIT_MS connected without one.
   */
  whenClockKnown(callback: () => void): void;
  storage: StorageApi;
  client: MqttClient;
  clock: PressClock;
  led: PatternPlayer;
  pin(role: string): PinRef;
  /** Device clock in ms (restarts at boot). */
  deviceNow(): number;
  /** The battery's voltage in mV, or 0 without a battery pin (on mains power). */
  batteryMv(): number;
  topic(channel: string): string;
  log(message: string): void;
}

export interface DeviceApp {
  onMessage(channel: string, payload: string): void;
  onConnection(connected: boolean): void;
  heartbeatExtras(): { outboxDepth: number; dropped?: number };
  /** Why an update over the air must wait now, or null. */
  updateBlocker(): string | null;
}

function log(message: string): void {
  print('[lb] ' + message);
}

function timers() {
  return { setTimeout: setTimeout, clearTimeout: clearTimeout };
}

function deviceNow(): number {
  return getTime() * 1000;
}

/** Shows "no usable configuration" forever, without crashing or rebooting. */
function refuseToStart(reason: string): void {
  log('cannot start: ' + reason);
  const led = Pin(DEFAULT_LED_PIN);
  new PatternPlayer(function (on: boolean) {
    digitalWrite(led, on);
  }, timers()).play(LED_BAD_CONFIG, true);
}

export function runDevice(kind: DeviceKind, startApp: (ctx: DeviceContext) => DeviceApp): void {
  const storage = espruinoModule('Storage');
  // Files the flasher carried past a re-flash go back in place before anything reads them.
  restoreCarried(storage, log);
  const parsed = parseDeviceConfig(storage.readJSON('lb.config', true), kind);
  if (typeof parsed === 'string') {
    refuseToStart(parsed);
    return;
  }
  const config = parsed;

  // Reset if the main loop stops running for WATCHDOG_S: kicked from a timer, which only fires while the loop is alive.
  E.enableWatchdog(WATCHDOG_S, false);
  setInterval(function () {
    E.kickWatchdog();
  }, 2000);

  const ledPin = Pin(config.pins.led);
  const led = new PatternPlayer(function (on: boolean) {
    digitalWrite(ledPin, on);
  }, timers());
  const clock = new PressClock(storage, 'lb.clock', deviceNow);
  const topic = function (channel: string): string {
    return deviceTopic(config.site, config.id, channel);
  };

  let app: DeviceApp | null = null;
  let clockWaiters: (() => void)[] = [];
  let clockWaitTimer: unknown = null;
  const clockKnown = function () {
    if (clockWaitTimer !== null) clearTimeout(clockWaitTimer);
    clockWaitTimer = null;
    const waiting = clockWaiters;
    clockWaiters = [];
    for (let i = 0; i < waiting.length; i++) waiting[i]();
  };
  const wifi = espruinoModule('Wifi');
  // Filled in once the client exists: its handlers need it, and nothing may be used before it is defined.
  let sendHeartbeat: () => void = function () {};
  let sendUpdateStatus: (status: UpdateStatus, onAck: () => void) => void = function () {};
  let reportUpdate: () => void = function () {};
  let updates: UpdateReceiver | null = null;

  const client = new MqttClient(
    {
      net: espruinoModule('net'),
      now: deviceNow,
      setTimeout: setTimeout,
      clearTimeout: clearTimeout,
      random: Math.random,
      log: log,
    },
    {
      host: config.hub.host,
      port: config.hub.port,
      clientId: config.id,
      username: config.id,
      password: config.secret,
      keepaliveSeconds: KEEPALIVE_S,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      will: { topic: topic(UPLINK.status), payload: encodeStatus({ online: false }), retain: true, qos: 1 },
      subscriptions: downlinkChannels(kind).map(topic),
      maxPacketBytes: MAX_PACKET_BYTES,
    },
    {
      onConnect: function () {
        log('connected to the hub');
        if (clockWaiters.length > 0 && clockWaitTimer === null) clockWaitTimer = setTimeout(clockKnown, CLOCK_WAIT_MS);
        client.publish(
          topic(UPLINK.status),
          function () {
            return encodeStatus({ online: true });
          },
          true,
          function () {},
          true,
        );
        if (app) app.onConnection(true);
        sendHeartbeat();
        reportUpdate();
      },
      onClose: function () {
        if (app) app.onConnection(false);
      },
      onMessage: function (fullTopic: string, payload: string) {
        const parsedTopic = parseDeviceTopic(fullTopic);
        if (!parsedTopic || parsedTopic.device !== config.id) return;
        if (parsedTopic.channel === DOWNLINK.time) {
          const sync = decodeTime(payload);
          if (sync.ok) {
            clock.sync(sync.value.time);
            clockKnown();
          }
          return;
        }
        if (parsedTopic.channel === DOWNLINK.update) {
          const answer = updates ? updates.handle(payload) : null;
          if (answer) sendUpdateStatus(answer, function () {});
          return;
        }
        if (app) app.onMessage(parsedTopic.channel, payload);
      },
    },
  );

  const batteryMv = function (): number {
    return config.battery ? Math.round(analogRead(Pin(config.battery.pin)) * 3300 * config.battery.divider) : 0;
  };

  sendHeartbeat = function () {
    if (!client.connected || !app) return;
    const extras = app.heartbeatExtras();
    // On ESP32 2v29 the AP's signal is in getStatus(); getDetails() has no rssi.
    const rssi = wifi.getStatus().rssi;
    const payload = encodeHeartbeat({
      batteryMv: batteryMv(),
      rssi: typeof rssi === 'number' && rssi < 0 && rssi >= -127 ? Math.round(rssi) : -127,
      freeMemory: process.memory().free,
      outboxDepth: extras.outboxDepth,
      firmware: FIRMWARE_VERSION,
      dropped: extras.dropped,
    });
    client.publish(
      topic(UPLINK.heartbeat),
      function () {
        return payload;
      },
      false,
      function () {},
      true,
    );
  };

  sendUpdateStatus = function (status: UpdateStatus, onAck: () => void) {
    const text = encodeUpdateStatus(status);
    client.publish(
      topic(UPLINK.updateStatus),
      function () {
        return text;
      },
      false,
      onAck,
    );
  };

  /** After an update: the first connection confirms it (the guard keeps it), and the hub hears how it ended. */
  reportUpdate = function () {
    const record = storage.readJSON(UPDATE_STATE, true) as UpdateRecord | undefined;
    if (!record || record.k) return;
    if (record.s === 'trial') {
      record.s = 'confirmed';
      storage.writeJSON(UPDATE_STATE, record);
    }
    if (record.s !== 'confirmed' && record.s !== 'done' && record.s !== 'rolled-back') return;
    const status: UpdateStatus =
      record.s === 'rolled-back' ? { update: record.u, state: 'rolled-back', reason: record.r || '' } : { update: record.u, state: 'running', version: FIRMWARE_VERSION };
    sendUpdateStatus(status, function () {
      const now = storage.readJSON(UPDATE_STATE, true) as UpdateRecord | undefined;
      if (!now || now.u !== record.u) return;
      now.k = 1;
      storage.writeJSON(UPDATE_STATE, now);
    });
  };

  updates = new UpdateReceiver({
    storage: storage,
    kind: kind,
    crc32: function (data: string) {
      return E.CRC32(data);
    },
    fromBase64: function (text: string) {
      return atob(text);
    },
    blocker: function () {
      return app ? app.updateBlocker() : 'starting';
    },
    config: function () {
      return (storage.readJSON('lb.config', true) as { [key: string]: unknown }) || {};
    },
    configProblem: function (merged: { [key: string]: unknown }) {
      const result = parseDeviceConfig(merged, kind);
      return typeof result === 'string' ? result : null;
    },
    restart: function () {
      log('update: restarting to install');
      setTimeout(function () {
        E.reboot();
      }, 1500);
    },
  });

  const wifiLink = new WifiLink(wifi, config.wifi, { setTimeout: setTimeout, random: Math.random, log: log }, function (up: boolean) {
    client.setNetwork(up);
  });

  app = startApp({
    config: config,
    whenClockKnown: function (callback: () => void) {
      if (clock.hubNow() !== null) callback();
      else clockWaiters.push(callback);
    },
    storage: storage,
    client: client,
    clock: clock,
    led: led,
    pin: function (role: string) {
      return Pin(config.pins[role]);
    },
    deviceNow: deviceNow,
    batteryMv: batteryMv,
    topic: topic,
    log: log,
  });
  app.onConnection(false);

  setInterval(sendHeartbeat, HEARTBEAT_PERIOD_S * 1000);
  try {
    // Modem sleep saves most of a battery pager's current; the price is latency: the access point
    // holds a frame for the pager until the next beacon it wakes for (~100 ms at DTIM 1, docs/power.md).
    wifi.setConfig({ powersave: config.powersave });
  } catch (e) {
    log('powersave: ' + String(e));
  }
  client.start();
  wifiLink.start();
}
