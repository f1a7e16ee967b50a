import { describe, expect, it } from 'vitest';
import { nextStaffedTier } from '../../../hub/domain/routing.js';

describe('nextStaffedTier', () => {
  it('returns the first tier after the given one with an available pager', () => {
    const tiers = [['a', 'b'], ['c'], ['d']];
    expect(nextStaffedTier(tiers, -1, (p) => p !== 'a')).toEqual({ index: 0, pagers: ['b'] });
    expect(nextStaffedTier(tiers, -1, (p) => p === 'd')).toEqual({ index: 2, pagers: ['d'] });
    expect(nextStaffedTier(tiers, 2, () => true)).toBeNull();
  });
});
