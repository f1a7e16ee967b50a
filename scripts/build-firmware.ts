// Builds firmware/dist/button.js and firmware/dist/pager.js: TypeScript to
// ES5 (tsc with tsconfig.espruino.json), one self-contained file per device
// (esbuild bundles, terser minifies), then the Espruino gate. Exits non-zero when a bundle fails
// the gate or grows past the size limit.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';
import { repoRoot } from '../hub/paths.js';
import { FIRMWARE_SIZE_LIMIT_BYTES } from '../hub/firmware/bundle-check.js';
import { checkBundle } from '../hub/firmware/espruino-gate.js';

export const ROOT = repoRoot();
export const FIRMWARE_DIST = join(ROOT, 'firmware', 'dist');
export const DEVICES = ['button', 'pager'] as const;
// The device budget (DEVELOPERS.md): each bundle minified under 28 KB.
export const SIZE_LIMIT_BYTES = FIRMWARE_SIZE_LIMIT_BYTES;

/**
 * esbuild would wrap require() in a helper that uses Proxy; the firmware calls
 * espruinoModule() instead, defined here in plain ES5 ahead of the bundle.
 */
const BANNER = 'function espruinoModule(name){return require(name)}';
/** A bundle says which device it is for: an update over the air checks it (firmware/lib/update-receiver.ts firmwareMarker). */
const marker = (device: string) => `var LB_FIRMWARE="lb-firmware:${device}";`;
/** The update guard, ".boot0" (firmware/guard.ts): small, and never replaced over the air. */
export const GUARD_LIMIT_BYTES = 4 * 1024 - 32;

/**
 * A second, deeper minification (terser, ES5 out). It matters twice on the
 * device: the bundle must fit 28 KB, and Espruino keeps every function's
 * source text in JsVars while it runs, so fewer bytes is also less memory.
 * Top-level names stay (the banner's globals); function declarations are not
 * hoisted (Espruino does not hoist them either); no "unsafe" rewrites.
 */
async function squeeze(code: string): Promise<string> {
  const result = await minify(code, {
    ecma: 5,
    compress: { passes: 3, hoist_funs: false, unsafe: false },
    mangle: { toplevel: false },
    format: { comments: false },
  });
  if (result.code === undefined) throw new Error('terser returned no code');
  return result.code;
}

export async function buildFirmware(log: (line: string) => void = console.log): Promise<Record<string, number>> {
  const staging = mkdtempSync(join(tmpdir(), 'loyalty-firmware-'));
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.espruino.json'), '--noEmit', 'false', '--outDir', staging], { stdio: 'inherit' });
    mkdirSync(FIRMWARE_DIST, { recursive: true });
    const sizes: Record<string, number> = {};
    const failures: string[] = [];
    for (const device of [...DEVICES, 'guard']) {
      const result = await build({
        entryPoints: [join(staging, 'firmware', `${device}.js`)],
        bundle: true,
        format: 'iife',
        target: 'es5',
        platform: 'neutral',
        // terser minifies (squeeze below): it does better on esbuild's plain output than on its minified one.
        minify: false,
        legalComments: 'none',
        banner: { js: device === 'guard' ? BANNER : BANNER + marker(device) },
        write: false,
      });
      const code = await squeeze(result.outputFiles[0].text);
      const out = join(FIRMWARE_DIST, `${device}.js`);
      writeFileSync(out, code);
      sizes[device] = Buffer.byteLength(code);
      const problems = checkBundle(code);
      const limit = device === 'guard' ? GUARD_LIMIT_BYTES : SIZE_LIMIT_BYTES;
      if (sizes[device] > limit) problems.push(`${sizes[device]} bytes, limit ${limit}`);
      log(`firmware/dist/${device}.js  ${(sizes[device] / 1024).toFixed(1)} KB  ${problems.length === 0 ? 'passes the Espruino gate' : 'FAILS the Espruino gate'}`);
      for (const problem of problems) failures.push(`${device}.js: ${problem}`);
    }
    if (failures.length > 0) throw new Error(`Espruino gate:\n  ${failures.join('\n  ')}`);
    return sizes;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildFirmware().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
