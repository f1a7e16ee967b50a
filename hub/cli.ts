#!/usr/bin/env -S node --no-memory-reducer
// loyalty-hub: start the hub, manage devices, print the day's log.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from './cli-errors.js';
import { DeviceEditError, addDevice, removeDevice } from './config/edit.js';
import { ConfigError, DEFAULT_CONFIG_PATH, dataDirOf, loadConfig, readConfigFile, writeConfigFile } from './config/load.js';
import type { HubConfig } from './config/schema.js';
import { DeviceDirectory } from './device-directory.js';
import { startBanner } from './banner.js';
import { Hub } from './hub.js';
import { issueSecret, revokeSecret } from './provisioning.js';
import { missingNodeFlags } from './runtime-flags.js';
import { dailyLog, logTable, namedDate, type DailyLog } from './report/daily-log.js';
import { csvOptionsFor, logCsv, type CsvPart, type CsvSeparator } from './report/csv-export.js';
import { historyView, totalsTable, type Period } from './report/history.js';
import { descriptorWarning, openFileLimit } from './descriptor-limit.js';
import { BackupError, backup, restore } from './store/backup.js';
import { SERVICE_NAME, ServiceError, installService, serviceStatus } from './service.js';
import { DatabaseError } from './store/database.js';
import { Storage, withStorage } from './store/storage.js';
import { followUpdates, updateRequestFrom, type DeviceUpdateOptions } from './update-cli.js';
import { UpdateRequestError, queueUpdates } from './update-request.js';
import { AccountError, Accounts, type Role } from './web/accounts.js';
import { batteryPercent } from '../shared/battery.js';
import type { DeviceKind } from '../shared/topics.js';


const program = new Command('loyalty-hub')
  .description('Local hub for loyalty buttons and staff wrist pagers: MQTT broker, durable press log, paging and escalation.')
  .option('-c, --config <file>', 'configuration file (created by "device add" when missing)', process.env.LOYALTY_HUB_CONFIG ?? DEFAULT_CONFIG_PATH)
  .showHelpAfterError();

function configPath(): string {
  return program.opts<{ config: string }>().config;
}

function load(): { config: HubConfig; dataDir: string } {
  const path = configPath();
  const config = loadConfig(path);
  return { config, dataDir: dataDirOf(config, path) };
}

function writableDataDir(dataDir: string): string {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw new UserError(`cannot write the data directory ${dataDir} (${(error as NodeJS.ErrnoException).code}): fix its permissions or set "dataDir" in ${configPath()}`);
  }
  return dataDir;
}

/** Reads a line from the terminal without echoing it. */
async function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    process.stderr.write(question);
    muted = true;
    return await rl.question('');
  } finally {
    muted = false;
    process.stderr.write('\n');
    rl.close();
  }
}

/** The first start makes the owner's dashboard login: asked for on a terminal, otherwise generated and shown once. */
async function ensureOwner(dataDir: string): Promise<void> {
  const storage = Storage.open(dataDir);
  try {
    const accounts = new Accounts(storage.accounts);
    if (accounts.count() > 0) return;
    let password = '';
    if (process.stdin.isTTY && process.stderr.isTTY) {
      while (password.length < 10) {
        password = await askHidden('First start: choose a password for the dashboard user "owner" (10+ characters, empty = generate one): ');
        if (password === '') break;
        if (password.length < 10) process.stderr.write('Too short.\n');
      }
    }
    const generated = password === '';
    if (generated) password = randomBytes(12).toString('base64url');
    await accounts.add('owner', 'owner', password, Date.now());
    process.stderr.write(
      generated
        ? `\nFirst start: dashboard login created.\n  User:     owner\n  Password: ${password}\nThis is the only time it is shown. More accounts: loyalty-hub user add NAME --role manager\n\n`
        : '\nDashboard login "owner" created.\n\n',
    );
  } finally {
    storage.close();
  }
}

