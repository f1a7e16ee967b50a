// A simulated ESP32 running Espruino, for tests and the simulated shop. It
// runs the BUILT bundle (firmware/dist/*.js) in a vm context that offers the
// Espruino API of hal/espruino-api.ts and lacks what Espruino lacks. Pins are
// observable, Storage lives in a directory, the Wi-Fi radio can be dropped
// and restored, and net uses real Node sockets.
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Socket as NodeSocket } from 'node:net';
import vm from 'node:vm';
import type {
  EspruinoGlobals,
  GraphicsApi,
  WatchEvent,
  WatchOptions,
  WifiApi,
} from '../hal/espruino-api.js';
import { realClock, type ClockTimer, type DeviceClock } from './device-clock.js';
import { crc32 } from '../../shared/crc32.js';
import { EspruinoStorage } from './espruino-storage.js';
import { JsVarEstimator } from './jsvar-estimate.js';
import { createNodeNet, type Link } from './node-net.js';
import { Ssd1306Model } from './ssd1306-model.js';
import { PanelText } from './panel-text.js';

/** Globals Espruino 2v29 does not have; deleted from the context before the bundle runs. */
const MISSING = [
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'Symbol',
  'Reflect',
  'Proxy',
  'globalThis',
  'queueMicrotask',
  'structuredClone',
];
/**
 * JSON as Espruino 2v29 on the ESP32 has it, its strings 8-bit:
 * - stringify writes every character from 127 up as \u00XX (src/jsutils.c,
 *   escapeCharacter: "ch<32 || ch>=127" → numericEscapeChar), so what a device
 *   sends is ASCII;
 * - parse makes \uXXXX one byte, the code's low 8 bits (src/jslex.c, without
 *   ESPR_UNICODE_SUPPORT, which boards/ESP32.py does not set): "\u0416" is
 *   "\x16", not "Ж". Raw bytes above ASCII stay single bytes (the socket hands
 *   the firmware latin1 text, node-net.ts).
 */
const ESPRUINO_JSON = `(function (J) {
  var stringify = J.stringify, parse = J.parse;
  var bytes = function (v) {
    if (typeof v === 'string') return v.replace(/[\\u0100-\\uffff]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) & 255); });
    if (v && typeof v === 'object') for (var k in v) v[k] = bytes(v[k]);
    return v;
  };
  J.stringify = function (value, replacer, space) {
    var text = stringify(value, undefined, space);
    return text === undefined ? text : text.replace(/[\\u007f-\\uffff]/g, function (c) { var h = (c.charCodeAt(0) & 255).toString(16); return '\\\\u00' + (h.length < 2 ? '0' : '') + h; });
  };
  J.parse = function (text) { return bytes(parse(text)); };
})(JSON);`;

const MISSING_STATICS = ['Array.from', 'Array.of', 'Number.isFinite', 'Number.isInteger', 'Math.trunc', 'Object.freeze', 'Object.fromEntries', 'Promise.race', 'Promise.allSettled', 'Promise.any'];

/** Thrown by E.reboot() to unwind the running code, as the reset does on the device. */
class RebootRequest extends Error {}

export interface PinChange {
  pin: string;
  value: number;
  /** ms since the device booted. */
  at: number;
}

export interface SimulatedDeviceOptions {
  /** Shown in logs. */
  name: string;
  /** Folder holding this device's Storage (its flash). */
  storageDir: string;
  /** The bundle's source text; without it the device boots from its Storage (".bootcde"), as after a flash. */
  bundle?: string;
  /** Where device lines go (print, console.log); default: kept in `logs` only. */
  log?: (line: string) => void;
  /** process.memory() answers with a JsVar estimate (jsvar-estimate.ts) instead of a fixed figure: slower, for tests. */
  estimateMemory?: boolean;
  /** Size of the Storage area (default: the ESP32's). */
  flashBytes?: number;
  /** The device's time: real by default; a VirtualClock runs hours in seconds (scripts/power). */
  clock?: DeviceClock;
}

