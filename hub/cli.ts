#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --no-memory-reducer --max-semi-space-size=1 --heap-growing-percent=25
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
import { textTable } from './report/text-table.js';
import type { HqRole } from './hq/hq-accounts.js';
import { StorageFaults } from './store/storage-faults.js';
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
import { languageOfEnvironment } from './i18n/languages.js';
import { translator } from './i18n/translate.js';

/** The terminal's language (LC_ALL, LC_MESSAGES, LANG): help, messages and tables in English, German or Russian. */
const t = translator(languageOfEnvironment(process.env));

const HELP_TITLES: Record<string, string> = { 'Usage:': t('Usage:'), 'Options:': t('Options:'), 'Arguments:': t('Arguments:'), 'Commands:': t('Commands:'), 'Global Options:': t('Global Options:') };

const program = new Command('loyalty-hub')
  .description(t('Local hub for loyalty buttons and staff wrist pagers: MQTT broker, durable press log, paging and escalation.'))
  .option('-c, --config <file>', t('configuration file (created by "device add" when missing)'), process.env.LOYALTY_HUB_CONFIG ?? DEFAULT_CONFIG_PATH)
  .showHelpAfterError()
  // commander's own headings and help line, in the terminal's language too.
  .configureHelp({ styleTitle: (title: string) => HELP_TITLES[title] ?? title })
  .helpOption('-h, --help', t('display help for command'))
  .helpCommand('help [command]', t('display help for command'));

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
    throw new UserError(t('cannot write the data directory {{dir}} ({{code}}): fix its permissions or set "dataDir" in {{config}}', { dir: dataDir, code: String((error as NodeJS.ErrnoException).code), config: configPath() }));
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
        password = await askHidden(t('First start: choose a password for the dashboard user "owner" (10+ characters, empty = generate one): '));
        if (password === '') break;
        if (password.length < 10) process.stderr.write(t('Too short.') + '\n');
      }
    }
    const generated = password === '';
    if (generated) password = randomBytes(12).toString('base64url');
    await accounts.add('owner', 'owner', password, Date.now());
    process.stderr.write(
      generated
        ? `\n${t('First start: dashboard login created.')}\n  ${t('User')}:     owner\n  ${t('Password')}: ${password}\n${t('This is the only time it is shown. More accounts: loyalty-hub user add NAME --role manager')}\n\n`
        : `\n${t('Dashboard login "owner" created.')}\n\n`,
    );
  } finally {
    storage.close();
  }
}

/**
 * For `npm run bench` only: LOYALTY_HUB_COMMIT_DELAY_MS slows every commit of
 * the journal by that many milliseconds (the slow SD card of a small board),
 * through the storage-fault hook the tests use. Said on stderr when set.
 */
function benchCommitDelay(): StorageFaults | undefined {
  const ms = Number(process.env.LOYALTY_HUB_COMMIT_DELAY_MS ?? 0);
  if (!Number.isInteger(ms) || ms <= 0) return undefined;
  process.stderr.write(`loyalty-hub: LOYALTY_HUB_COMMIT_DELAY_MS: every commit is slowed by ${ms} ms (a benchmark of a slow disk)\n`);
  return new StorageFaults({ commitDelayMs: ms });
}

