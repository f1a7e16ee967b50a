// npm run flash -- --device <id> --port /dev/ttyUSB0   (or --port tcp://192.168.1.50)
//
// Puts the firmware and the device's configuration on an ESP32 running
// Espruino, offline: the bundle is self-contained and a board file names the
// built-in modules, so espruino-tools looks nothing up on the web. The hub
// keeps only secret hashes, so every flash issues the device a fresh secret,
// registers its hash with the hub and writes the plain secret only into the
// device's own configuration.
//
// --dry-run --out DIR writes exactly what would be sent (bundle, config,
// board file, command line) and touches neither the device nor, unless
// --register is given, the hub's credentials.
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_PINS } from '../firmware/hal/default-pins.js';
import { flashedConfig } from '../firmware/shim/flashed-config.js';
import { pinProblems } from './lib/esp32-pins.js';
import { generateSecret } from '../hub/auth/secrets.js';
import { DEFAULT_CONFIG_PATH, dataDirOf, loadConfig } from '../hub/config/load.js';
import { registerPendingSecret } from '../hub/provisioning.js';
import { withStorage } from '../hub/store/storage.js';
import { DATABASE_FILE } from '../hub/store/database.js';
import { SEQ_FLOOR_MAX } from '../shared/limits.js';
import { FIRMWARE_DIST, ROOT } from './build-firmware.js';
import { bundleFile } from '../hub/firmware/bundles.js';
import { cyrillicFontBitmap } from '../shared/cyrillic-font.js';
import { installScript } from './lib/install-script.js';

/** espruino-tools, a pinned dependency of the project: flashing needs no network. */
export const ESPRUINO_TOOLS = 'espruino-tools 0.1.67';
const ESPRUINO_CLI = createRequire(import.meta.url).resolve('espruino/bin/espruino-cli.js');
/** An upload that has not finished after this long is stopped. */
const UPLOAD_TIMEOUT_MS = 180_000;

/** Serial ports a board may be on (Linux): USB serial adapters, and their stable names. */
export function serialPorts(): string[] {
  const found: string[] = [];
  for (const [dir, pattern] of [['/dev', /^tty(USB|ACM)\d+$/], ['/dev/serial/by-id', /./]] as const) {
    try {
      for (const name of readdirSync(dir)) if (pattern.test(name)) found.push(join(dir, name));
    } catch {
      // no such folder: no such ports
    }
  }
  return found;
}

/**
 * The board's port when --port is not given: the one USB serial device
 * attached (its /dev/serial/by-id name is the same board); with none or
 * several, one line saying what to do.
 */
export function detectPort(ports: string[] = serialPorts()): string {
  const boards = ports.filter((port) => /^\/dev\/tty(USB|ACM)\d+$/.test(port));
  if (boards.length === 1) return boards[0];
  if (boards.length === 0) throw new InvalidArgumentError('no USB serial port found: plug the board in (a data cable, not a charging one), or give --port');
  throw new InvalidArgumentError(`several serial ports (${boards.join(', ')}): say which with --port`);
}

/** Why `port` cannot be used, in one line, or null. tcp:// ports (Espruino's telnet) are tried as they are. */
export function portProblem(port: string): string | null {
  if (port.startsWith('tcp://')) return null;
  if (!existsSync(port)) {
    const ports = serialPorts();
    return `no serial port ${port}: is the board plugged in? ${ports.length > 0 ? `ports here: ${ports.join(', ')}` : 'no USB serial port found'}`;
  }
  try {
    accessSync(port, constants.R_OK | constants.W_OK);
  } catch {
    return `cannot open ${port}: add this user to the "dialout" group (sudo usermod -aG dialout $USER, then log in again)`;
  }
  return null;
}
const CONFIG_STORAGE_NAME = 'lb.config';


export interface FlashOptions {
  device: string;
  port?: string;
  configPath: string;
  wifiSsid: string;
  wifiPassword: string;
  hubHost?: string;
  hubPort?: number;
  pins?: Record<string, string>;
  display?: boolean;
  batteryPin?: string;
  batteryDivider?: number;
  dryRun: boolean;
  register: boolean;
  /** Wi-Fi modem sleep for the device; default by kind. */
  powersave?: 'none' | 'min' | 'max';
  out: string;
  /** Sends the files (default: espruino-tools over the serial port); its exit code. Tests replace it. */
  upload?: (command: string[]) => Promise<number>;
  log?: (line: string) => void;
}

