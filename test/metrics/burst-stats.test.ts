import { describe, expect, it } from 'vitest';
import { describe as describeValues, summarizeBurst } from '../../src/metrics/burst-stats.js';
import type { RequestRecord } from '../../src/model/summary.js';

describe('burst stats', () => {
  it.each<[string, (number | null)[], ReturnType<typeof describeValues>]>([
    ['none', [], null],
    ['only nulls', [null, null], null],
    ['one value', [7], { count: 1, min: 7, max: 7, mean: 7, median: 7, stddev: 0, p90: 7, p99: 7 }],
    // Even count: the median is the mean of the two middle values; p90 = ⌈3.6⌉ = 4th smallest.
    ['1..4 unsorted, a null left out', [4, null, 1, 3, 2], { count: 4, min: 1, max: 4, mean: 2.5, median: 2.5, stddev: 1.118, p90: 4, p99: 4 }],
    // 1..10: p90 = ⌈9⌉ = 9th smallest, p99 = ⌈9.9⌉ = 10th; stddev = √8.25.
    ['1..10', [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], { count: 10, min: 1, max: 10, mean: 5.5, median: 5.5, stddev: 2.872, p90: 9, p99: 10 }],
    ['odd count', [3, 1, 2], { count: 3, min: 1, max: 3, mean: 2, median: 2, stddev: 0.816, p90: 3, p99: 3 }],
  ])('%s', (_name, values, expected) => {
    expect(describeValues(values)).toEqual(expected);
  });

  it('latencies over the successful requests only; the rate over all', () => {
    const record = (ok: boolean, e2eMs: number, ttftMs: number | null): RequestRecord => ({ ok, e2eMs, ttftMs }) as RequestRecord;
    const stats = summarizeBurst([record(true, 100, 10), record(true, 300, 30), record(false, 5, null)]);
    expect(stats).toMatchObject({ requests: 3, succeeded: 2, failed: 1, successRate: 0.667 });
    expect(stats.e2eMs).toMatchObject({ count: 2, min: 100, max: 300, median: 200 });
    expect(stats.ttftMs).toMatchObject({ count: 2, mean: 20 });
    expect(summarizeBurst([])).toEqual({ requests: 0, succeeded: 0, failed: 0, successRate: 0, e2eMs: null, ttftMs: null });
  });
});
