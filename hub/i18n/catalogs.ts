// Every catalog, keyed by language. The dashboard gets them as JSON files
// (scripts/build-dashboard.ts writes dist/public/i18n/<language>.json).
import type { Language } from './languages.js';
import { de } from './de.js';
import { en } from './en.js';
import { ru } from './ru.js';

export type Catalog = Record<string, string>;

export const CATALOGS: Record<Language, Catalog> = { en, de, ru };
