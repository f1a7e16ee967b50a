// Exponential backoff with jitter: 1 s, 2 s, 4 s … up to a ceiling, each
// spread ±25 % so that devices cut off together do not all return together.

export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  let delay = baseMs;
  for (let i = 0; i < attempt && delay < maxMs; i++) delay = delay * 2;
  if (delay > maxMs) delay = maxMs;
  return Math.round(delay * (0.75 + random * 0.5));
}
