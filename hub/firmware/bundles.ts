// Which firmware file a device runs: the button's is one for every shop; the
// pager's says words on its screen, so there is one per language
// (pager.js English, pager-de.js, pager-ru.js; scripts/build-firmware.ts).
import { join } from 'node:path';
import type { DeviceKind } from '../../shared/topics.js';
import { toDeviceText } from '../../shared/device-text.js';
import * as WORDS from '../../firmware/lib/pager-words.js';
import type { Language } from '../i18n/languages.js';
import { translator } from '../i18n/translate.js';
import { repoRoot } from '../paths.js';

export function bundleFile(kind: DeviceKind | 'guard', language: Language = 'en'): string {
  return kind === 'pager' && language !== 'en' ? `pager-${language}.js` : `${kind}.js`;
}

export function bundlePath(kind: DeviceKind | 'guard', language: Language = 'en'): string {
  return join(repoRoot(), 'firmware', 'dist', bundleFile(kind, language));
}

/** The catalogs' key for a word of the pager's screen: its own, as it must be short. */
export const pagerKey = (english: string): string => `pager: ${english}`;

/** The pager's words in `language`, in the device charset (what the build puts in that language's bundle). */
export function pagerWords(language: Language): Record<string, unknown> {
  const t = translator(language);
  const say = (english: string) => (language === 'en' ? english : toDeviceText(t(pagerKey(english))));
  const words: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(WORDS)) {
    if (typeof value === 'string') words[name] = say(value);
    else if (Array.isArray(value)) words[name] = value.map(say);
    else words[name] = Object.fromEntries(Object.entries(value).map(([kind, english]) => [kind, say(english)]));
  }
  return words;
}

/** The pager module's source in `language`: what the build bundles in place of pager-words.js. */
export function pagerWordsModule(language: Language): string {
  return Object.entries(pagerWords(language))
    .map(([name, value]) => `export var ${name} = ${JSON.stringify(value)};`)
    .join('\n');
}
