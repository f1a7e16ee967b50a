import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../firmware/lib/backoff.js';

describe('backoff', () => {
  it('doubles up to the ceiling with ±25 % jitter', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffDelay(attempt, 1000, 60000, 0.5))).toEqual([1000, 2000, 4000, 8000, 60000]);
    expect(backoffDelay(2, 1000, 60000, 0)).toBe(3000);
    expect(backoffDelay(2, 1000, 60000, 1)).toBe(5000);
  });
});
