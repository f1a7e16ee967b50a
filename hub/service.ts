// Installing the hub as a service that starts at boot: a systemd unit that
// runs `loyalty-hub start` as its own system user, with its own data
// directory, restarted on failure, with the rest of the system read-only to
// it. `install` writes the unit (under --root for packaging and tests) and,
// on the real root as root, creates the user and directories and enables
// and starts the service; `status` says how it is doing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HUB_ENVIRONMENT, HUB_NODE_FLAGS } from './runtime-flags.js';

export const SERVICE_NAME = 'loyalty-hub';

export interface ServiceOptions {
  /** The system user the hub runs as. */
  user: string;
  /** The configuration file (its folder must be writable by the user: `device add` and the dashboard edit it). */
  config: string;
  /** The data directory (the database, its pid file, backups by default). */
  data: string;
  /** Where the file system starts: "/" for a real install, a temp directory for packaging and tests. */
  root: string;
  node: string;
  cli: string;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
}

/** The unit file's text. */
export function systemdUnit(o: Pick<ServiceOptions, 'user' | 'config' | 'data' | 'node' | 'cli'>): string {
  const writable = [...new Set([o.data, dirname(o.config)])].join(' ');
  return [
    '[Unit]',
    'Description=Loyalty button hub (MQTT broker, complaint log, paging, dashboard)',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${o.user}`,
    `Group=${o.user}`,
    `WorkingDirectory=${o.data}`,
    `Environment=LOYALTY_HUB_CONFIG=${o.config}`,
    ...Object.entries(HUB_ENVIRONMENT).map(([name, value]) => `Environment=${name}=${value}`),
    `ExecStart=${o.node} ${HUB_NODE_FLAGS.join(' ')} ${o.cli} --config ${o.config} start`,
    // SIGTERM lets it finish its writes (it says "stopped cleanly").
    'KillSignal=SIGTERM',
    'TimeoutStopSec=20',
    'Restart=on-failure',
    'RestartSec=2',
    // Many devices, each a socket: the default 1024 is too few (docs/operations.md).
    'LimitNOFILE=65536',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    `ReadWritePaths=${writable}`,
    'PrivateTmp=yes',
    'ProtectKernelTunables=yes',
    'ProtectControlGroups=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

type Run = (command: string, args: string[]) => string;

const runCommand: Run = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Writes the unit; on the real root also the user, the directories, and starts it. Returns what was done, in lines. */
export function installService(o: ServiceOptions, run: Run = runCommand): string[] {
  if (process.platform !== 'linux') throw new ServiceError('service install knows systemd on Linux only: see docs/operations.md, "Running as a service", for other systems');
  const real = resolve(o.root) === '/';
  if (real && process.getuid?.() !== 0) throw new ServiceError('installing a service needs root: run it with sudo');
  if (real && !existsSync('/run/systemd/system')) throw new ServiceError('systemd is not running on this machine: see docs/operations.md, "Running as a service", for starting the hub another way');
  const done: string[] = [];
  const unitPath = join(o.root, 'etc/systemd/system', `${SERVICE_NAME}.service`);
  mkdirSync(dirname(unitPath), { recursive: true });
  writeFileSync(unitPath, systemdUnit(o));
  done.push(`wrote ${unitPath}`);
  for (const dir of [o.data, dirname(o.config)]) mkdirSync(join(o.root, dir), { recursive: true });
  // The hub finds its data through the configuration ("dataDir", relative to the file): it must name this directory.
  const configFile = join(o.root, o.config);
  if (!existsSync(configFile)) {
    writeFileSync(configFile, `${JSON.stringify({ dataDir: o.data }, null, 2)}\n`);
    done.push(`wrote ${configFile} with "dataDir": "${o.data}" (add devices with: loyalty-hub --config ${o.config} device add …)`);
  } else {
    const dataDir = (JSON.parse(readFileSync(configFile, 'utf8')) as { dataDir?: string }).dataDir ?? 'data';
    const resolved = resolve(dirname(o.config), dataDir);
    if (resolved !== resolve(o.data)) throw new ServiceError(`${o.config} keeps its data in ${resolved}, not ${o.data}: pass --data ${resolved}, or set "dataDir" to "${o.data}"`);
  }
  if (!real) {
    done.push(`not the real root: create the user "${o.user}", give it ${o.data} and ${dirname(o.config)}, then systemctl daemon-reload && systemctl enable --now ${SERVICE_NAME}`);
    return done;
  }
  try {
    run('id', ['-u', o.user]);
  } catch {
    run('useradd', ['--system', '--home-dir', o.data, '--no-create-home', '--shell', '/usr/sbin/nologin', o.user]);
    done.push(`created the system user ${o.user}`);
  }
  run('chown', ['-R', `${o.user}:${o.user}`, o.data, dirname(o.config)]);
  run('systemctl', ['daemon-reload']);
  run('systemctl', ['enable', '--now', SERVICE_NAME]);
  done.push(`enabled and started ${SERVICE_NAME}: it starts at boot and restarts on failure`);
  return done;
}

/** systemd's view of the service, in words. */
export function serviceStatus(run: Run = runCommand): string {
  let text: string;
  try {
    text = run('systemctl', ['show', SERVICE_NAME, '--property=LoadState,ActiveState,SubState,NRestarts,ExecMainStartTimestamp,UnitFileState']);
  } catch (error) {
    throw new ServiceError(`cannot ask systemd (${(error as Error).message.split('\n')[0]})`);
  }
  const props = Object.fromEntries(text.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
  if (props.LoadState === 'not-found') return `${SERVICE_NAME} is not installed as a service: loyalty-hub service install`;
  const since = props.ExecMainStartTimestamp ? ` since ${props.ExecMainStartTimestamp}` : '';
  const restarts = Number(props.NRestarts ?? 0);
  return (
    `${SERVICE_NAME}: ${props.ActiveState} (${props.SubState})${since}; ` +
    `${props.UnitFileState === 'enabled' ? 'starts at boot' : 'does NOT start at boot'}; ` +
    `${restarts === 0 ? 'no restarts' : `restarted ${restarts} times after failures (journalctl -u ${SERVICE_NAME})`}`
  );
}
