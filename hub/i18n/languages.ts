// The languages the product speaks, and how one is chosen: what the user
// picked, else the first of the browser's (Accept-Language) or the
// terminal's (LC_ALL, LC_MESSAGES, LANG) we have, else English. Pure and
// browser-safe: the dashboard uses it too.

export const LANGUAGES = ['en', 'de', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Names of the languages in themselves, for a language picker. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', ru: 'Русский' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** "de-AT" → "de", "ru_RU.UTF-8" → "ru"; undefined for one we do not speak. */
export function languageOfTag(tag: string | undefined | null): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_.@]/)[0];
  return isLanguage(base) ? base : undefined;
}

/** The first language of an Accept-Language header we speak, by its q order. */
export function languageOfHeader(acceptLanguage: string | undefined): Language | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1);
      return { tag, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const language = languageOfTag(entry.tag);
    if (language) return language;
  }
  return undefined;
}

/** The terminal's language, as POSIX tools choose it (LANGUAGE is a list and only counts with a locale set). */
export function languageOfEnvironment(env: Record<string, string | undefined>): Language {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (!value) continue;
    if (value === 'C' || value === 'POSIX' || value.startsWith('C.')) return 'en';
    return languageOfTag(value) ?? 'en';
  }
  return 'en';
}
