// Three languages, complete (#18): every text the dashboard, the CSV, the
// reports, the e-mail and push say through t('…') — and the word tables and
// CSV headers — has a German and a Russian translation, with every plural
// form the language has (i18next's _one/_few/_many/_other); no translation is
// left over for a text that is gone; and {{placeholders}} survive translation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../../hub/i18n/catalogs.js';
import { KIND_WORDS, OUTCOME_WORDS } from '../../../hub/i18n/words.js';
import { CSV_HEADERS } from '../../../hub/report/csv-export.js';
import { translator } from '../../../hub/i18n/translate.js';
import { ERRORS } from '../../../hub/web/errors.js';
import * as PAGER from '../../../firmware/lib/pager-words.js';
import { pagerKey, pagerWords } from '../../../hub/firmware/bundles.js';

/** The pager's own words, as catalog keys. */
const pagerEnglish = (): string[] => Object.values(PAGER).flatMap((value) => (typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.values(value)));

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SOURCES = ['hub'].map((dir) => join(ROOT, dir));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : files(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every key the code uses: t('…') / t("…") and phrase('…') literals, the word tables, the CSV headers, the static pages' words. */
export function usedKeys(): Set<string> {
  const keys = new Set<string>([...Object.values(KIND_WORDS), ...Object.values(OUTCOME_WORDS), ...CSV_HEADERS, ...Object.values(ERRORS).map((error) => error.message), ...pagerEnglish().map(pagerKey)]);
  const call = /\b(?:t|phrase)\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const file of SOURCES.flatMap(files)) {
    for (const match of readFileSync(file, 'utf8').matchAll(call)) keys.add((match[1] ?? match[2]).replace(/\\(.)/g, '$1'));
  }
  for (const page of ['index.html', 'login.html']) {
    const html = readFileSync(join(ROOT, 'hub', 'web', 'ui', page), 'utf8');
    for (const match of html.matchAll(/<(?:a|button|label|p)\b[^>]*>([^<]+)</g)) if (match[1].trim()) keys.add(match[1].trim());
  }
  return keys;
}

const PLURAL_FORMS = { en: ['one', 'other'], de: ['one', 'other'], ru: ['one', 'few', 'many', 'other'] } as const;
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  const used = usedKeys();

  it('finds the texts the code uses (the scan itself works)', () => {
    expect(used.size).toBeGreaterThan(200);
    expect(used).toContain('Daily log');
    expect(used).toContain('Nobody on shift for {{label}} (incident {{id}}): every online pager was called');
    expect(used).toContain('Seconds to acknowledge');
  });

  it('en: a singular for every counted text ("1 customer", not "1 customers")', () => {
    const missing = [...used].filter((key) => key.includes('{{count}}') && !CATALOGS.en[`${key}_one`]);
    expect(missing).toEqual([]);
  });

  for (const language of ['de', 'ru'] as const) {
    it(`${language}: every text is translated, plurals in every form, placeholders kept`, () => {
      const catalog = CATALOGS[language];
      const missing: string[] = [];
      for (const key of used) {
        const forms = key.includes('{{count}}') ? PLURAL_FORMS[language].map((form) => `${key}_${form}`) : [key];
        for (const form of forms) if (!catalog[form]) missing.push(form);
      }
      expect(missing).toEqual([]);
      const broken = Object.entries(catalog).filter(([key, text]) => placeholders(key.replace(/_(one|few|many|other)$/, '')).join() !== placeholders(text).join() && !(key.endsWith('_one') && placeholders(text).join() === placeholders(key).filter((p) => p !== 'count').join()));
      expect(broken).toEqual([]);
    });

    it(`${language}: nothing translated that the code no longer says`, () => {
      const stale = Object.keys(CATALOGS[language]).filter((key) => !used.has(key.replace(/_(one|few|many|other)$/, '')));
      expect(stale).toEqual([]);
    });
  }

  for (const language of ['en', 'de', 'ru'] as const) {
    it(`${language}: the pager's words fit its screen, in its charset`, () => {
      const words = pagerWords(language) as { KIND_WORDS: Record<string, string>; OUTCOME_WORDS: string[]; MUTE: string; CANT_GO: string; WHY: string; OUTCOME: string; SHORT_YES: string; SHORT_SEND: string };
      // The large font takes 10 characters a line: the outcomes and "mute" are shown in it.
      for (const word of [...words.OUTCOME_WORDS, words.MUTE]) expect(word.length, word).toBeLessThanOrEqual(language === 'en' ? 11 : 10);
      // A line of the small font takes 21: a question with its hint; a kind with " x12 L2" after it.
      for (const title of [words.CANT_GO + words.SHORT_YES, words.WHY + words.SHORT_SEND, words.OUTCOME + words.SHORT_SEND]) expect(title.length, title).toBeLessThanOrEqual(21);
      for (const kind of Object.values(words.KIND_WORDS)) expect(kind.length, kind).toBeLessThanOrEqual(16);
      expect(JSON.stringify(words)).toMatch(/^[\x20-\xff]*$/);
    });
  }

  it('English says one and many', () => {
    const t = translator('en');
    expect(t('{{count}} customers', { count: 1 })).toBe('1 customer');
    expect(t('{{count}} customers', { count: 2 })).toBe('2 customers');
  });

  it('Russian takes the right plural form (1, 3, 5, 21 customers)', () => {
    const t = translator('ru');
    expect([1, 3, 5, 21].map((count) => t('{{count}} customers', { count }))).toEqual(['1 покупатель', '3 покупателя', '5 покупателей', '21 покупатель']);
    expect(translator('de')('{{count}} customers', { count: 1 })).toBe('1 Kunde');
  });
});
