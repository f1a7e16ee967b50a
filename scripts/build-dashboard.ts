// Builds the owner dashboard and the head office's into dist/public: small ES2020 scripts
// (esbuild, minified), the HTML and the CSS. Everything is served by the hub:
// no CDN, works offline. Prints the page weight.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { publicDir, repoRoot } from '../hub/paths.js';
import { CATALOGS } from '../hub/i18n/catalogs.js';

const UI = join(repoRoot(), 'hub', 'web', 'ui');
const JS_BUDGET_BYTES = 100 * 1024;

export async function buildDashboard(log: (line: string) => void = console.log): Promise<void> {
  const out = publicDir();
  // A fresh directory: chunk names change with their content, and old ones must not linger.
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(UI, 'app.ts'), join(UI, 'login.ts'), join(UI, 'hq.ts')],
    outdir: out,
    bundle: true,
    // What both pages use (i18next, the language loader) is one shared chunk, loaded once.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
  });
  // The service worker must be served from the root to cover the dashboard: a classic script, no imports.
  await build({ entryPoints: [join(UI, 'service-worker.ts')], outfile: join(out, 'sw.js'), bundle: true, format: 'iife', target: 'es2020', minify: true, legalComments: 'none' });
  for (const file of ['index.html', 'login.html', 'hq.html', 'style.css']) copyFileSync(join(UI, file), join(out, file));
  // One catalog per language: the page loads only the one it shows.
  mkdirSync(join(out, 'i18n'), { recursive: true });
  for (const [language, catalog] of Object.entries(CATALOGS)) writeFileSync(join(out, 'i18n', `${language}.json`), JSON.stringify(catalog));
  const size = (file: string) => statSync(join(out, file)).size;
  const chunks = readdirSync(out).filter((file) => /^chunk-\w+\.js$/.test(file));
  const js = size('app.js') + size('login.js') + chunks.reduce((sum, file) => sum + size(file), 0);
  log(`dist/public: app.js ${(size('app.js') / 1024).toFixed(1)} KB, hq.js ${(size('hq.js') / 1024).toFixed(1)} KB, login.js ${(size('login.js') / 1024).toFixed(1)} KB, shared ${chunks.map((file) => `${(size(file) / 1024).toFixed(1)} KB`).join(' + ')}, style.css ${(size('style.css') / 1024).toFixed(1)} KB, index.html ${(size('index.html') / 1024).toFixed(1)} KB`);
  if (js > JS_BUDGET_BYTES) throw new Error(`dashboard JavaScript is ${js} bytes, budget ${JS_BUDGET_BYTES}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildDashboard().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
