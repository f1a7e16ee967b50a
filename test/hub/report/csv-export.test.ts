// The CSV a spreadsheet opens correctly (#18), and never runs a formula from
// a label (#14.11).
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { DailyLog, DailyLogRow } from '../../../hub/contract/api-types.js';
import { csvFileName, csvOptionsFor, localeOf, logCsv } from '../../../hub/report/csv-export.js';

const row = (over: Partial<DailyLogRow>): DailyLogRow => ({
  incident: 1, kind: 'red', location: 'Counter 1', openedAt: '10:00:00', openedIso: '2026-11-22T10:00:00+01:00', presses: 1, paged: 'Anna 10:00:00', delivered: '',
  acknowledgedAt: '', acknowledgedBy: 'Anna', secondsToAcknowledge: null, reachedAt: '', secondsToReach: null, escalations: 0, retriggers: 0, outcome: 'open', cause: '',
  resolvedAt: '', resolvedBy: '', ...over,
});
const log = (incidents: DailyLogRow[], date = '2026-11-22'): DailyLog => ({ date, timeZone: 'Europe/Berlin', redPresses: 0, greenPresses: 0, greensByHour: [], incidents });
const cells = (csv: string, delimiter = ',') => parse(csv.replace(/^\uFEFF/, ''), { columns: true, delimiter }) as Record<string, string>[];

describe('CSV for a spreadsheet', () => {
  it('starts with a byte-order mark, has headers in words and a date column, and tells two 02:30s of the autumn night apart', () => {
    const night = log(
      [
        row({ incident: 7, openedAt: '02:30:00', openedIso: '2026-10-25T02:30:00+02:00', location: 'Schanigarten Süd' }),
        row({ incident: 8, openedAt: '02:30:00', openedIso: '2026-10-25T02:30:00+01:00' }),
      ],
      '2026-10-25',
    );
    const csv = logCsv(night, 'complaints', csvOptionsFor('en'));
    expect(csv.startsWith('\uFEFFIncident,Date,Opened (local time),UTC offset,Opened (ISO 8601),What,Place,')).toBe(true);
    const rows = cells(csv);
    expect(rows.map((r) => [r.Date, r['Opened (local time)'], r['UTC offset'], r['Opened (ISO 8601)']])).toEqual([
      ['2026-10-25', '02:30:00', 'UTC+02:00', '2026-10-25T02:30:00+02:00'],
      ['2026-10-25', '02:30:00', 'UTC+01:00', '2026-10-25T02:30:00+01:00'],
    ]);
    expect(rows[0].Place).toBe('Schanigarten Süd');
    expect(csv).toContain('\r\n'); // Excel's line ends
  });

  it('uses ";" and decimal commas where the locale writes decimals with a comma, or the separator asked for', () => {
    const day = log([row({ secondsToAcknowledge: 42.5 })]);
    expect(csvOptionsFor('de-AT')).toEqual({ separator: ';', decimalComma: true });
    expect(csvOptionsFor('ru')).toEqual({ separator: ';', decimalComma: true });
    expect(csvOptionsFor('en-GB')).toEqual({ separator: ',', decimalComma: false });
    expect(csvOptionsFor('de', ',')).toEqual({ separator: ',', decimalComma: false });
    expect(csvOptionsFor('not a locale!')).toEqual({ separator: ',', decimalComma: false });
    expect(cells(logCsv(day, 'complaints', csvOptionsFor('de')), ';')[0]['Seconds to acknowledge']).toBe('42,5');
    expect(cells(logCsv(day, 'complaints', csvOptionsFor('en')))[0]['Seconds to acknowledge']).toBe('42.5');
    expect([localeOf('de-AT,de;q=0.9,en;q=0.5'), localeOf(undefined), localeOf('*')]).toEqual(['de-AT', undefined, undefined]);
  });

  it('keeps device problems out of the complaints, in a file of their own', () => {
    const day = log([row({ incident: 1 }), row({ incident: 2, kind: 'missing', location: 'Anna' }), row({ incident: 3, kind: 'battery' }), row({ incident: 4, kind: 'mood' })]);
    expect(cells(logCsv(day, 'complaints', csvOptionsFor('en'))).map((r) => r.Incident)).toEqual(['1', '4']);
    expect(cells(logCsv(day, 'devices', csvOptionsFor('en'))).map((r) => r.Incident)).toEqual(['2', '3']);
    expect([csvFileName('complaints', day.date), csvFileName('devices', day.date)]).toEqual(['complaints-2026-11-22.csv', 'device-problems-2026-11-22.csv']);
  });

  it('neutralises cells that a spreadsheet would take for a formula, and leaves the rest alone (#14.11)', () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rReturn'];
    const rows = cells(logCsv(log([...hostile.map((location) => row({ location })), row({ location: 'Terrace', acknowledgedBy: '=cmd|calc' })]), 'complaints', csvOptionsFor('en')));
    expect(rows.map((c) => c.Place)).toEqual([...hostile.map((label) => `'${label}`), 'Terrace']);
    expect(rows.at(-1)!['Acknowledged by']).toBe("'=cmd|calc");
    expect(rows[0].Presses).toBe('1'); // numbers stay numbers
  });
});
