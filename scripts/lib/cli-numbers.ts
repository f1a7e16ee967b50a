// Parsers for numeric command-line options: a clear refusal instead of NaN running on.
import { InvalidArgumentError } from 'commander';

export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

export function positiveList(value: string): number[] {
  return value.split(',').map(positive);
}
