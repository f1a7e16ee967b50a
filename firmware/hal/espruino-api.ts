// The hardware boundary: the part of Espruino 2v29's API (ESP32 build) this
// firmware uses, declared once. On the device Espruino provides it; in Node
// the shim (firmware/shim/) implements the same interface, so the very same
// built bundle runs in tests and in the simulated shop.
//
// Types only: nothing here emits code.

/** A GPIO pin: on the device a Pin object, in the shim its name. */
export type PinRef = unknown;

export interface WatchEvent {
  state: boolean;
  /** Seconds (getTime()) of this edge and of the previous one. */
  time: number;
  lastTime: number;
}

export interface WatchOptions {
  repeat: boolean;
  edge: 'rising' | 'falling' | 'both';
  debounce: number;
}

/**
 * A StorageFile (Storage.open): kept in flash as chunk files "name\1",
 * "name\2", … apart from plain files. Erase it with its own erase(): the
 * plain-file Storage.erase(name) and Storage.read(name) do not see it.
 */
export interface StorageFile {
  /** Appends (modes "w" and "a" only). */
  write(data: string): void;
  /** Up to `length` bytes, or undefined at the end (mode "r" only). */
  read(length: number): string | undefined;
  /** The next line including its "\n", or undefined at the end (mode "r" only). */
  readLine(): string | undefined;
  /** Removes every chunk; this handle can then no longer write. */
  erase(): void;
}

export interface StorageApi {
  /** A plain file (never a StorageFile), or undefined. */
  read(name: string): string | undefined;
  /** A new copy of the whole file (the old one becomes trash), or with offset/size a part of a pre-sized one. */
  write(name: string, data: string, offset?: number, size?: number): boolean;
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
  /** Erases a plain file only. */
  erase(name: string): void;
  list(): string[];
  getFree(): number;
  /** Reclaims trash; rewrites flash from the first page with trash (never while code mapped from there runs). */
  compact(): void;
  open(name: string, mode: 'r' | 'w' | 'a'): StorageFile;
}

export interface WifiApi {
  connect(ssid: string, options: { password: string }, callback: (error: string | null) => void): void;
  disconnect(callback?: () => void): void;
  on(event: 'connected' | 'disconnected', listener: (details: unknown) => void): void;
  /** ESP32 2v29: no rssi here (libs/network/esp32/jswrap_esp32_network.c jswrap_wifi_getDetails). */
  getDetails(): { status?: string; ssid?: string };
  /** ESP32 2v29: the connected AP's rssi, and the power-save mode. */
  getStatus(): { station?: string; rssi?: number; powersave?: string };
  getIP(): { ip: string };
  setHostname(name: string): void;
  /** ESP-IDF 4 builds accept "none", "min" and "max"; "ps-poll" throws there. */
  setConfig(config: { powersave: 'none' | 'min' | 'max' }): void;
}

export interface Socket {
  write(data: string): void;
  end(): void;
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'close' | 'end' | 'drain', listener: () => void): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}

export interface NetApi {
  connect(options: { host: string; port: number }, onConnect: () => void): Socket;
}

export interface I2CApi {
  setup(options: { scl: PinRef; sda: PinRef; bitrate: number }): void;
  writeTo(address: number, data: number[] | Uint8Array): void;
}

export interface GraphicsApi {
  buffer: ArrayBuffer;
  clear(): GraphicsApi;
  setFont(name: string, scale: number): GraphicsApi;
  /** A 1-bit font: per character `width` columns of `height & 255` bits, top bit first; scale in bits 8-15. */
  setFontCustom(bitmap: string, firstChar: number, width: number, height: number): GraphicsApi;
  drawString(text: string, x: number, y: number): GraphicsApi;
  getWidth(): number;
}

export interface GraphicsConstructor {
  createArrayBuffer(width: number, height: number, bpp: number, options: { vertical_byte: boolean }): GraphicsApi;
}

export interface EspruinoE {
  enableWatchdog(timeoutSeconds: number, autoKick: boolean): void;
  kickWatchdog(): void;
  on(event: 'init', listener: () => void): void;
  getErrorFlags(): string[];
  /** Standard CRC-32 of a string (one byte per character) or array, unsigned. */
  CRC32(data: string | ArrayLike<number>): number;
  /** A hard reset: nothing after it runs. */
  reboot(): void;
}

/** The built-in modules reached with require(). */
export interface EspruinoModules {
  Storage: StorageApi;
  Wifi: WifiApi;
  net: NetApi;
}

/** Everything the firmware takes from the global scope. */
export interface EspruinoGlobals {
  getTime(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  setWatch(callback: (event: WatchEvent) => void, pin: PinRef, options: WatchOptions): unknown;
  clearWatch(id: unknown): void;
  digitalWrite(pin: PinRef, value: boolean | number): void;
  digitalRead(pin: PinRef): number;
  analogRead(pin: PinRef): number;
  pinMode(pin: PinRef, mode: 'input' | 'input_pullup' | 'output'): void;
  Pin(name: string): PinRef;
  E: EspruinoE;
  process: { memory(): { free: number; usage: number; total: number } };
  I2C1: I2CApi;
  Graphics: GraphicsConstructor;
  print(text: string): void;
  /** Base64 to 8-bit text, and back. */
  atob(text: string): string;
  btoa(text: string): string;
  /** The banner's alias for require(): built-in modules only (see scripts/build-firmware.ts). */
  espruinoModule<K extends keyof EspruinoModules>(name: K): EspruinoModules[K];
}
