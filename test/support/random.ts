// A seeded random number generator for tests that walk through many random
// steps and must walk the same way each run: mulberry32, in 32-bit integer
// arithmetic (an LCG done in floating point loses its low bits past 2^53 and
// falls into short cycles: a "random" test that explores a few states).

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
