// What the hub's and the dashboard's i18next instances share: the options,
// the translate function's shape, and a phrase (a sentence said later in the
// listener's language). Browser-safe: no catalogs, no Node.

import type { Values } from '../domain/phrase.js';

export type { Phrase, Values } from '../domain/phrase.js';
export { phrase } from '../domain/phrase.js';
export type Translate = (key: string, values?: Values) => string;

/** Options shared with the dashboard's instance (ui/i18n.ts). */
export const I18N_OPTIONS = {
  fallbackLng: 'en',
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  returnEmptyString: false,
} as const;

