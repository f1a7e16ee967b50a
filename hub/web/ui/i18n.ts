// The dashboard's language: the one the user picked on this browser, else the
// browser's own if we speak it, else English. Its catalog comes from the hub
// (/assets/i18n/<language>.json, the same catalogs the hub translates with),
// so the page carries only the language it shows.
import i18next from 'i18next';
import { LANGUAGES, LANGUAGE_NAMES, isLanguage, languageOfTag, type Language } from '../../i18n/languages.js';
import { I18N_OPTIONS, type Translate } from '../../i18n/translate-options.js';

const STORE_KEY = 'lb.language';
let language: Language = 'en';
const instance = i18next.createInstance();

/** Translates an English text (the key) into the page's language, with {{values}}. */
export const t: Translate = (key, values) => instance.t(key, values) as string;

export function pageLanguage(): Language {
  return language;
}

function chosen(): Language {
  const stored = localStorage.getItem(STORE_KEY);
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const spoken = languageOfTag(tag);
    if (spoken) return spoken;
  }
  return 'en';
}

/** Loads the page's language before anything is drawn; English if its catalog cannot be fetched. */
export async function loadLanguage(): Promise<void> {
  language = chosen();
  let catalog: Record<string, string> = {};
  try {
    const response = await fetch(`/assets/i18n/${language}.json`, { credentials: 'same-origin' });
    if (response.ok) catalog = (await response.json()) as Record<string, string>;
  } catch {
    // English from the keys themselves.
  }
  await instance.init({ ...I18N_OPTIONS, lng: language, resources: { [language]: { translation: catalog } } });
  document.documentElement.lang = language;
}

/** A picker of the languages, each named in itself; choosing one reloads the page in it. */
export function languagePicker(): HTMLSelectElement {
  const select = document.createElement('select');
  select.setAttribute('aria-label', t('Language'));
  select.id = 'language';
  for (const code of LANGUAGES) {
    const option = new Option(LANGUAGE_NAMES[code], code, code === language, code === language);
    select.append(option);
  }
  select.addEventListener('change', () => {
    localStorage.setItem(STORE_KEY, select.value);
    location.reload();
  });
  return select;
}

/** Numbers, dates and times as the page's language writes them. */
export const format = {
  number: (value: number, digits = 0): string => new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value),
  percent: (share: number): string => new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(share),
  /** A weekday's short name, Monday = 0 (1 Jan 2024 was a Monday). */
  weekday: (day: number): string => new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2024, 0, 1 + day)),
  /** "2026-12-02" → "2. Dez. 2026" / "2 дек. 2026 г." / "Dec 2, 2026". */
  date: (iso: string): string => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`)),
};