/** What the device did that costs energy, counted since it was made (scripts/power turns it into current). */
export interface DeviceActivity {
  /** Firmware callbacks the interpreter ran: timers, watches, socket and Wi-Fi events. */
  callbacks: number;
  /** Socket writes and data events: each is at least one frame on the air. */
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** Bytes on the I2C bus (address byte included). */
  i2cBytes: number;
}

interface TimerHandle {
  clockTimer: ClockTimer | null;
}

/** JsVars of the ESP32 build as the project plans for them (../shared/espruino.md). */
export const JSVARS_TOTAL = 12000;

interface Watch {
  pin: string;
  callback: (event: WatchEvent) => void;
  options: WatchOptions;
  /** The level last reported (or found at setWatch). */
  state: boolean;
  /** Seconds: the last edge seen, and the time of the last event delivered. */
  edgeTime: number;
  lastTime: number | null;
  debounceTimer: ClockTimer | null;
}

/** The radio: tests drop it (the firmware sees "disconnected") or black-hole it (nobody notices). */
export class SimulatedRadio extends EventEmitter implements Link {
  up = true;
  /** Bytes vanish both ways while sockets stay open: a half-open link. */
  blackhole = false;
}

export class SimulatedDevice {
  readonly pins = new Map<string, number>();
  readonly pinHistory: PinChange[] = [];
  readonly pinEvents = new EventEmitter();
  readonly logs: string[] = [];
  /** Exceptions the firmware did not catch (Espruino prints them and carries on). */
  readonly errors: Error[] = [];
  readonly radio = new SimulatedRadio();
  readonly storage: EspruinoStorage;
  watchdog = { timeoutS: 0, lastKick: 0 };
  /** Text on the display, as drawn since the last clear. */
  screen: string[] = [];
  analogValues = new Map<string, number>();
  /** Signal strength of the access point, as getStatus() reports it while connected. */
  rssi = -58;
  readonly activity: DeviceActivity = { callbacks: 0, packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, i2cBytes: 0 };
  /** The display controller on I2C address 0x3C; emits "display" (on: boolean) on pinEvents. */
  readonly display = new Ssd1306Model((on) => this.pinEvents.emit('display', on));
  readonly clock: DeviceClock;
  /** Emits "sent" and "received" with the bytes (8-bit string) of every socket write and data event. */
  readonly traffic = new EventEmitter();

  private context: vm.Context | null = null;
  private bootedAt = 0;
  private timers = new Set<TimerHandle>();
  private sockets = new Set<NodeSocket>();
  private watches: Watch[] = [];
  private wifiListeners: { event: string; listener: (details: unknown) => void }[] = [];
  private wifiConnected = false;
  private powersave = 'none';
  private powered = false;
  /**
   * Which power-on this is: callbacks of an earlier program (a socket closing after a reset) must not run.
   * On the device a reset ends them all (src/jsinteractive.c jsiSoftKill: jswKill closes sockets, jstReset, events/timers/watches dropped).
   */
  private generation = 0;
  private estimator: JsVarEstimator | null = null;
  private lastEstimate = 0;

  constructor(readonly options: SimulatedDeviceOptions) {
    this.clock = options.clock ?? realClock;
    mkdirSync(options.storageDir, { recursive: true, mode: 0o700 });
    this.storage = new EspruinoStorage(options.storageDir, {
      totalBytes: options.flashBytes,
      onHazard: (message) => {
        this.errors.push(new Error(message));
        this.log(message);
      },
    });
  }

  /** The Wi-Fi power-save mode the firmware chose, as getStatus() reports it ("none", "min_modem", "max_modem"). */
  get wifiPowersave(): string {
    return this.powersave;
  }

  /** Sockets still opening (a TCP connect under way): the firmware is waiting for the network. */
  get connectingSockets(): number {
    let n = 0;
    for (const socket of this.sockets) if (socket.connecting) n++;
    return n;
  }

