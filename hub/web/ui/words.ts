// The words for the hub's codes (incident kinds, outcomes), in the page's
// language: the same keys as the CSV and the e-mail (hub/i18n/words.ts).
import { KIND_WORDS, OUTCOME_WORDS } from '../../i18n/words.js';
import { t } from './i18n.js';

export const kindText = (kind: string): string => (KIND_WORDS[kind] ? t(KIND_WORDS[kind]) : kind);
export const outcomeText = (outcome: string): string => (OUTCOME_WORDS[outcome] ? t(OUTCOME_WORDS[outcome]) : outcome);