export interface FlashPlan {
  bundle: string;
  configFile: string;
  /** What is sent: runs from RAM, writes code and config into Storage, keeps the device's own files (scripts/lib/install-script.ts). */
  installFile: string;
  /** Presses above SEQ_FLOOR_MAX the hub holds for this device (a fault or a forged press): not used as the floor. */
  ignoredSeqAbove: number | null;
  boardFile: string;
  command: string[];
  registered: boolean;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/**
 * Why devices could not reach the hub at `hubHost`, or null: the hub listens
 * on loopback only (mqtt.host), or on one address that is not `hubHost`.
 */
export function reachabilityProblem(mqttHost: string, hubHost: string): string | null {
  if (LOOPBACK.test(mqttHost) && !LOOPBACK.test(hubHost)) {
    return `the hub listens on ${mqttHost} only (mqtt.host): a device cannot reach it at ${hubHost}; set mqtt.host to "0.0.0.0" or to ${hubHost}`;
  }
  if (mqttHost !== '0.0.0.0' && mqttHost !== '::' && !LOOPBACK.test(mqttHost) && mqttHost !== hubHost) {
    return `the hub listens on ${mqttHost} (mqtt.host), not on ${hubHost}: give --hub-host ${mqttHost}, or set mqtt.host to "0.0.0.0"`;
  }
  return null;
}

/** This machine's first non-loopback IPv4 address: where devices in the shop reach the hub. */
export function lanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

function parsePins(text: string): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [role, pin] = pair.split('=');
    if (!role || !/^D\d+$/.test(pin ?? '')) throw new InvalidArgumentError(`"${pair}" is not role=Dn (e.g. red=D4)`);
    pins[role.trim()] = pin;
  }
  return pins;
}