  get running(): boolean {
    return this.powered;
  }

  /**
   * Powers on: a fresh interpreter runs the bundle given, or else the code
   * saved in Storage (".bootcde", which then runs from memory-mapped flash:
   * a compaction that rewrites it is reported in `errors`). Storage is what it was.
   */
  boot(): void {
    if (this.powered) throw new Error(`${this.options.name} is already running`);
    this.storage.runningCodeAddresses = [];
    this.startInterpreter();
    // Espruino 2v29 at boot (src/jsflash.c jsfLoadBootCodeFromFlash): ".boot0" to ".boot3" are
    // evaluated in turn, each from flash, an exception in one reported and the next still run;
    // then the boot code, ".bootcde" (read only then: a boot file may have replaced it).
    let ranBootFile = false;
    for (let i = 0; i < 4; i++) {
      const name = `.boot${i}`;
      const text = this.storage.read(name);
      if (text === undefined) continue;
      ranBootFile = true;
      this.storage.runningCodeAddresses.push(this.storage.addressOf(name)!);
      this.guard(() => vm.runInContext(text, this.context!, { filename: `${this.options.name}/${name}` }));
      if (!this.powered) return; // it called E.reboot()
    }
    let code = this.options.bundle;
    if (code === undefined) {
      code = this.storage.read('.bootcde');
      if (code === undefined) {
        if (ranBootFile) return;
        throw new Error(`${this.options.name} has no bundle and no .bootcde in its Storage`);
      }
      this.storage.runningCodeAddresses.push(this.storage.addressOf('.bootcde')!);
    }
    const bootCode = code;
    this.guard(() => vm.runInContext(bootCode, this.context!, { filename: `${this.options.name}.js` }));
  }

  /**
   * What espruino-tools does with a file sent to RAM: reset() (running code
   * stops), then the file is executed. `load()` in it restarts from ".bootcde".
   */
  upload(script: string): void {
    if (this.powered) this.powerOff();
    this.storage.runningCodeAddresses = [];
    let loadRequested = false;
    this.startInterpreter({
      load: () => {
        loadRequested = true;
      },
    });
    this.guard(() => vm.runInContext(script, this.context!, { filename: `${this.options.name}-upload.js` }));
    this.powerOff();
    if (loadRequested) this.boot();
  }

  /** JsVars the firmware holds now (see jsvar-estimate.ts), shaped like process.memory(). */
  memory(): { free: number; usage: number; total: number } {
    if (this.estimator) this.lastEstimate = this.estimator.count(this.heldCallbacks());
    return { free: JSVARS_TOTAL - this.lastEstimate, usage: this.lastEstimate, total: JSVARS_TOTAL };
  }

  private startInterpreter(extra: Record<string, unknown> = {}): void {
    this.powered = true;
    this.generation++;
    this.bootedAt = this.clock.now();
    const globals = { ...this.globals(), ...extra };
    this.context = vm.createContext(globals);
    vm.runInContext(
      MISSING_STATICS.map((name) => `delete ${name};`).join('') + `(function (g) { ${MISSING.map((name) => `delete g.${name};`).join(' ')} })(this);` + ESPRUINO_JSON,
      this.context,
    );
    this.estimator = new JsVarEstimator(this.context, new Set(Object.keys(globals)));
  }

  /** What the interpreter holds on the firmware's behalf: timer, watch and Wi-Fi callbacks. */
  private heldCallbacks(): unknown[] {
    const held: unknown[] = [];
    for (const callback of this.timerCallbacks.values()) held.push(callback);
    for (const watch of this.watches) held.push(watch.callback);
    for (const listener of this.wifiListeners) held.push(listener.listener);
    return held;
  }

