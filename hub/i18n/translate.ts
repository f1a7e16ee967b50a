// Translation on the hub (CLI, CSV headers, reports, e-mail, push, API
// errors) with i18next over the same catalogs the dashboard loads. Keys are
// the English text itself (gettext style), so English needs a catalog only
// for plural forms, and a missing translation shows English, never a key.
import i18next from 'i18next';
import { CATALOGS } from './catalogs.js';
import type { Language } from './languages.js';
import { I18N_OPTIONS, type Phrase, type Translate } from './translate-options.js';

export type { Phrase, Translate, Values } from './translate-options.js';
export { phrase } from './translate-options.js';

const instance = i18next.createInstance();
void instance.init({
  ...I18N_OPTIONS,
  lng: 'en',
  resources: Object.fromEntries(Object.entries(CATALOGS).map(([language, catalog]) => [language, { translation: catalog }])),
});

export function translator(language: Language): Translate {
  const fixed = instance.getFixedT(language);
  return (key, values) => fixed(key, values) as string;
}

/** English, for logs and places that have no listener. */
export const english: Translate = translator('en');

export function say(t: Translate, p: Phrase): string {
  return t(p.key, p.values);
}
