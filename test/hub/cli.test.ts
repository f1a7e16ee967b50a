// The loyalty-hub command as a technician runs it: the built entry point in a
// child process, against real files.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { encodeAck, encodeOutcome, encodePress } from '../../shared/payloads.js';
import { DOWNLINK, UPLINK } from '../../shared/topics.js';
import { parseConfig } from '../../hub/config/load.js';
import { Hub } from '../../hub/hub.js';
import { createLogger } from '../../hub/log.js';
import { HUB_ENVIRONMENT, HUB_NODE_FLAGS, missingNodeFlags } from '../../hub/runtime-flags.js';
import { TestShop, eventually } from '../support/shop.js';

const CLI = resolve('dist/hub/cli.js');

/** Runs the CLI in a terminal speaking `language` (LC_ALL), English unless a test says otherwise. */
function run(args: string[], cwd: string, language = 'C.UTF-8'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 15_000, env: { ...process.env, LC_ALL: language } }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('loyalty-hub CLI', () => {
  it('queues updates over the air, and refuses a bad request in one line, queueing nothing (#15)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    await run(['device', 'add', '--kind', 'pager', '--label', 'Anna'], dir);
    const help = await run(['device', 'update', '--help'], dir);
    expect(help.stdout).toMatch(/--firmware \[file\][\s\S]*--wifi-ssid[\s\S]*--no-wait/);
    const unknown = await run(['device', 'update', 'pgr-nobody'], dir);
    expect([unknown.code, unknown.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(unknown.stderr).toMatch(/no device "pgr-nobody" in the configuration/);
    const half = await run(['device', 'update', 'pgr-anna', '--hub-host', '10.0.0.2'], dir);
    expect([half.code, half.stderr.trim()]).toEqual([1, 'loyalty-hub: give --hub-host and --hub-port together']);
    const queued = await run(['device', 'update', 'pgr-anna', '--no-wait'], dir);
    expect([queued.code, queued.stdout]).toEqual([0, 'pgr-anna: firmware update queued (#1)\n']);
  });


  it('backs up and restores the log, in one line when refused (#17)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    await run(['device', 'add', '--kind', 'button', '--label', 'Terrasse'], dir);
    const made = await run(['backup', 'copy.db'], dir);
    expect([made.code, made.stdout]).toEqual([0, expect.stringMatching(/^Backed up to .*copy\.db \(\d+\.\d MB\)\.\n$/)]);
    const again = await run(['backup', 'copy.db'], dir);
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/^loyalty-hub: .*copy\.db exists already: choose another name \(a backup never overwrites one\)\n$/)]);
    const missing = await run(['restore', 'nothing.db'], dir);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringMatching(/^loyalty-hub: .*nothing\.db does not exist\n$/)]);
    const restored = await run(['restore', 'copy.db'], dir);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^Restored 0 presses and 0 incidents from .*copy\.db\.\nThe log it replaced is kept as loyalty-hub\.db\.before-restore-/);
  });

  it('adds devices whose printed secret opens a connection, lists and removes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    const pager = await run(['device', 'add', '--kind', 'pager', '--label', 'Anna', '--tier', '1', '--manager'], dir);
    expect(pager.code).toBe(0);
    expect(pager.stdout).toMatch(/Added pager "pgr-anna"/);
    const button = await run(['device', 'add', '--kind', 'button', '--label', 'Counter 1', '--json'], dir);
    const { id, secret } = JSON.parse(button.stdout) as { id: string; secret: string };
    expect(id).toBe('btn-counter-1');

    const config = JSON.parse(readFileSync(join(dir, 'loyalty-hub.json'), 'utf8'));
    expect(config).toMatchObject({ defaultRoute: [['pgr-anna']], managers: ['pgr-anna'] });
    expect(readFileSync(join(dir, 'data', 'loyalty-hub.db')).includes(Buffer.from(secret))).toBe(false);

    // The printed secret opens a connection to a hub reading the same database.
    const hub = await Hub.start({
      config: parseConfig({ ...config, mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }, 'test'),
      dataDir: join(dir, 'data'),
      logger: createLogger('silent'),
      tickMs: 0,
    });
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: id, username: id, password: secret, reconnectPeriod: 0 });
      await client.endAsync(true);
    } finally {
      await hub.stop();
    }

    const list = await run(['device', 'list', '--json'], dir);
    expect(JSON.parse(list.stdout).map((d: { id: string; secret: string }) => [d.id, d.secret])).toEqual([
      ['pgr-anna', 'set'],
      ['btn-counter-1', 'set'],
    ]);

    const duplicate = await run(['device', 'add', '--kind', 'button', '--label', 'X', '--id', 'btn-counter-1'], dir);
    expect(duplicate).toMatchObject({ code: 1, stderr: 'loyalty-hub: a device "btn-counter-1" exists already: remove it first, or choose another --id\n' });

    expect((await run(['device', 'remove', 'pgr-anna'], dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'loyalty-hub.json'), 'utf8'))).toMatchObject({ defaultRoute: [], managers: [] });
    expect(JSON.parse((await run(['device', 'list', '--json'], dir)).stdout)).toHaveLength(1);
  });

  it('stops on an invalid configuration with one message naming the field, exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify({ timings: { escalateS: -1 }, devices: [{ id: 'b', kind: 'button' }] }));
    const result = await run(['start'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('loyalty-hub.json is invalid:');
    expect(result.stderr).toContain('timings.escalateS: must be more than 0 seconds');
    expect(result.stderr).toContain('devices[0].label: Invalid input');
    expect(result.stderr).not.toMatch(/\s+at /); // no stack trace
  });

  it('runs as an executable with the hub\'s node flags, which package.json\'s start script passes too', async () => {
    const shebang = readFileSync(resolve('hub/cli.ts'), 'utf8').split('\n')[0];
    const startScript = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    for (const flag of HUB_NODE_FLAGS) {
      expect(shebang).toContain(flag);
      expect(startScript).toContain(flag);
    }
    for (const [name, value] of Object.entries(HUB_ENVIRONMENT)) {
      expect(shebang).toContain(`${name}=${value} node`);
      expect(startScript).toMatch(new RegExp(`^${name}=${value} node `));
    }
    const help = await new Promise<string>((done, fail) => execFile(CLI, ['--help'], { timeout: 15_000 }, (error, stdout) => (error ? fail(error) : done(stdout))));
    expect(help).toMatch(/^Usage: loyalty-hub/);
  });

  it('warns when node was started without the hub\'s flags', async () => {
    expect(missingNodeFlags(['--no-memory-reducer', '--max-semi-space-size=1', '--heap-growing-percent=25'])).toEqual([]);
    expect(missingNodeFlags([])).toEqual(['--no-memory-reducer', '--max-semi-space-size=1', '--heap-growing-percent=25']);
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify({ mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }));
    const child = spawn(process.execPath, [CLI, 'start', '--no-sim'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      await eventually(() => stderr.includes('Dashboard') || child.exitCode !== null, 15_000, 'the hub to start');
      expect(stderr).toContain('node was started without --no-memory-reducer');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('says which port is in use, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    const blocker: Server = createServer();
    await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
    const port = (blocker.address() as { port: number }).port;
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify({ mqtt: { host: '127.0.0.1', port, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }));
    try {
      const result = await run(['start'], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^loyalty-hub: port ${port} is already in use .*\\n$`));
    } finally {
      blocker.close();
    }
  });

  it('refuses a damaged, foreign or newer database in one line, leaving the file as it was (issue #14.7, #14.17)', async () => {
    const config = JSON.stringify({ mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } });
    const cases: [string, (file: string) => void, RegExp][] = [
      ['garbage', (file) => writeFileSync(file, 'this is not a database, just text '.repeat(200)), /is not an SQLite database/],
      ['newer', (file) => { const db = new Database(file); db.pragma('user_version = 999'); db.close(); }, /newer than this hub/],
      ['damaged', (file) => {
        const db = new Database(file);
        db.exec('CREATE TABLE filler (x TEXT)');
        const insert = db.prepare('INSERT INTO filler VALUES (?)');
        for (let i = 0; i < 2000; i++) insert.run('row ' + i + ' '.repeat(100));
        db.close();
        const bytes = readFileSync(file);
        bytes.fill(0x5a, 4096 * 3 + 100, 4096 * 3 + 3000); // scribble inside a b-tree page, as a failing card does
        writeFileSync(file, bytes);
      }, /is damaged/],
    ];
    for (const [what, make, message] of cases) {
      const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
      writeFileSync(join(dir, 'loyalty-hub.json'), config);
      mkdirSync(join(dir, 'data'));
      make(join(dir, 'data', 'loyalty-hub.db'));
      const before = readFileSync(join(dir, 'data', 'loyalty-hub.db'));
      const result = await run(['start', '--no-sim'], dir);
      expect(result.code, what).toBe(1);
      expect(result.stderr, what).toMatch(/^loyalty-hub: [^\n]+\n$/);
      expect(result.stderr, what).toMatch(message);
      expect(readFileSync(join(dir, 'data', 'loyalty-hub.db')).equals(before), `${what}: the file is untouched`).toBe(true);
    }
  });

  it('touches nothing of a running hub when a second start finds its ports taken (issue #14.13)', async () => {
    const shop = await TestShop.open();
    try {
      await shop.connect('btn-1');
      await eventually(() => shop.query("SELECT 1 FROM device_state WHERE device_id = 'btn-1' AND online = 1").length === 1, 5000, 'online');
      const config = parseConfig({ ...shop.config, mqtt: { host: '127.0.0.1', port: shop.hub.mqttPort, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }, 'second');
      await expect(Hub.start({ config, dataDir: shop.dir, logger: createLogger('silent'), tickMs: 0 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(shop.query("SELECT online FROM device_state WHERE device_id = 'btn-1'")).toEqual([{ online: 1 }]);
    } finally {
      await shop.close();
    }
  });

  it('adds an account, sets a new password and unlocks it (user add, passwd, unlock)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    const added = await run(['user', 'add', 'olga', '--role', 'owner'], dir);
    expect(added.code).toBe(0);
    const first = /Password: (\S+)/.exec(added.stdout)![1];
    const changed = await run(['user', 'passwd', 'olga'], dir);
    expect(changed.stdout).toMatch(/New password set for "olga"; its sessions have ended/);
    const second = /Password: (\S+)/.exec(changed.stdout)![1];
    expect(second).not.toBe(first);
    const db = new Database(join(dir, 'data', 'loyalty-hub.db'));
    db.prepare("UPDATE users SET failed_logins = 5, locked_until = ? WHERE username = 'olga'").run(Date.now() + 600_000);
    db.close();
    expect((await run(['user', 'list'], dir)).stdout).toMatch(/until /);
    expect((await run(['user', 'unlock', 'olga'], dir)).stdout).toMatch(/Unlocked "olga"/);
    expect((await run(['user', 'list'], dir)).stdout).not.toMatch(/until /);
    const missing = await run(['user', 'unlock', 'nobody'], dir);
    expect([missing.code, missing.stderr]).toEqual([1, 'loyalty-hub: no user "nobody"\n']);
  });

  it('says when the data directory cannot be written, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    writeFileSync(join(dir, 'not-a-folder'), '');
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify({ dataDir: 'not-a-folder/data', mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }));
    const result = await run(['start'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^loyalty-hub: cannot write the data directory .*not-a-folder\/data \(ENOTDIR\): fix its permissions or set "dataDir" in loyalty-hub\.json\n$/);
  });

  it('prints the day’s log and the same rows as CSV, in the site’s time zone', async () => {
    const shop = await TestShop.open();
    let incident: number;
    try {
      const anna = await shop.connect('pgr-anna');
      const button = await shop.connect('btn-1');
      await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 1, ageMs: 0 }));
      await button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 2, ageMs: 3_600_000 }));
      incident = (await anna.next(DOWNLINK.alert)).i as number;
      shop.clock.advance(42_000);
      await anna.publish(UPLINK.ack, encodeAck({ incident }));
      await anna.publish(UPLINK.outcome, encodeOutcome({ incident, outcome: 'apologised' }));
      // 23:30 in Berlin is the next day in UTC, but still this local day.
      shop.clock.set(Date.UTC(2026, 10, 22, 22, 30));
      await button.publish(UPLINK.press, encodePress({ kind: 'green', seq: 3, ageMs: 0 }));
      // 00:30 the next local day: not in this day's log.
      shop.clock.set(Date.UTC(2026, 10, 22, 23, 30));
      await button.publish(UPLINK.press, encodePress({ kind: 'red', seq: 4, ageMs: 0 }));
      await shop.stop();

      writeFileSync(join(shop.dir, 'loyalty-hub.json'), JSON.stringify({ ...shop.config, dataDir: '.' }));
      const text = await run(['report', '--date', '2026-11-22'], shop.dir);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('2026-11-22 (Europe/Berlin): 1 red and 2 green presses, 1 incidents');

      expect(text.stdout).toMatch(/^#\s+Time\s+Place\s+What\s+Presses\s+Taken by\s+To acknowledge\s+Outcome\s+Why$/m); // a table a terminal shows, not console.table
      expect(text.stdout.split('\n').every((line) => line.length <= 120)).toBe(true);

      const csv = await run(['report', '--date', '2026-11-22', '--csv', '--separator', ','], shop.dir);
      const rows = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(rows).toEqual([
        expect.objectContaining({
          Incident: String(incident),
          Date: '2026-11-22',
          What: 'Unhappy',
          Place: 'Counter 1',
          'Opened (local time)': '13:00:00', // 12:00 UTC in Berlin (CET)
          'UTC offset': 'UTC+01:00',
          Presses: '1',
          Paged: 'Anna 13:00:00',
          'Acknowledged at': '13:00:42',
          'Acknowledged by': 'Anna',
          'Seconds to acknowledge': '42',
          Escalations: '0',
          Outcome: 'apologised',
        }),
      ]);
      // In the terminal's language: the table, the CSV headers and words, the messages (#18).
      const german = await run(['report', '--date', '2026-11-22'], shop.dir, 'de_DE.UTF-8');
      expect(german.stdout).toContain('2026-11-22 (Europe/Berlin): 1 rote und 2 grüne Drücke, 1 Vorfälle');
      expect(german.stdout).toMatch(/^#\s+Zeit\s+Ort\s+Was\s+/m);
      const germanCsv = parse((await run(['report', '--date', '2026-11-22', '--csv', '--separator', ';'], shop.dir, 'de_DE.UTF-8')).stdout.replace(/^\uFEFF/, ''), { columns: true, delimiter: ';' }) as Record<string, string>[];
      expect(germanCsv[0]).toMatchObject({ Vorfall: String(incident), Was: 'Unzufrieden', Ergebnis: 'entschuldigt' });
      expect(await run(['report', '--from', '2026-11-22'], shop.dir, 'ru_RU.UTF-8')).toMatchObject({ code: 1, stderr: 'loyalty-hub: укажите --from и --to вместе\n' });
      expect((await run(['--help'], shop.dir, 'ru_RU.UTF-8')).stdout).toContain('Локальный хаб'); 
      const nextDay = await run(['report', '--date', '2026-11-23', '--csv', '--separator', ';'], shop.dir);
      expect(parse(nextDay.stdout.replace(/^\uFEFF/, ''), { columns: true, delimiter: ';' })).toHaveLength(1);

      // A range, with totals per day; names and mistakes in one line (#18).
      const range = await run(['report', '--from', '2026-11-22', '--to', '2026-11-23'], shop.dir);
      expect(range.stdout).toMatch(/^2026-11-22 to 2026-11-23 \(Europe\/Berlin\): 2 incidents\nDay\s+Incidents\s+Resolved\s+Recovered\s+Median to acknowledge\s+Median to reach\n2026-11-22\s+1\s+1\s+1\s+42 s\s*\n2026-11-23\s+1\s+0\s+0\s*\n$/);
      expect(await run(['report', '--date', '2026-13-45'], shop.dir)).toMatchObject({ code: 1, stderr: 'loyalty-hub: "2026-13-45" is not a day of the calendar: months run 01-12, days as far as the month has\n' });
      expect(await run(['report', '--from', '2026-11-22'], shop.dir)).toMatchObject({ code: 1, stderr: 'loyalty-hub: give --from and --to together\n' });
      expect((await run(['report', '--date', 'today'], shop.dir)).code).toBe(0);
    } finally {
      await shop.close().catch(() => undefined);
    }
  });
});

describe('open-file limit', () => {
  it('warns in one line when the hard limit leaves little room, and reads /proc/self/limits', async () => {
    const { descriptorWarning, openFileLimit } = await import('../../hub/descriptor-limit.js');
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 1024                 files\n';
    expect(openFileLimit(limits)).toBe(1024);
    expect(descriptorWarning(1024)).toMatch(/^loyalty-hub: only 1024 open files allowed .*\n$/);
    expect(descriptorWarning(65536)).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));
    writeFileSync(join(dir, 'loyalty-hub.json'), JSON.stringify({ mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 }, http: { host: '127.0.0.1', port: 0 } }));
    const result = await new Promise<{ stderr: string }>((done) =>
      execFile('bash', ['-c', `{ ulimit -n 1024 || ulimit -Sn 1024; } 2>/dev/null; exec "${process.execPath}" ${CLI} start --no-sim < /dev/null`], { cwd: dir, timeout: 5000 }, (_e, _o, stderr) => done({ stderr })),
    );
    expect(result.stderr).toMatch(/only \d+ open files allowed/);
  });
});