/** Writes the files, issues the secret (registered unless a plain dry run), and returns the upload command. */
export async function prepareFlash(options: FlashOptions): Promise<FlashPlan> {
  const log = options.log ?? console.log;
  const config = loadConfig(options.configPath);
  const device = config.devices.find((d) => d.id === options.device);
  if (!device) throw new Error(`no device "${options.device}" in ${options.configPath}: add it first with loyalty-hub device add`);
  // The wiring is checked before anything is written or registered.
  const problems = pinProblems(device.kind, { ...DEFAULT_PINS[device.kind], ...options.pins }, options.batteryPin);
  if (problems.length > 0) throw new Error(`these pins cannot work on an ESP32 (docs/hardware.md): ${problems.join('; ')}`);
  const hubHost = options.hubHost ?? lanAddress();
  if (!hubHost) throw new Error('cannot tell this machine’s LAN address: give the hub’s IP with --hub-host');
  const unreachable = reachabilityProblem(config.mqtt.host, hubHost);
  if (unreachable) log(`warning: ${unreachable}`);
  // A pager's words are built into its bundle, one per language (the device's own, or the shop's).
  const language = device.language ?? config.language;
  const bundleSource = join(FIRMWARE_DIST, bundleFile(device.kind, language));
  if (!existsSync(bundleSource)) throw new Error(`${bundleSource} is missing: run npm run build:firmware`);
  const dataDir = dataDirOf(config, options.configPath);

  // Sequence numbers must go on from the last one the hub has seen from this device, but a
  // number near the top (a fault, or a press forged with a leaked secret) must not leave the
  // device without numbers: the floor is the highest at or below SEQ_FLOOR_MAX.
  let seqFloor = 0;
  let ignoredSeqAbove: number | null = null;
  if (existsSync(join(dataDir, DATABASE_FILE))) {
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    try {
      seqFloor = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM presses WHERE device_id = ? AND seq <= ?').pluck().get(device.id, SEQ_FLOOR_MAX) as number;
      const above = db.prepare('SELECT MAX(seq) FROM presses WHERE device_id = ? AND seq > ?').pluck().get(device.id, SEQ_FLOOR_MAX) as number | null;
      if (above !== null) {
        ignoredSeqAbove = above;
        log(`warning: the hub holds a press with sequence number ${above} from "${device.id}", above ${SEQ_FLOOR_MAX}: a fault or a forged press (check who has the old secret); numbering continues from ${seqFloor + 1}`);
      }
    } finally {
      db.close();
    }
  }

  const secret = generateSecret();
  const hubPort = options.hubPort ?? config.mqtt.port;
  const deviceConfig: Record<string, unknown> = {
    ...flashedConfig({
      kind: device.kind,
      id: device.id,
      secret,
      site: config.site,
      hubHost,
      hubPort,
      wifi: { ssid: options.wifiSsid, password: options.wifiPassword },
      pins: options.pins,
      display: device.kind === 'pager' && options.display !== false,
      powersave: options.powersave,
    }),
    seqFloor,
  };
  if (options.batteryPin) deviceConfig.battery = { pin: options.batteryPin, divider: options.batteryDivider ?? 2 };

  mkdirSync(options.out, { recursive: true });
  const bundle = join(options.out, `${device.kind}.js`);
  copyFileSync(bundleSource, bundle);
  const configFile = join(options.out, `${CONFIG_STORAGE_NAME}.json`);
  const json = JSON.stringify(deviceConfig);
  // Both hold the device secret and the Wi-Fi password in plain text: for this user only, and gone after an upload.
  writeSecretFile(configFile, json, 'utf8');
  const installFile = join(options.out, 'install.js');
  const font = device.kind === 'pager' ? cyrillicFontBitmap() : undefined;
  writeSecretFile(installFile, installScript(readFileSync(bundleSource, 'latin1'), json, readFileSync(join(FIRMWARE_DIST, 'guard.js'), 'latin1'), font), 'latin1');
  const boardFile = join(options.out, 'board.json');
  // An offline board description: these modules are built in, so nothing is fetched.
  writeFileSync(boardFile, JSON.stringify({ info: { id: 'ESP32', builtin_modules: ['net', 'Wifi', 'Storage', 'ESP32', 'Graphics'] } }, null, 2));
  const port = options.port ?? '<port>';
  // Sent to RAM (espruino-tools' default, after its reset()): the script itself writes Storage and load()s the new code.
  const command = [process.execPath, ESPRUINO_CLI, '--board', boardFile, '-p', port, '-b', '115200', installFile];
  writeFileSync(join(options.out, 'flash-command.txt'), command.map((part) => (/\s/.test(part) ? JSON.stringify(part) : part)).join(' ') + '\n');

  const register = !options.dryRun || options.register;
  if (register) withStorage(dataDir, (storage) => registerPendingSecret(storage.devices, device.id, secret, Date.now()));
  log(`${device.kind} "${device.id}" (${device.label}): hub ${hubHost}:${hubPort}, Wi-Fi "${options.wifiSsid}", sequence numbers from ${seqFloor + 1}`);
  log(register ? `new secret registered with the hub for "${device.id}": the old one works until the device first connects with the new one` : 'dry run: the hub’s credentials are unchanged (use --register to register this secret)');
  return { bundle, configFile, installFile, ignoredSeqAbove, boardFile, command, registered: register };
}

