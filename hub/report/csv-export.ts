// The day's log as a file a spreadsheet opens correctly, in German and
// Russian Excel too: UTF-8 with a byte-order mark (else "Süd" arrives
// garbled), the separator that suits the locale (";" where the decimal mark
// is a comma, so that "42,5" stays a number), headers in words, a date
// column, local times with their UTC offset and an ISO timestamp (two
// incidents at 02:30 on the autumn night are an hour apart there), and
// complaints apart from device problems. Cells a spreadsheet would run as a
// formula are neutralised (OWASP).
import { stringify } from 'csv-stringify/sync';
import type { DailyLog, DailyLogRow } from '../contract/api-types.js';
import { DEVICE_PROBLEM_KINDS } from '../domain/incident-desk.js';
import { english, type Translate } from '../i18n/translate.js';
import { KIND_WORDS, OUTCOME_WORDS } from '../i18n/words.js';

export type CsvSeparator = ',' | ';';

/** What a file is about: the customers' complaints (and mood alerts), or devices and the hub needing attention. */
export type CsvPart = 'complaints' | 'devices';

const COMPLAINT_KINDS = new Set(['red', 'green', 'mood']);

export interface CsvOptions {
  separator: CsvSeparator;
  /** Write decimals with a comma ("42,5"), as the locale's spreadsheet reads them. */
  decimalComma: boolean;
}

/** The locale's decimal mark decides: a comma means ";" between cells. An explicit separator wins. */
export function csvOptionsFor(locale: string | undefined, separator?: string): CsvOptions {
  let decimalComma: boolean;
  try {
    decimalComma = new Intl.NumberFormat(locale || 'en').formatToParts(1.5).find((part) => part.type === 'decimal')?.value === ',';
  } catch {
    decimalComma = false; // an unknown locale: the English convention
  }
  const chosen = separator === ',' || separator === ';' ? separator : decimalComma ? ';' : ',';
  return { separator: chosen, decimalComma: chosen === ';' && decimalComma };
}

/** The first language of an Accept-Language header ("de-AT,de;q=0.9" → "de-AT"). */
export function localeOf(acceptLanguage: string | undefined): string | undefined {
  const first = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  return first && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(first) ? first : undefined;
}

function neutralised(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A cell: text as it is, or a word of the catalog to say in the file's language. */
type Cell = string | number | null | { word: string };
type Column = [header: string, value: (row: DailyLogRow, log: DailyLog) => Cell];

const words = (cell: Cell, t: Translate): string | number | null => (cell !== null && typeof cell === 'object' ? t(cell.word) : cell);

const COLUMNS: Column[] = [
  ['Incident', (r) => r.incident],
  ['Date', (_r, log) => log.date],
  ['Opened (local time)', (r) => r.openedAt],
  // "UTC+02:00": a bare "+02:00" would look like a formula to a spreadsheet.
  ['UTC offset', (r) => `UTC${r.openedIso.slice(19).replace('Z', '+00:00') || '+00:00'}`],
  ['Opened (ISO 8601)', (r) => r.openedIso],
  ['What', (r) => ({ word: KIND_WORDS[r.kind] ?? r.kind })],
  ['Place', (r) => r.location],
  ['Presses', (r) => r.presses],
  ['Paged', (r) => r.paged],
  ['Pager received it', (r) => r.delivered],
  ['Acknowledged at', (r) => r.acknowledgedAt],
  ['Acknowledged by', (r) => r.acknowledgedBy],
  ['Seconds to acknowledge', (r) => r.secondsToAcknowledge],
  ['At the customer at', (r) => r.reachedAt],
  ['Seconds to reach the customer', (r) => r.secondsToReach],
  ['Escalations', (r) => r.escalations],
  ['Re-triggers', (r) => r.retriggers],
  ['Outcome', (r) => ({ word: OUTCOME_WORDS[r.outcome] ?? r.outcome })],
  ['What went wrong', (r) => r.cause],
  ['Resolved at', (r) => r.resolvedAt],
  ['Resolved by', (r) => r.resolvedBy],
];

/** The columns' headers in English: catalog keys, said in the file's language. */
export const CSV_HEADERS: readonly string[] = COLUMNS.map(([header]) => header);

/** One part of the day's log as a table in `t`'s language: the headers, and per incident its cells (numbers stay numbers). */
export function logTableCells(log: DailyLog, part: CsvPart, t: Translate = english): { headers: string[]; rows: (string | number | null)[][] } {
  const kinds = part === 'complaints' ? COMPLAINT_KINDS : DEVICE_PROBLEM_KINDS;
  return {
    headers: COLUMNS.map(([header]) => t(header)),
    rows: log.incidents.filter((row) => kinds.has(row.kind)).map((row) => COLUMNS.map(([, value]) => words(value(row, log), t))),
  };
}

/** One part of the day's log as CSV text, byte-order mark first. */
export function logCsv(log: DailyLog, part: CsvPart, options: CsvOptions, t: Translate = english): string {
  const number = (value: number) => (options.decimalComma ? String(value).replace('.', ',') : value);
  const { headers, rows } = logTableCells(log, part, t);
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? number(cell) : neutralised(cell ?? ''))));
  return '\uFEFF' + stringify(cells, { header: true, columns: headers, delimiter: options.separator, record_delimiter: 'windows' });
}

/** The file's name: "complaints-2026-11-22.csv", "device-problems-2026-11-22.xlsx". */
export function csvFileName(part: CsvPart, date: string, extension: 'csv' | 'xlsx' = 'csv'): string {
  return `${part === 'complaints' ? 'complaints' : 'device-problems'}-${date}.${extension}`;
}
