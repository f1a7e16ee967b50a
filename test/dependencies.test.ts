import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// The hub must install and run on the oldest Node the package declares (a shop's
// board may have only Node 20). A locked package that declares a newer engine
// makes `npm ci` warn on every install and may use APIs Node 20 lacks.
const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('locked dependencies', () => {
  it('all accept the oldest Node this package declares', () => {
    const oldest = semver.minVersion(manifest.engines.node);
    expect(oldest).not.toBeNull();
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const engines = entry.engines;
      if (path === '' || engines === undefined || Array.isArray(engines) || engines.node === undefined) continue;
      if (!semver.satisfies(oldest!, engines.node)) refusing.push(`${path}@${entry.version} wants node ${engines.node}`);
    }
    expect(refusing).toEqual([]);
  });
});