/** A file only this user may read (0600 whatever the umask, also if it existed). */
function writeSecretFile(path: string, text: string, encoding: BufferEncoding): void {
  writeFileSync(path, text, { encoding, mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Runs espruino-tools with `command`; its exit code (a timeout ends it). */
function runEspruinoTools(command: string[]): Promise<number> {
  const [program, ...args] = command;
  return new Promise<number>((done) => {
    const child = spawn(program, args, { stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGTERM'), UPLOAD_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done(code ?? 1);
    });
  });
}

export async function flash(options: FlashOptions): Promise<void> {
  const log = options.log ?? console.log;
  // A wrong or busy port is found before anything is written or registered.
  if (!options.dryRun && !options.upload) {
    const problem = portProblem(options.port ?? '');
    if (problem) throw new Error(problem);
  }
  const plan = await prepareFlash(options);
  if (options.dryRun) {
    log(`dry run: wrote ${plan.installFile} (what is sent), ${plan.bundle}, ${plan.configFile}, ${plan.boardFile} and flash-command.txt to ${options.out}`);
    return;
  }
  log(`uploading with ${ESPRUINO_TOOLS} to ${options.port} (the device resets and saves to flash)…`);
  const code = await (options.upload ?? runEspruinoTools)(plan.command);
  if (code !== 0) throw new Error(`espruino-tools exited with code ${code}: the device keeps its old code and secret (the hub still takes it); flash again`);
  // The device has them now; plain-text secrets stay nowhere else.
  rmSync(plan.configFile, { force: true });
  rmSync(plan.installFile, { force: true });
  log('done: the device restarts, joins the Wi-Fi and shows up in "loyalty-hub device list" within a minute');
}

function main(): void {
  const program = new Command('npm run flash --')
    .description('Flash the firmware and a fresh configuration onto an ESP32 running Espruino (offline, via espruino-tools).')
    .option('--device <id>', 'device id from the hub configuration (loyalty-hub device add)')
    .option('--list-ports', 'list the serial ports a board may be on, and stop')
    .option('--port <port>', 'serial port (/dev/ttyUSB0) or tcp://IP of the device (default: the only USB serial port attached)')
    .option('-c, --config <file>', 'hub configuration file', process.env.LOYALTY_HUB_CONFIG ?? DEFAULT_CONFIG_PATH)
    .option('--wifi-ssid <ssid>', 'the shop’s Wi-Fi network')
    .option('--wifi-password <password>', 'Wi-Fi password (or set LB_WIFI_PASSWORD, which keeps it out of shell history)')
    .option('--hub-host <ip>', "the hub's IP address as devices see it (default: this machine's LAN address)")
    .option('--hub-port <port>', 'MQTT port (default: mqtt.port from the configuration)', (v) => Number(v))
    .option('--pins <list>', 'pin overrides, e.g. red=D4,green=D5,led=D2 (see docs/hardware.md)', parsePins)
    .option('--no-display', 'pager without an SSD1306 display')
    .addOption(new Option('--powersave <mode>', 'Wi-Fi modem sleep (default: max for a pager, none for a button; see docs/power.md)').choices(['none', 'min', 'max']))
    .option('--battery-pin <pin>', 'ADC pin with the battery divider (D32-D39)')
    .option('--battery-divider <ratio>', 'battery divider ratio (default 2)', (v) => Number(v))
    .option('--dry-run', 'send nothing: write what would be sent to --out')
    .option('--register', 'with --dry-run: register the new secret with the hub anyway (to upload the files by other means)')
    .option('--out <dir>', 'where the files go', join(ROOT, 'firmware', 'dist', 'flash'))
    .action(async (o) => {
      if (o.listPorts) {
        const ports = serialPorts();
        process.stdout.write(ports.length > 0 ? ports.join('\n') + '\n' : 'no USB serial port found: plug the board in (a data cable, not a charging one)\n');
        return;
      }
      if (!o.device) throw new InvalidArgumentError('give --device ID (or --list-ports)');
      if (!o.wifiSsid) throw new InvalidArgumentError('give --wifi-ssid');
      const password = o.wifiPassword ?? process.env.LB_WIFI_PASSWORD;
      if (password === undefined) throw new InvalidArgumentError('give --wifi-password or set LB_WIFI_PASSWORD');
      let port = o.port;
      if (!o.dryRun && !port) {
        port = detectPort();
        process.stderr.write(`flash: using ${port}, the only USB serial port here\n`);
      }
      await flash({
        device: o.device,
        port,
        configPath: o.config,
        wifiSsid: o.wifiSsid,
        wifiPassword: password,
        hubHost: o.hubHost,
        hubPort: o.hubPort,
        pins: o.pins,
        display: o.display,
        powersave: o.powersave,
        batteryPin: o.batteryPin,
        batteryDivider: o.batteryDivider,
        dryRun: Boolean(o.dryRun),
        register: Boolean(o.register),
        out: resolve(o.out),
      });
    });
  program.parseAsync(process.argv).catch((error: Error) => {
    process.stderr.write(`flash: ${error.message}\n`);
    process.exit(1);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
