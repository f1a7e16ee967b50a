// What the hub's and the dashboard's i18next instances share: the options,
// the translate function's shape, and a phrase (a sentence said later in the
// listener's language). Browser-safe: no catalogs, no Node.

export type Values = Record<string, string | number>;
export type Translate = (key: string, values?: Values) => string;

/** A sentence to be said later in the listener's language: what rooms that know no language return (alarms). */
export interface Phrase {
  key: string;
  values?: Values;
}

export const phrase = (key: string, values?: Values): Phrase => ({ key, values });

/** Options shared with the dashboard's instance (ui/i18n.ts). */
export const I18N_OPTIONS = {
  fallbackLng: 'en',
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  returnEmptyString: false,
} as const;

