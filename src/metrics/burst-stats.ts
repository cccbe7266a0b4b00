import type { BurstRound, BurstStat, RequestRecord } from '../model/summary.js';
import { round3 } from './math.js';

/**
 * A burst's figures from its records (docs/cli.md "Load"): exact, over every sample (a burst is at most
 * a few thousand requests), not from histograms. Latencies over the successful requests only; the median
 * is the middle value (the mean of the two middle ones for an even count), p90/p99 the nearest rank
 * (the ⌈p·n⌉-th smallest), stddev the population standard deviation.
 */
export function summarizeBurst(records: readonly RequestRecord[]): BurstRound {
  const ok = records.filter((record) => record.ok);
  const requests = records.length;
  return {
    requests,
    succeeded: ok.length,
    failed: requests - ok.length,
    successRate: requests === 0 ? 0 : round3(ok.length / requests),
    e2eMs: describe(ok.map((record) => record.e2eMs)),
    ttftMs: describe(ok.map((record) => record.ttftMs)),
  };
}

/** The stats of the values given (nulls left out); null when there are none. */
export function describe(values: readonly (number | null)[]): BurstStat | null {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return null;
  let sum = 0;
  for (const value of sorted) sum += value;
  const mean = sum / n;
  let squares = 0;
  for (const value of sorted) squares += (value - mean) ** 2;
  const middle = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  const rank = (p: number): number => sorted[Math.max(1, Math.ceil(p * n)) - 1] as number;
  return {
    count: n,
    min: round3(sorted[0] as number),
    max: round3(sorted[n - 1] as number),
    mean: round3(mean),
    median: round3(median),
    stddev: round3(Math.sqrt(squares / n)),
    p90: round3(rank(0.9)),
    p99: round3(rank(0.99)),
  };
}
