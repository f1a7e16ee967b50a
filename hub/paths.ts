import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding our package.json (works from source and from dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !readFileSync(join(dir, 'package.json'), 'utf8').includes('"name": "loyalty-button"')) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the loyalty-button repository root');
    dir = parent;
  }
  return dir;
}

/** Where the built dashboard (HTML, CSS, JS) is served from. */
export function publicDir(): string {
  return join(repoRoot(), 'dist', 'public');
}