  /** Power cut: timers, watches and sockets vanish; nothing is flushed. */
  powerOff(): void {
    this.powered = false;
    for (const timer of this.timers) if (timer.clockTimer) this.clock.clearTimeout(timer.clockTimer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const watch of this.watches) if (watch.debounceTimer) this.clock.clearTimeout(watch.debounceTimer);
    this.watches = [];
    this.wifiListeners = [];
    this.wifiConnected = false;
    this.context = null;
    this.estimator = null;
    this.timerCallbacks.clear();
  }

  reboot(): void {
    this.powerOff();
    this.boot();
  }

  /** Takes the Wi-Fi away: connections die and the firmware is told. */
  dropWifi(): void {
    this.radio.up = false;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (this.wifiConnected) {
      this.wifiConnected = false;
      this.emitWifi('disconnected', {});
    }
  }

  restoreWifi(): void {
    this.radio.up = true;
  }

  /** A button held down for `ms` of real time (inputs are pulled up: pressed reads low). On a virtual clock, use hold(). */
  async press(pin: string, ms = 80): Promise<void> {
    this.setInput(pin, 0);
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.setInput(pin, 1);
  }

  /** A button pushed down (true) or let go (false), now on the device's clock. */
  hold(pin: string, down: boolean): void {
    this.setInput(pin, down ? 0 : 1);
  }

  pin(name: string): number {
    return this.pins.get(name) ?? 0;
  }

  /** ms since boot, as the device's clock sees it. */
  uptimeMs(): number {
    return this.clock.now() - this.bootedAt;
  }

  // ---- the Espruino API -------------------------------------------------------