program
  .command('start')
  .description('start the hub: MQTT on TCP and WebSocket, the press log, paging and escalation, the dashboard')
  .option('--no-sim', 'do not run the simulated shop (it runs while no real device is configured)')
  .action(async (options: { sim: boolean }) => {
    const { config, dataDir } = load();
    let hub: Hub;
    try {
      hub = await Hub.start({ config, dataDir: writableDataDir(dataDir), configPath: configPath(), simulate: options.sim, metricsFile: process.env.LOYALTY_HUB_METRICS });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { port?: number };
      if (e.code === 'EADDRINUSE') {
        throw new UserError(`port ${e.port ?? ''} is already in use (another hub or MQTT broker?): stop it, or set mqtt.port / mqtt.wsPort / http.port in ${configPath()}`);
      }
      if (e.code === 'EACCES') throw new UserError(`not allowed to listen on port ${e.port ?? ''}: use a port above 1023, or set mqtt.port in ${configPath()}`);
      if (error instanceof DatabaseError) throw new UserError(error.message);
      throw error;
    }
    await ensureOwner(dataDir);
    // The warning goes above the banner in the same write, so that whoever
    // reads up to the banner has read it too.
    const missing = missingNodeFlags();
    const warning =
      (missing.length > 0 ? `loyalty-hub: node was started without ${missing.join(' ')} (npm start and npx loyalty-hub pass it): expect occasional garbage-collection pauses of 10-20 ms\n` : '') +
      (descriptorWarning(openFileLimit()) ?? '');
    const shown = await startBanner({
      config,
      dataDir,
      httpPort: hub.httpPort,
      mqttPort: hub.mqttPort,
      wsPort: hub.wsPort,
      https: config.tls !== undefined,
      zoneFromSystem: readConfigFile(configPath()).timeZone === undefined,
      simulating: hub.simulatedShop !== undefined,
    });
    process.stderr.write(warning + shown);
    const stop = (signal: string) => {
      process.stderr.write(`loyalty-hub: ${signal}: stopping, finishing writes…\n`);
      hub.stop().then(
        () => {
          process.stderr.write('loyalty-hub: stopped cleanly.\n');
          process.exit(0);
        },
        (error: Error) => {
          process.stderr.write(`loyalty-hub: stop failed: ${error.message}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

const device = program.command('device').description('add, list or remove buttons and pagers');

const positiveInt = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number from 1');
  return n;
};

device
  .command('add')
  .description('add a device to the configuration and print its new secret (shown once; the hub keeps only a hash)')
  .addOption(new Option('--kind <kind>', 'what it is').choices(['button', 'pager']).makeOptionMandatory())
  .requiredOption('--label <text>', 'name shown on pagers: the counter for a button, the person for a pager')
  .option('--id <id>', 'device id (default: made from the label, e.g. btn-counter-1)')
  .option('--location <text>', 'where it is, for the reports')
  .option('--tier <n>', 'pager: join tier n of the default route (1 = first responders)', positiveInt)
  .option('--manager', 'pager: also receive device problems (missing, low battery)')
  .option('--json', 'print {"id","secret"} as JSON (for scripts such as the flasher)')
  .action(async (options: { kind: DeviceKind; label: string; id?: string; location?: string; tier?: number; manager?: boolean; json?: boolean }) => {
    const path = configPath();
    const { file, id } = addDevice(readConfigFile(path), options);
    const config = writeConfigFile(path, file);
    const secret = await issueSecret(writableDataDir(dataDirOf(config, path)), id);
    if (options.json) {
      process.stdout.write(JSON.stringify({ id, secret }) + '\n');
    } else {
      process.stdout.write(
        `Added ${options.kind} "${id}" (${options.label}) to ${path}.\n` +
          `Secret: ${secret}\n` +
          'This is the only time the secret is shown: write it into the device with the flasher.\n',
      );
    }
  });

device
  .command('list')
  .description('list configured devices with their credentials and last known health')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    const { config, dataDir } = load();
    const storage = Storage.open(writableDataDir(dataDir));
    try {
      const store = storage.devices;
      const states = new Map(store.deviceStates().map((s) => [s.deviceId, s]));
      const rows = config.devices.map((d) => {
        const s = states.get(d.id);
        return {
          id: d.id,
          kind: d.kind,
          label: d.label,
          location: d.location ?? '',
          secret: store.secretHashOf(d.id) ? 'set' : 'MISSING',
          lastSeen: s?.lastSeenAt ? new Date(s.lastSeenAt).toISOString() : 'never',
          batteryMv: s?.batteryMv ?? '',
          battery: s?.batteryMv ? `${batteryPercent(s.batteryMv)} %` : '',
          firmware: s?.firmware ?? '',
        };
      });
      if (options.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write(`No devices in ${configPath()}. Add one with: loyalty-hub device add --kind button --label "Counter 1"\n`);
      else console.table(rows);
    } finally {
      storage.close();
    }
  });

device
  .command('update')
  .description('update devices over the air through the running hub: firmware (default: the one built in this package) and/or settings; shows progress until each is done')
  .argument('[ids...]', 'device ids')
  .option('--all', 'every configured device')
  .option('--firmware [file]', 'a firmware bundle (without a file: firmware/dist/<kind>.js of this package)')
  .option('--wifi-ssid <ssid>', 'new Wi-Fi network (with --wifi-password or LB_WIFI_PASSWORD)')
  .option('--wifi-password <password>', 'its password')
  .option('--hub-host <address>', 'new hub address (an IP address)')
  .option('--hub-port <port>', 'new hub MQTT port')
  .addOption(new Option('--powersave <mode>', 'Wi-Fi modem sleep').choices(['none', 'min', 'max']))
  .option('--no-wait', 'queue the updates and return; the hub carries them out')
  .option('--timeout <seconds>', 'stop waiting after this long (the updates go on)', '900')
  .action(async (ids: string[], options: DeviceUpdateOptions) => {
    const { config, dataDir } = load();
    const request = updateRequestFrom(ids, options);
    const queued = withStorage(writableDataDir(dataDir), (storage) => {
      try {
        return queueUpdates(storage.updates, config, request, Date.now());
      } catch (error) {
        if (error instanceof UpdateRequestError) throw new UserError(error.message);
        throw error;
      }
    });
    for (const q of queued) process.stdout.write(`${q.deviceId}: ${q.what} update queued (#${q.id})\n`);
    if (!options.wait) return;
    const finished = await followUpdates(dataDir, queued.map((q) => q.id), Number(options.timeout) * 1000);
    if (!finished) process.exitCode = 1;
  });

device
  .command('remove')
  .description('remove a device, its routes and its secret (its presses stay in the log)')
  .argument('<id>', 'device id')
  .action((id: string) => {
    const path = configPath();
    const config = writeConfigFile(path, removeDevice(readConfigFile(path), id));
    revokeSecret(writableDataDir(dataDirOf(config, path)), id);
    process.stdout.write(`Removed "${id}" from ${path} and revoked its secret.\n`);
  });

const user = program.command('user').description('dashboard accounts: owners and managers');

/** Runs `use` with the accounts of the configured data directory, closing it afterwards (also after an async `use`). */
function withAccounts<T>(use: (accounts: Accounts) => T): T {
  const { dataDir } = load();
  return withStorage(writableDataDir(dataDir), (storage) => use(new Accounts(storage.accounts)));
}

/** The password for `user add` and `user passwd`: from standard input, or a strong generated one (printed once by printGenerated). */
async function chosenPassword(fromStdin: boolean | undefined): Promise<string> {
  return fromStdin ? readStdin() : randomBytes(12).toString('base64url');
}

function printGenerated(password: string, fromStdin: boolean | undefined): void {
  if (!fromStdin) process.stdout.write(`Password: ${password}\nThis is the only time it is shown.\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

user
  .command('add')
  .description('add a dashboard account; without --password-stdin a strong password is generated and printed once')
  .argument('<name>', 'user name: 2-32 characters of a-z, 0-9, ".", "_", "-"')
  .addOption(
    new Option('--role <role>', 'what they may do: owner everything (accounts, devices, settings); manager incidents, shifts, mutes, reports; viewer only look (a wall display)')
      .choices(['owner', 'manager', 'viewer'])
      .default('manager'),
  )
  .option('--password-stdin', 'read the password from standard input (at least 10 characters)')
  .action(async (name: string, options: { role: Role; passwordStdin?: boolean }) => {
    const password = await chosenPassword(options.passwordStdin);
    await withAccounts((accounts) => accounts.add(name, options.role, password, Date.now()));
    process.stdout.write(`Added ${options.role} "${name}".\n`);
    printGenerated(password, options.passwordStdin);
  });

user
  .command('list')
  .description('list dashboard accounts')
  .action(() => {
    const users = withAccounts((accounts) => accounts.list());
    if (users.length === 0) process.stdout.write('No accounts. Add one with: loyalty-hub user add NAME --role owner\n');
    else console.table(users.map((u) => ({ user: u.username, role: u.role, locked: u.lockedUntil && u.lockedUntil > Date.now() ? 'until ' + new Date(u.lockedUntil).toISOString() : '' })));
  });

user
  .command('unlock')
  .description('let a locked account try again at once (after too many wrong passwords)')
  .argument('<name>', 'user name')
  .action((name: string) => {
    withAccounts((accounts) => accounts.unlock(name));
    process.stdout.write(`Unlocked "${name}".\n`);
  });

user
  .command('passwd')
  .description("set a new password; the account's sessions end; without --password-stdin a strong one is generated and printed once")
  .argument('<name>', 'user name')
  .option('--password-stdin', 'read the password from standard input (at least 10 characters)')
  .action(async (name: string, options: { passwordStdin?: boolean }) => {
    const password = await chosenPassword(options.passwordStdin);
    await withAccounts((accounts) => accounts.setPassword(name, password));
    process.stdout.write(`New password set for "${name}"; its sessions have ended.\n`);
    printGenerated(password, options.passwordStdin);
  });

user
  .command('remove')
  .description('remove a dashboard account (its sessions end at once)')
  .argument('<name>', 'user name')
  .action((name: string) => {
    withAccounts((accounts) => accounts.remove(name));
    process.stdout.write(`Removed "${name}".\n`);
  });

program
  .command('report')
  .description("print one day's complaint log (--date), or totals over a range (--from, --to), in the site's time zone")
  .option('--date <day>', 'one local date: YYYY-MM-DD, today or yesterday')
  .option('--from <day>', 'with --to: the first day of a range (YYYY-MM-DD, today, yesterday)')
  .option('--to <day>', 'with --from: the last day of the range')
  .addOption(new Option('--per <period>', 'with a range: totals per day, week or month').choices(['day', 'week', 'month']).default('day'))
  .option('--csv', 'CSV for a spreadsheet (UTF-8 with BOM, headers in words, local times with their UTC offset)')
  .addOption(new Option('--part <part>', 'with --csv: the customers\' complaints or the device problems').choices(['complaints', 'devices']).default('complaints'))
  .addOption(new Option('--separator <sep>', 'with --csv: the cell separator (default: ";" where this computer\'s locale writes decimals with a comma)').choices([',', ';']))
  .action((options: { date?: string; from?: string; to?: string; per: Period; csv?: boolean; part: CsvPart; separator?: CsvSeparator }) => {
    const { config, dataDir } = load();
    const directory = new DeviceDirectory(config);
    if ((options.from === undefined) !== (options.to === undefined)) throw new UserError('give --from and --to together');
    if (options.from !== undefined && options.date !== undefined) throw new UserError('give either --date or --from and --to');
    if (options.from === undefined && options.date === undefined) throw new UserError('say which day (--date) or which days (--from, --to)');
    if (options.from !== undefined) {
      if (options.csv) throw new UserError('--csv is one day at a time: use --date');
      const storage = Storage.open(writableDataDir(dataDir));
      try {
        const now = Date.now();
        const range = historyView(
          storage.reports,
          { from: namedDate(options.from, config.timeZone, now), to: namedDate(options.to!, config.timeZone, now), per: options.per, page: 1 },
          config.timeZone,
          (id) => directory.labelOf(id),
          config.apologyRecovers,
        );
        process.stdout.write(`${range.from} to ${range.to} (${range.timeZone}): ${range.total} incidents\n${totalsTable(range)}`);
      } catch (error) {
        throw new UserError((error as Error).message);
      } finally {
        storage.close();
      }
      return;
    }
    const storage = Storage.open(writableDataDir(dataDir));
    let log: DailyLog;
    try {
      log = dailyLog(storage.reports, namedDate(options.date!, config.timeZone, Date.now()), config.timeZone, (id) => directory.labelOf(id));
    } catch (error) {
      throw new UserError((error as Error).message);
    } finally {
      storage.close();
    }
    if (options.csv) {
      process.stdout.write(logCsv(log, options.part, csvOptionsFor(Intl.DateTimeFormat().resolvedOptions().locale, options.separator)));
      return;
    }
    process.stdout.write(`${log.date} (${log.timeZone}): ${log.redPresses} red and ${log.greenPresses} green presses, ${log.incidents.length} incidents\n`);
    if (log.incidents.length > 0) process.stdout.write(logTable(log));
  });

const service = program.command('service').description('run the hub as a service that starts at boot (systemd)');

service
  .command('install')
  .description('install and start the systemd service: runs as its own user, restarts on failure (needs root)')
  .option('--user <name>', 'the system user it runs as (created when missing)', SERVICE_NAME)
  .option('--service-config <file>', 'the configuration file the service reads (created when missing)', '/etc/loyalty-hub/loyalty-hub.json')
  .option('--data <dir>', 'its data directory', '/var/lib/loyalty-hub')
  .option('--root <dir>', 'write the files under this directory instead of / (packaging; nothing is started)', '/')
  .action((options: { user: string; serviceConfig: string; data: string; root: string }) => {
    try {
      const done = installService({ user: options.user, root: options.root, config: resolve(options.serviceConfig), data: resolve(options.data), node: process.execPath, cli: fileURLToPath(import.meta.url) });
      process.stdout.write(done.map((line) => `${line}\n`).join(''));
    } catch (error) {
      if (error instanceof ServiceError) throw new UserError(error.message);
      throw new UserError(`service install failed: ${(error as Error).message.split('\n')[0]}`);
    }
  });

service
  .command('status')
  .description("how the service is doing: systemd's state, restarts, and whether the dashboard answers")
  .action(async () => {
    let line: string;
    try {
      line = serviceStatus();
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const { config } = load();
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    const url = `${config.tls ? 'https' : 'http'}://${host}:${config.http.port}/api/health`;
    const health = await fetch(url, { signal: AbortSignal.timeout(3000) }).then(
      (response) => (response.ok ? 'the dashboard answers' : `the dashboard answers ${response.status}`),
      (error: Error) => `the dashboard does not answer at ${url} (${error.message})`,
    );
    process.stdout.write(`${line}; ${health}\n`);
  });

program
  .command('backup')
  .description('copy the log to FILE: safe while the hub runs (SQLite online backup); never overwrites a file')
  .argument('<file>', 'where the copy goes, e.g. /media/usb/loyalty-2026-12-02.db')
  .action(async (file: string) => {
    const { dataDir } = load();
    let shown = -1;
    const { bytes } = await backup(dataDir, resolve(file), (share) => {
      const percent = Math.floor(share * 10) * 10;
      if (percent > shown && process.stderr.isTTY) process.stderr.write(`\rbacking up… ${percent} %`);
      shown = percent;
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(`Backed up to ${resolve(file)} (${(bytes / 1024 / 1024).toFixed(1)} MB).\n`);
  });

program
  .command('restore')
  .description('put a backup in place of the log (the hub must be stopped; the log it replaces is kept beside it)')
  .argument('<file>', 'a file made by loyalty-hub backup')
  .action((file: string) => {
    const { dataDir } = load();
    const restored = restore(writableDataDir(dataDir), resolve(file), Date.now());
    process.stdout.write(
      `Restored ${restored.presses} presses and ${restored.incidents} incidents from ${resolve(file)}.\n` +
        (restored.keptAs ? `The log it replaced is kept as ${restored.keptAs} in ${dataDir}.\n` : ''),
    );
  });

program.parseAsync(process.argv).catch((error: Error) => {
  if (error instanceof UserError || error instanceof ConfigError || error instanceof DeviceEditError || error instanceof AccountError || error instanceof BackupError) {
    process.stderr.write(`loyalty-hub: ${error.message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  throw error;
});