program
  .command('start')
  .description(t('start the hub: MQTT on TCP and WebSocket, the press log, paging and escalation, the dashboard'))
  .option('--no-sim', t('do not run the simulated shop (it runs while no real device is configured)'))
  .action(async (options: { sim: boolean }) => {
    const { config, dataDir } = load();
    let hub: Hub;
    try {
      hub = await Hub.start({ config, dataDir: writableDataDir(dataDir), configPath: configPath(), simulate: options.sim, metricsFile: process.env.LOYALTY_HUB_METRICS, storageFaults: benchCommitDelay() });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { port?: number };
      if (e.code === 'EADDRINUSE') {
        throw new UserError(t('port {{port}} is already in use (another hub or MQTT broker?): stop it, or set mqtt.port / mqtt.wsPort / http.port in {{config}}', { port: e.port ?? '', config: configPath() }));
      }
      if (e.code === 'EACCES') throw new UserError(t('not allowed to listen on port {{port}}: use a port above 1023, or set mqtt.port in {{config}}', { port: e.port ?? '', config: configPath() }));
      if (error instanceof DatabaseError) throw new UserError(error.message);
      throw error;
    }
    await ensureOwner(dataDir);
    // The warning goes above the banner in the same write, so that whoever
    // reads up to the banner has read it too.
    const missing = missingNodeFlags();
    const warning =
      (missing.length > 0 ? `loyalty-hub: node was started without ${missing.join(' ')} (npm start and npx loyalty-hub pass them): expect occasional garbage-collection pauses of 10-20 ms and more memory\n` : '') +
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
      terminal: process.stderr.isTTY === true,
      t,
    });
    process.stderr.write(warning + shown);
    const stop = (signal: string) => {
      process.stderr.write(`loyalty-hub: ${signal}: ${t('stopping, finishing writes…')}\n`);
      hub.stop().then(
        () => {
          process.stderr.write(`loyalty-hub: ${t('stopped cleanly.')}\n`);
          process.exit(0);
        },
        (error: Error) => {
          process.stderr.write(`loyalty-hub: ${t('stop failed: {{error}}', { error: error.message })}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });

const device = program.command('device').description(t('add, list or remove buttons and pagers'));

const positiveInt = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(t('must be a whole number from 1'));
  return n;
};

device
  .command('add')
  .description(t('add a device to the configuration and print its new secret (shown once; the hub keeps only a hash)'))
  .addOption(new Option('--kind <kind>', t('what it is')).choices(['button', 'pager']).makeOptionMandatory())
  .requiredOption('--label <text>', t('name shown on pagers: the counter for a button, the person for a pager'))
  .option('--id <id>', t('device id (default: made from the label, e.g. btn-counter-1)'))
  .option('--location <text>', t('where it is, for the reports'))
  .option('--tier <n>', t('pager: join tier n of the default route (1 = first responders)'), positiveInt)
  .option('--manager', t('pager: also receive device problems (missing, low battery)'))
  .option('--json', t('print {"id","secret"} as JSON (for scripts such as the flasher)'))
  .action(async (options: { kind: DeviceKind; label: string; id?: string; location?: string; tier?: number; manager?: boolean; json?: boolean }) => {
    const path = configPath();
    const { file, id } = addDevice(readConfigFile(path), options);
    const config = writeConfigFile(path, file);
    const secret = await issueSecret(writableDataDir(dataDirOf(config, path)), id);
    if (options.json) {
      process.stdout.write(JSON.stringify({ id, secret }) + '\n');
    } else {
      process.stdout.write(
        t('Added {{kind}} "{{id}}" ({{label}}) to {{config}}.', { kind: options.kind === 'button' ? t('button') : t('pager'), id, label: options.label, config: path }) +
          `\n${t('Secret')}: ${secret}\n` +
          t('This is the only time the secret is shown: write it into the device with the flasher.') +
          '\n',
      );
    }
  });

device
  .command('list')
  .description(t('list configured devices with their credentials and last known health'))
  .option('--json', t('print JSON'))
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
          secret: store.secretHashOf(d.id) ? t('set') : t('MISSING'),
          lastSeen: s?.lastSeenAt ? new Date(s.lastSeenAt).toISOString() : t('never'),
          batteryMv: s?.batteryMv ?? '',
          battery: s?.batteryMv ? `${batteryPercent(s.batteryMv)} %` : '',
          firmware: s?.firmware ?? '',
        };
      });
      if (options.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      else if (rows.length === 0) process.stdout.write(t('No devices in {{config}}. Add one with: loyalty-hub device add --kind button --label "Counter 1"', { config: configPath() }) + '\n');
      else process.stdout.write(textTable([t('Device'), t('Kind'), t('Label'), t('Place'), t('Secret'), t('Last seen'), t('Battery'), t('Firmware')], rows.map((r) => [r.id, r.kind === 'button' ? t('button') : t('pager'), r.label, r.location, r.secret, r.lastSeen, r.battery, r.firmware])));
    } finally {
      storage.close();
    }
  });

device
  .command('update')
  .description(t('update devices over the air through the running hub: firmware (default: the one built in this package) and/or settings; shows progress until each is done'))
  .argument('[ids...]', t('device ids'))
  .option('--all', t('every configured device'))
  .option('--firmware [file]', t('a firmware bundle (without a file: firmware/dist/<kind>.js of this package)'))
  .option('--wifi-ssid <ssid>', t('new Wi-Fi network (with --wifi-password or LB_WIFI_PASSWORD)'))
  .option('--wifi-password <password>', t('its password'))
  .option('--hub-host <address>', t('new hub address (an IP address)'))
  .option('--hub-port <port>', t('new hub MQTT port'))
  .addOption(new Option('--powersave <mode>', t('Wi-Fi modem sleep')).choices(['none', 'min', 'max']))
  .option('--no-wait', t('queue the updates and return; the hub carries them out'))
  .option('--timeout <seconds>', t('stop waiting after this long (the updates go on)'), '900')
  .action(async (ids: string[], options: DeviceUpdateOptions) => {
    const { config, dataDir } = load();
    const request = updateRequestFrom(ids, options);
    const queued = await withStorage(writableDataDir(dataDir), (storage) =>
      queueUpdates(storage.updates, config, request, Date.now()).catch((error: unknown) => {
        throw error instanceof UpdateRequestError ? new UserError(error.message) : error;
      }),
    );
    for (const q of queued) process.stdout.write(`${q.deviceId}: ${t(q.what === 'firmware' ? 'firmware update queued (#{{id}})' : 'configuration update queued (#{{id}})', { id: q.id })}\n`);
    if (!options.wait) return;
    const finished = await followUpdates(dataDir, queued.map((q) => q.id), Number(options.timeout) * 1000);
    if (!finished) process.exitCode = 1;
  });

device
  .command('remove')
  .description(t('remove a device, its routes and its secret (its presses stay in the log)'))
  .argument('<id>', t('device id'))
  .action((id: string) => {
    const path = configPath();
    const config = writeConfigFile(path, removeDevice(readConfigFile(path), id));
    revokeSecret(writableDataDir(dataDirOf(config, path)), id);
    process.stdout.write(t('Removed "{{id}}" from {{config}} and revoked its secret.', { id, config: path }) + '\n');
  });

const user = program.command('user').description(t('dashboard accounts: owners and managers'));

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
  if (!fromStdin) process.stdout.write(`${t('Password')}: ${password}\n${t('This is the only time it is shown.')}\n`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

user
  .command('add')
  .description(t('add a dashboard account; without --password-stdin a strong password is generated and printed once'))
  .argument('<name>', t('user name: 2-32 characters of a-z, 0-9, ".", "_", "-"'))
  .addOption(
    new Option('--role <role>', t('what they may do: owner everything (accounts, devices, settings); manager incidents, shifts, mutes, reports; viewer only look (a wall display)'))
      .choices(['owner', 'manager', 'viewer'])
      .default('manager'),
  )
  .option('--password-stdin', t('read the password from standard input (at least 10 characters)'))
  .action(async (name: string, options: { role: Role; passwordStdin?: boolean }) => {
    const password = await chosenPassword(options.passwordStdin);
    await withAccounts((accounts) => accounts.add(name, options.role, password, Date.now()));
    process.stdout.write(t('Added {{role}} "{{name}}".', { role: t(options.role), name }) + '\n');
    printGenerated(password, options.passwordStdin);
  });

user
  .command('list')
  .description(t('list dashboard accounts'))
  .action(() => {
    const users = withAccounts((accounts) => accounts.list());
    if (users.length === 0) process.stdout.write(t('No accounts. Add one with: loyalty-hub user add NAME --role owner') + '\n');
    else process.stdout.write(textTable([t('Name'), t('Role'), t('Locked')], users.map((u) => [u.username, t(u.role), u.lockedUntil && u.lockedUntil > Date.now() ? t('until {{time}}', { time: new Date(u.lockedUntil).toISOString() }) : ''])));
  });

user
  .command('unlock')
  .description(t('let a locked account try again at once (after too many wrong passwords)'))
  .argument('<name>', t('user name'))
  .action((name: string) => {
    withAccounts((accounts) => accounts.unlock(name));
    process.stdout.write(t('Unlocked "{{name}}".', { name }) + '\n');
  });

user
  .command('passwd')
  .description(t("set a new password; the account's sessions end; without --password-stdin a strong one is generated and printed once"))
  .argument('<name>', t('user name'))
  .option('--password-stdin', t('read the password from standard input (at least 10 characters)'))
  .action(async (name: string, options: { passwordStdin?: boolean }) => {
    const password = await chosenPassword(options.passwordStdin);
    await withAccounts((accounts) => accounts.setPassword(name, password));
    process.stdout.write(t('New password set for "{{name}}"; its sessions have ended.', { name }) + '\n');
    printGenerated(password, options.passwordStdin);
  });

user
  .command('remove')
  .description(t('remove a dashboard account (its sessions end at once)'))
  .argument('<name>', t('user name'))
  .action((name: string) => {
    withAccounts((accounts) => accounts.remove(name));
    process.stdout.write(t('Removed "{{name}}".', { name }) + '\n');
  });

program
  .command('report')
  .description(t("print one day's complaint log (--date), or totals over a range (--from, --to), in the site's time zone"))
  .option('--date <day>', t('one local date: YYYY-MM-DD, today or yesterday'))
  .option('--from <day>', t('with --to: the first day of a range (YYYY-MM-DD, today, yesterday)'))
  .option('--to <day>', t('with --from: the last day of the range'))
  .addOption(new Option('--per <period>', t('with a range: totals per day, week or month')).choices(['day', 'week', 'month']).default('day'))
  .option('--csv', t('CSV for a spreadsheet (UTF-8 with BOM, headers in words, local times with their UTC offset)'))
  .addOption(new Option('--part <part>', t("with --csv: the customers' complaints or the device problems")).choices(['complaints', 'devices']).default('complaints'))
  .addOption(new Option('--separator <sep>', t("with --csv: the cell separator (default: \";\" where this computer's locale writes decimals with a comma)")).choices([',', ';']))
  .action((options: { date?: string; from?: string; to?: string; per: Period; csv?: boolean; part: CsvPart; separator?: CsvSeparator }) => {
    const { config, dataDir } = load();
    const directory = new DeviceDirectory(config);
    if ((options.from === undefined) !== (options.to === undefined)) throw new UserError(t('give --from and --to together'));
    if (options.from !== undefined && options.date !== undefined) throw new UserError(t('give either --date or --from and --to'));
    if (options.from === undefined && options.date === undefined) throw new UserError(t('say which day (--date) or which days (--from, --to)'));
    if (options.from !== undefined) {
      if (options.csv) throw new UserError(t('--csv is one day at a time: use --date'));
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
        process.stdout.write(`${t('{{from}} to {{to}} ({{zone}}): {{count}} incidents', { from: range.from, to: range.to, zone: range.timeZone, count: range.total })}\n${totalsTable(range, t)}`);
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
      process.stdout.write(logCsv(log, options.part, csvOptionsFor(Intl.DateTimeFormat().resolvedOptions().locale, options.separator), t));
      return;
    }
    process.stdout.write(`${log.date} (${log.timeZone}): ${t('{{red}} red and {{green}} green presses, {{incidents}} incidents', { red: log.redPresses, green: log.greenPresses, incidents: log.incidents.length })}\n`);
    if (log.incidents.length > 0) process.stdout.write(logTable(log, t));
  });

const service = program.command('service').description(t('run the hub as a service that starts at boot (systemd)'));

service
  .command('install')
  .description(t('install and start the systemd service: runs as its own user, restarts on failure (needs root)'))
  .option('--user <name>', t('the system user it runs as (created when missing)'), SERVICE_NAME)
  .option('--service-config <file>', t('the configuration file the service reads (created when missing)'), '/etc/loyalty-hub/loyalty-hub.json')
  .option('--data <dir>', t('its data directory'), '/var/lib/loyalty-hub')
  .option('--root <dir>', t('write the files under this directory instead of / (packaging; nothing is started)'), '/')
  .action((options: { user: string; serviceConfig: string; data: string; root: string }) => {
    try {
      const done = installService({ user: options.user, root: options.root, config: resolve(options.serviceConfig), data: resolve(options.data), node: process.execPath, cli: fileURLToPath(import.meta.url) });
      process.stdout.write(done.map((line) => `${line}\n`).join(''));
    } catch (error) {
      if (error instanceof ServiceError) throw new UserError(error.message);
      throw new UserError(t('service install failed: {{error}}', { error: (error as Error).message.split('\n')[0] }));
    }
  });

service
  .command('status')
  .description(t("how the service is doing: systemd's state, restarts, and whether the dashboard answers"))
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
      (response) => (response.ok ? t('the dashboard answers') : t('the dashboard answers {{status}}', { status: response.status })),
      (error: Error) => t('the dashboard does not answer at {{url}} ({{error}})', { url, error: error.message }),
    );
    process.stdout.write(`${line}; ${health}\n`);
  });

// Loaded by the hq commands only: a shop's hub never holds the PostgreSQL and NATS clients.
const hqCommands = () => import('./hq/hq-commands.js');

const hq = program.command('hq').description(t('the head office of a chain: ingest what the shops forward into PostgreSQL'));

hq.command('ingest')
  .description(t('run an ingester: read the shops’ messages from the NATS cluster and write them to PostgreSQL (run several: they share the work)'))
  .requiredOption('--nats <servers>', t('NATS servers of the cluster, comma-separated host:port'))
  .requiredOption('--postgres <url>', t('PostgreSQL connection URL (the password may come from PGPASSWORD)'))
  .option('--user <name>', t('NATS user of the ingesters'), 'hq-ingest')
  .option('--replicas <n>', t('replicas of the stream (3 on a 3-node cluster)'), positiveInt, 3)
  .action(async (options: { nats: string; postgres: string; user: string; replicas: number }) => {
    const password = process.env.LB_HQ_NATS_PASSWORD;
    if (!password) throw new UserError(t('set LB_HQ_NATS_PASSWORD to the NATS password of the ingesters'));
    await (await hqCommands()).ingest(options, password, t);
  });

hq.command('site')
  .description(t('let a shop in: its messages are refused until its site is added'))
  .argument('<site>', t('the site id the shop’s hub uses'))
  .requiredOption('--postgres <url>', t('PostgreSQL connection URL (the password may come from PGPASSWORD)'))
  .action(async (site: string, options: { postgres: string }) => {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(site)) throw new UserError(t('a site id is lowercase letters, digits and "-"'));
    await (await hqCommands()).allowSite(options.postgres, site);
    process.stdout.write(t('Site "{{site}}" may forward to the head office.', { site }) + '\n');
  });

hq.command('token')
  .description(t('make a token for the export API (printed once)'))
  .argument('<name>', t('who uses it, e.g. reporting'))
  .requiredOption('--postgres <url>', t('PostgreSQL connection URL (the password may come from PGPASSWORD)'))
  .option('--sites <sites>', t('only these sites, comma-separated (default: every site)'))
  .action(async (name: string, options: { postgres: string; sites?: string }) => {
    const token = await (await hqCommands()).makeToken(options.postgres, name, options.sites);
    process.stdout.write(`${t('Token')}: ${token}\n${t('This is the only time it is shown.')}\n`);
  });

hq.command('account')
  .description(t('add a head-office dashboard account; without --password-stdin a strong password is generated and printed once'))
  .argument('<name>', t('user name: 2-32 characters of a-z, 0-9, ".", "_", "-"'))
  .addOption(new Option('--role <role>', t('owner: the whole chain; area: an area manager, only the sites given with --sites')).choices(['owner', 'area']).default('area'))
  .option('--sites <sites>', t('the area manager’s sites, comma-separated'))
  .option('--password-stdin', t('read the password from standard input (at least 10 characters)'))
  .requiredOption('--postgres <url>', t('PostgreSQL connection URL (the password may come from PGPASSWORD)'))
  .action(async (name: string, options: { role: HqRole; sites?: string; passwordStdin?: boolean; postgres: string }) => {
    const password = await chosenPassword(options.passwordStdin);
    await (await hqCommands()).addAccount(options.postgres, name, options.role, options.sites, password);
    process.stdout.write(t('Added {{role}} "{{name}}".', { role: options.role === 'owner' ? t('chain owner') : t('area manager'), name }) + '\n');
    printGenerated(password, options.passwordStdin);
  });

hq.command('serve')
  .description(t('serve the head-office dashboard and the export API (JSON and CSV by date range and site, token required)'))
  .requiredOption('--postgres <url>', t('PostgreSQL connection URL (the password may come from PGPASSWORD)'))
  .option('--host <address>', t('address to listen on'), '127.0.0.1')
  .option('--port <port>', t('port to listen on'), positiveInt, 8090)
  .action(async (options: { postgres: string; host: string; port: number }) => {
    const port = await (await hqCommands()).serve(options);
    process.stderr.write(t('Head office on http://{{host}}:{{port}}/ (export API under /api/v1/)', { host: options.host, port }) + '\n');
  });

program
  .command('backup')
  .description(t('copy the log to FILE: safe while the hub runs (SQLite online backup); never overwrites a file'))
  .argument('<file>', t('where the copy goes, e.g. /media/usb/loyalty-2026-12-02.db'))
  .action(async (file: string) => {
    const { dataDir } = load();
    let shown = -1;
    const { bytes } = await backup(dataDir, resolve(file), (share) => {
      const percent = Math.floor(share * 10) * 10;
      if (percent > shown && process.stderr.isTTY) process.stderr.write(`\r${t('backing up… {{percent}} %', { percent })}`);
      shown = percent;
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stdout.write(t('Backed up to {{file}} ({{size}} MB).', { file: resolve(file), size: (bytes / 1024 / 1024).toFixed(1) }) + '\n');
  });

program
  .command('restore')
  .description(t('put a backup in place of the log (the hub must be stopped; the log it replaces is kept beside it)'))
  .argument('<file>', t('a file made by loyalty-hub backup'))
  .action((file: string) => {
    const { dataDir } = load();
    const restored = restore(writableDataDir(dataDir), resolve(file), Date.now());
    process.stdout.write(
      t('Restored {{presses}} presses and {{incidents}} incidents from {{file}}.', { presses: restored.presses, incidents: restored.incidents, file: resolve(file) }) +
        '\n' +
        (restored.keptAs ? t('The log it replaced is kept as {{file}} in {{dir}}.', { file: restored.keptAs, dir: dataDir }) + '\n' : ''),
    );
  });

program.parseAsync(process.argv).catch((error: Error) => {
  if (error instanceof UserError || error instanceof ConfigError || error instanceof DeviceEditError || error instanceof AccountError || error instanceof BackupError) {
    // Messages made with details (a file name, a field) stay English unless the catalog has them word for word.
    process.stderr.write(`loyalty-hub: ${t(error.message)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  throw error;
});