  private globals(): EspruinoGlobals & Record<string, unknown> {
    const generation = this.generation;
    const net = createNodeNet({
      link: this.radio,
      run: (callback) => this.guard(callback, generation),
      track: (socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
      },
      onTraffic: (direction, data) => {
        if (direction === 'sent') {
          this.activity.packetsSent++;
          this.activity.bytesSent += data.length;
        } else {
          this.activity.packetsReceived++;
          this.activity.bytesReceived += data.length;
        }
        this.traffic.emit(direction, data);
      },
    });
    const modules = { Storage: this.storage, Wifi: this.wifi(), net };
    const api: EspruinoGlobals = {
      getTime: () => this.uptimeMs() / 1000,
      setTimeout: (callback, ms) => this.timer(callback, ms, false),
      clearTimeout: (id) => this.clearTimer(id),
      setInterval: (callback, ms) => this.timer(callback, ms, true),
      clearInterval: (id) => this.clearTimer(id),
      setWatch: (callback, pin, options) => {
        const watch: Watch = { pin: String(pin), callback, options, state: this.pin(String(pin)) === 1, edgeTime: 0, lastTime: null, debounceTimer: null };
        this.watches.push(watch);
        return watch;
      },
      clearWatch: (id) => {
        const watch = id as Watch;
        if (watch.debounceTimer) this.clock.clearTimeout(watch.debounceTimer);
        this.watches = this.watches.filter((w) => w !== watch);
      },
      digitalWrite: (pin, value) => this.output(String(pin), value ? 1 : 0),
      digitalRead: (pin) => this.pin(String(pin)),
      analogRead: (pin) => this.analogValues.get(String(pin)) ?? 0,
      pinMode: (pin, mode) => {
        if (mode === 'input_pullup' && !this.pins.has(String(pin))) this.pins.set(String(pin), 1);
      },
      Pin: (name) => name,
      E: {
        enableWatchdog: (timeoutS) => {
          this.watchdog = { timeoutS, lastKick: this.uptimeMs() };
        },
        kickWatchdog: () => {
          this.watchdog.lastKick = this.uptimeMs();
        },
        on: () => undefined,
        getErrorFlags: () => [],
        // jswrap_espruino_CRC32 (src/jswrap_espruino.c): the standard CRC-32 (reflected, 0xEDB88320), one byte per element, unsigned.
        CRC32: (data) => crc32(data),
        // jswrap_espruino_reboot: a hard reset, as if the reset pin were toggled; the code after it never runs.
        reboot: () => {
          throw new RebootRequest();
        },
      },
      atob: (text) => Buffer.from(text, 'base64').toString('latin1'),
      btoa: (text) => Buffer.from(text, 'latin1').toString('base64'),
      process: {
        memory: () => (this.options.estimateMemory ? this.memory() : { free: JSVARS_TOTAL - this.lastEstimate, usage: this.lastEstimate, total: JSVARS_TOTAL }),
      },
      I2C1: {
        setup: () => undefined,
        writeTo: (address, data) => {
          this.activity.i2cBytes += data.length + 1;
          if (address === 0x3c) this.display.write(data);
        },
      },
      Graphics: {
        createArrayBuffer: (width, height) => {
          const panel = new PanelText();
          const g: GraphicsApi = {
            buffer: new ArrayBuffer((width * height) / 8),
            clear: () => {
              panel.clear();
              return g;
            },
            setFont: () => {
              panel.builtIn();
              return g;
            },
            setFontCustom: (bitmap, firstChar) => {
              panel.custom(bitmap, firstChar);
              return g;
            },
            drawString: (text, x, y) => {
              panel.draw(text, x, y);
              this.screen = panel.lines();
              return g;
            },
            getWidth: () => width,
          };
          return g;
        },
      },
      print: (text) => this.log(text),
      espruinoModule: ((name: keyof typeof modules) => modules[name]) as EspruinoGlobals['espruinoModule'],
    };
    // setWatch as 2v29 runs it (src/jsinteractive.c, jsiHandleIOEventForWatch and the watch
    // timers in jsiIdle): callbacks run from the main loop, never inside the edge. With a
    // debounce, every edge restarts a timer of that length; when it fires, an event is
    // delivered only if the level differs from the last one reported, with `time` the
    // last edge's time (timer time − debounce) and `lastTime` the previous event's.
    // A pulse shorter than the debounce is no press at all.
    this.onInput = (pin) => {
      const now = this.uptimeMs() / 1000;
      for (const watch of this.watches.filter((w) => w.pin === pin)) {
        watch.edgeTime = now;
        const settle = () => {
          watch.debounceTimer = null;
          const state = this.pin(pin) === 1;
          if (state === watch.state) return; // it bounced back: nothing happened
          watch.state = state;
          const edge = state ? 'rising' : 'falling';
          if (watch.options.edge !== 'both' && watch.options.edge !== edge) return;
          const event = { state, time: watch.edgeTime, lastTime: watch.lastTime ?? watch.edgeTime };
          watch.lastTime = watch.edgeTime;
          this.guard(() => watch.callback(event), generation);
        };
        if (watch.debounceTimer) this.clock.clearTimeout(watch.debounceTimer);
        watch.debounceTimer = this.clock.setTimeout(settle, watch.options.debounce);
      }
    };
    return { ...api, require: (name: string) => (modules as Record<string, unknown>)[name], console: { log: (...parts: unknown[]) => this.log(parts.join(' ')) } };
  }

  private onInput: (pin: string) => void = () => undefined;

  private setInput(pin: string, value: number): void {
    this.pins.set(pin, value);
    if (this.powered) this.onInput(pin);
  }

  private output(pin: string, value: number): void {
    if (this.pins.get(pin) === value && this.pinHistory.length > 0) return;
    this.pins.set(pin, value);
    const change = { pin, value, at: this.uptimeMs() };
    this.pinHistory.push(change);
    if (this.pinHistory.length > 5000) this.pinHistory.splice(0, 1000);
    this.pinEvents.emit('change', change);
  }

  private timerCallbacks = new Map<TimerHandle, () => void>();

