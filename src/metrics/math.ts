/** Small numeric helpers of the metrics layer. Loops, not Math.min(...values): a spread of a million overflows the stack. */

export function minOf(values: readonly (number | null)[]): number | null {
  let min: number | null = null;
  for (const value of values) if (value !== null && (min === null || value < min)) min = value;
  return min;
}

export function maxOf(values: readonly (number | null)[]): number | null {
  let max: number | null = null;
  for (const value of values) if (value !== null && (max === null || value > max)) max = value;
  return max;
}

/** Rounded to the microsecond when the unit is ms (and to 3 decimals for rates). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A `<` or `<=` limit, as `--slo` and the thresholds write it. */
export function isWithin(value: number, op: '<' | '<=', limit: number): boolean {
  return op === '<' ? value < limit : value <= limit;
}

/** Nearest-rank percentile (p in 0..100) of an ascending array; null when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}
