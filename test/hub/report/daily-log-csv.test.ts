// Issue #14.11: a label that starts like a formula must not run as one when
// the owner opens the CSV in a spreadsheet.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { DailyLogRow } from '../../../hub/contract/api-types.js';
import { dailyLogCsv } from '../../../hub/report/daily-log.js';

const row = (location: string, acknowledgedBy = 'Anna'): DailyLogRow => ({
  incident: 1, kind: 'red', location, openedAt: '10:00:00', presses: 1, paged: 'Anna 10:00:00', delivered: '', acknowledgedAt: '', acknowledgedBy,
  secondsToAcknowledge: null, reachedAt: '', secondsToReach: null, escalations: 0, retriggers: 0, outcome: 'open', cause: '', resolvedAt: '', resolvedBy: '',
});

describe('daily log CSV', () => {
  it('neutralises cells that a spreadsheet would take for a formula, and leaves the rest alone', () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rReturn'];
    const csv = dailyLogCsv([...hostile.map((label) => row(label)), row('Terrace', '=cmd|calc')]);
    const cells = parse(csv, { columns: true }) as Record<string, string>[];
    expect(cells.map((c) => c.location)).toEqual([...hostile.map((label) => `'${label}`), 'Terrace']);
    expect(cells[cells.length - 1].acknowledgedBy).toBe("'=cmd|calc");
    expect(cells[0].presses).toBe('1'); // numbers stay numbers
  });
});