  /** setTimeout / setInterval on the device's clock; an interval is due every `ms` after the previous run. */
  private timer(callback: () => void, ms: number, repeat: boolean): TimerHandle {
    const generation = this.generation;
    const period = repeat ? Math.max(1, ms) : Math.max(0, ms);
    const handle: TimerHandle = { clockTimer: null };
    const run = () => {
      if (repeat) handle.clockTimer = this.clock.setTimeout(run, period);
      else {
        this.timers.delete(handle);
        this.timerCallbacks.delete(handle);
      }
      this.guard(callback, generation);
    };
    handle.clockTimer = this.clock.setTimeout(run, period);
    this.timers.add(handle);
    this.timerCallbacks.set(handle, callback);
    return handle;
  }

  private clearTimer(id: unknown): void {
    if (!id) return;
    const handle = id as TimerHandle;
    if (handle.clockTimer) this.clock.clearTimeout(handle.clockTimer);
    handle.clockTimer = null;
    this.timers.delete(handle);
    this.timerCallbacks.delete(handle);
  }

  /** The ESP32's Wifi module as 2v29 has it (libs/network/esp32/jswrap_esp32_network.c). */
  private wifi(): WifiApi {
    return {
      // The callback is kept for the "got IP" event only: a failed attempt never calls it,
      // the station's disconnect event ("disconnected") is all the firmware hears (jswrap_wifi_connect, esp32_wifi_handler).
      connect: (_ssid, _options, callback) => {
        this.timer(
          () => {
            if (!this.radio.up) {
              this.emitWifi('disconnected', { reason: '201', msg: 'no_ap_found' });
              return;
            }
            this.wifiConnected = true;
            this.emitWifi('connected', {});
            callback(null);
          },
          this.radio.up ? 20 : 300,
          false,
        );
      },
      disconnect: (callback) => {
        this.wifiConnected = false;
        callback?.();
      },
      on: (event, listener) => {
        this.wifiListeners.push({ event, listener });
      },
      // jswrap_wifi_getDetails: ssid, password, status, authMode; no rssi on ESP32.
      getDetails: () => (this.wifiConnected ? { status: 'connected', ssid: 'simulated' } : { status: 'no_ap_found' }),
      // jswrap_wifi_getStatus: the AP's rssi only while connected, and the power-save mode (ESP-IDF 4 names).
      getStatus: () => ({
        ...(this.wifiConnected ? { station: 'connected', rssi: this.rssi } : { station: 'no_ap_found' }),
        mode: 'STA',
        powersave: this.powersave,
      }),
      getIP: () => ({ ip: this.wifiConnected ? '127.0.0.1' : '0.0.0.0' }),
      setHostname: () => undefined,
      // jswrap_wifi_setConfig on an ESP-IDF 4 build: "ps-poll" is compiled out and throws like any unknown mode.
      setConfig: (config) => {
        const mode = (config as { powersave?: unknown }).powersave;
        if (mode === undefined) return;
        const names: Record<string, string> = { none: 'none', min: 'min_modem', max: 'max_modem' };
        if (typeof mode !== 'string' || !names[mode]) throw new Error('Unknown powersave mode');
        this.powersave = names[mode];
      },
    };
  }

  private emitWifi(event: string, details: unknown): void {
    for (const l of this.wifiListeners) if (l.event === event) this.guard(() => l.listener(details));
  }

  /**
   * Runs firmware code as Espruino would: an uncaught exception is printed, and the loop goes on.
   * A callback of an earlier power-on (`generation`) is dropped: a reset leaves nothing of the old program.
   */
  private guard(run: () => void, generation = this.generation): void {
    if (!this.powered || generation !== this.generation) return;
    this.activity.callbacks++;
    try {
      run();
    } catch (error) {
      if (error instanceof RebootRequest) {
        this.log('rebooting (E.reboot)');
        this.powerOff();
        setImmediate(() => this.boot());
        return;
      }
      this.errors.push(error as Error);
      this.log(`Uncaught ${(error as Error).stack ?? error}`);
    }
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > 2000) this.logs.splice(0, 500);
    this.options.log?.(`${this.options.name}: ${line}`);
  }
}
