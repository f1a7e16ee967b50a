// The day's log as an Excel workbook (write-excel-file): the same columns as
// the CSV (csv-export.ts), in the reader's language, numbers as numbers, the
// header row bold and kept in view. No separator or decimal mark to guess,
// and no formula can hide in a cell: a text cell is only ever text.
import type { DailyLog } from '../contract/api-types.js';
import { english, type Translate } from '../i18n/translate.js';
import { logTableCells, type CsvPart } from './csv-export.js';

export async function logXlsx(log: DailyLog, part: CsvPart, t: Translate = english): Promise<Buffer> {
  const { headers, rows } = logTableCells(log, part, t);
  const sheet = [headers.map((header) => ({ value: header, fontWeight: 'bold' as const })), ...rows.map((row) => row.map((value) => (value === '' || value === null ? null : { value })))];
  // Loaded on the first export, not at start: the hub's memory is for the devices (docs/benchmarks-findings.md §14).
  const { default: writeXlsxFile } = await import('write-excel-file/node');
  return writeXlsxFile(sheet, { sheet: log.date, stickyRowsCount: 1, columns: headers.map((header) => ({ width: Math.min(40, Math.max(10, header.length + 2)) })) }).toBuffer();
}
