// The desk's record of which presses an incident counted: the same answers as
// a Set, in a few runs for a button's upward numbering (#20: the soak's heap grew
// with every press an open incident counted).
import { describe, expect, it } from 'vitest';
import { SeqRanges } from '../../../hub/domain/seq-ranges.js';
import { seededRandom } from '../../support/random.js';

describe('SeqRanges', () => {
  it('answers like a Set through random adds and deletes', () => {
    const next = seededRandom(7);
    const random = (n: number) => Math.floor(next() * n);
    const ranges = new SeqRanges();
    const set = new Set<number>();
    for (let step = 0; step < 20_000; step++) {
      const seq = random(300);
      if (random(4) === 0) {
        ranges.delete(seq);
        set.delete(seq);
      } else {
        ranges.add(seq);
        set.add(seq);
      }
      const probe = random(310) - 5;
      expect(ranges.has(probe)).toBe(set.has(probe));
    }
    for (let seq = -2; seq < 305; seq++) expect(ranges.has(seq)).toBe(set.has(seq));
  });

  it('holds a button’s upward presses as one run, in any order of arrival', () => {
    const ranges = new SeqRanges([5, 3, 4]);
    for (let seq = 6; seq <= 10_000; seq++) ranges.add(seq);
    expect(ranges.runCount).toBe(1);
    ranges.delete(500); // staff's own press comes off the count
    expect([ranges.has(499), ranges.has(500), ranges.has(501), ranges.runCount]).toEqual([true, false, true, 2]);
  });
});
