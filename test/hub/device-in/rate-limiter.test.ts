import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../hub/device-in/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows the burst, then refills at the rate', () => {
    const limiter = new RateLimiter(5, 3);
    expect([1, 2, 3, 4].map(() => limiter.take('a', 0))).toEqual([true, true, true, false]);
    expect(limiter.take('b', 0)).toBe(true); // buckets are per key
    expect(limiter.take('a', 199)).toBe(false);
    expect(limiter.take('a', 200)).toBe(true); // 5 per second = one every 200 ms
    expect(limiter.take('a', 10_000)).toBe(true);
  });
});
