// A sentence the domain says without knowing the listener's language: the
// English text with {{placeholders}} (a key of the catalogs, hub/i18n) and its
// values. The web layer, the e-mail and push say it in the listener's language.

export type Values = Record<string, string | number>;

export interface Phrase {
  key: string;
  values?: Values;
}

export const phrase = (key: string, values?: Values): Phrase => ({ key, values });
