// Installing the hub as a service (#17): the unit written into a temporary
// root and checked by systemd itself where systemd-analyze is present; the
// status in words from systemd's properties.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceStatus } from '../../hub/service.js';

const CLI = resolve('dist/hub/cli.js');
const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 15_000 }, (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
const hasSystemdAnalyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('loyalty-hub service', () => {
  it('writes a unit that runs the hub at boot as its own user, restarted on failure, and a configuration naming its data', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lb-root-'));
    const installed = await run(['service', 'install', '--root', root, '--user', 'lbhub', '--data', '/srv/lb/data', '--service-config', '/srv/lb/etc/hub.json']);
    expect(installed.code).toBe(0);
    const unitPath = join(root, 'etc/systemd/system/loyalty-hub.service');
    const unit = readFileSync(unitPath, 'utf8');
    for (const line of ['User=lbhub', 'Group=lbhub', 'WorkingDirectory=/srv/lb/data', 'Restart=on-failure', 'WantedBy=multi-user.target', 'ProtectSystem=strict', 'ReadWritePaths=/srv/lb/data /srv/lb/etc']) {
      expect(unit.split('\n'), line).toContain(line);
    }
    expect(unit).toContain(`ExecStart=${process.execPath} --no-memory-reducer --max-semi-space-size=1 --heap-growing-percent=25 ${CLI} --config /srv/lb/etc/hub.json start`);
    expect(unit).toContain('Environment=MALLOC_ARENA_MAX=2\n');
    expect(JSON.parse(readFileSync(join(root, 'srv/lb/etc/hub.json'), 'utf8'))).toEqual({ dataDir: '/srv/lb/data' });
    expect(existsSync(join(root, 'srv/lb/data'))).toBe(true);
    expect(installed.stdout).toMatch(/not the real root: create the user "lbhub"/);
    if (hasSystemdAnalyze) execFileSync('systemd-analyze', ['verify', unitPath], { stdio: 'pipe' }); // throws on a unit systemd refuses
  });

  it('refuses a configuration that keeps its data elsewhere, in one line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lb-root-'));
    mkdirSync(join(root, 'etc/loyalty-hub'), { recursive: true });
    writeFileSync(join(root, 'etc/loyalty-hub/loyalty-hub.json'), JSON.stringify({ dataDir: 'data' }));
    const refused = await run(['service', 'install', '--root', root]);
    expect([refused.code, refused.stderr]).toEqual([1, 'loyalty-hub: /etc/loyalty-hub/loyalty-hub.json keeps its data in /etc/loyalty-hub/data, not /var/lib/loyalty-hub: pass --data /etc/loyalty-hub/data, or set "dataDir" to "/var/lib/loyalty-hub"\n']);
  });

  it('says in words how the service is doing', () => {
    const fake = (props: string) => () => props;
    expect(serviceStatus(fake('LoadState=not-found\nActiveState=inactive\n'))).toBe('loyalty-hub is not installed as a service: loyalty-hub service install');
    expect(serviceStatus(fake('LoadState=loaded\nActiveState=active\nSubState=running\nNRestarts=2\nExecMainStartTimestamp=Wed 2026-12-02 03:30:00 UTC\nUnitFileState=enabled\n'))).toBe(
      'loyalty-hub: active (running) since Wed 2026-12-02 03:30:00 UTC; starts at boot; restarted 2 times after failures (journalctl -u loyalty-hub)',
    );
  });
});
