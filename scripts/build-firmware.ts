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
import { build, type Plugin } from 'esbuild';
import { minify } from 'terser';
import { repoRoot } from '../hub/paths.js';
import { FIRMWARE_SIZE_LIMIT_BYTES } from '../hub/firmware/bundle-check.js';
import { checkBundle } from '../hub/firmware/espruino-gate.js';
import { bundleFile, pagerWordsModule } from '../hub/firmware/bundles.js';
import { LANGUAGES, type Language } from '../hub/i18n/languages.js';

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
/** An esbuild plugin putting the pager's words in `language` in place of firmware/lib/pager-words.js. */
function wordsIn(language: Language): Plugin {
  return {
    name: `pager-words-${language}`,
    setup(build) {
      build.onLoad({ filter: /[\\/]firmware[\\/]lib[\\/]pager-words\.js$/ }, () => ({ contents: pagerWordsModule(language), loader: 'js' }));
    },
  };
}

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
    const builds: { device: (typeof DEVICES)[number] | 'guard'; language: Language }[] = [
      { device: 'button', language: 'en' },
      ...LANGUAGES.map((language) => ({ device: 'pager' as const, language })),
      { device: 'guard', language: 'en' },
    ];
    for (const { device, language } of builds) {
      const result = await build({
        entryPoints: [join(staging, 'firmware', `${device}.js`)],
        // The pager's words in its language, in the device charset (one byte a character, raw in the bundle).
        plugins: device === 'pager' && language !== 'en' ? [wordsIn(language)] : [],
        charset: 'utf8',
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
      const file = bundleFile(device, language);
      // Byte for byte: every character of the device charset is one byte on the device.
      writeFileSync(join(FIRMWARE_DIST, file), code, 'latin1');
      const name = file.replace(/\.js$/, '');
      sizes[name] = code.length;
      const problems = checkBundle(code);
      if (/[\u0100-\uffff]/.test(code)) problems.push('a character outside the device charset');
      const limit = device === 'guard' ? GUARD_LIMIT_BYTES : SIZE_LIMIT_BYTES;
      if (sizes[name] > limit) problems.push(`${sizes[name]} bytes, limit ${limit}`);
      log(`firmware/dist/${file}  ${(sizes[name] / 1024).toFixed(1)} KB  ${problems.length === 0 ? 'passes the Espruino gate' : 'FAILS the Espruino gate'}`);
      for (const problem of problems) failures.push(`${file}: ${problem}`);
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
