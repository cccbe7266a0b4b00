import { describe, expect, it } from 'vitest';
import { Histogram, mergeEncoded, statsOfEncoded } from '../../src/metrics/histogram.js';
import { createRandom } from '../../src/random.js';

/** Nearest-rank percentile of sorted data: the value HDR approximates. */
function exactPercentile(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** Deterministic pseudo-random values, so failures reproduce. */
function makeValues(n: number, seed: number): number[] {
  const random = createRandom(seed);
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = random();
    // Long-tailed like latencies: 1 ms .. ~30 s, in whole microseconds.
    values.push(Math.round((1 + 30_000 * u ** 4) * 1000) / 1000);
  }
  return values;
}

describe('Histogram', () => {
  it('is empty with nulls', () => {
    expect(new Histogram().stats()).toEqual({
      count: 0, mean: null, min: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null,
    });
  });

  it.each([
    { name: 'uniform 1..1000 ms', values: Array.from({ length: 1000 }, (_, i) => i + 1) },
    { name: 'long-tailed 20k', values: makeValues(20_000, 7) },
    { name: 'sub-2ms exact range', values: Array.from({ length: 500 }, (_, i) => i * 0.003) },
  ])('percentiles of $name are within HDR precision (0.1%), mean/min/max exact', ({ values }) => {
    const histogram = new Histogram();
    for (const v of values) histogram.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    const stats = histogram.stats();
    expect(stats.count).toBe(values.length);
    expect(stats.min).toBe(sorted[0]);
    expect(stats.max).toBe(sorted[sorted.length - 1]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(stats.mean).toBeCloseTo(mean, 2);
    for (const [key, p] of [['p50', 50], ['p90', 90], ['p95', 95], ['p99', 99], ['p999', 99.9]] as const) {
      const exact = exactPercentile(sorted, p);
      const got = stats[key] as number;
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
      expect(got).toBeLessThanOrEqual(stats.max as number);
    }
  });

  it('records exactly below 2.048 ms, treats negatives as 0 and ignores NaN', () => {
    const histogram = new Histogram();
    for (const v of [1.234, -5, Number.NaN, Number.POSITIVE_INFINITY, 0]) histogram.record(v);
    expect(histogram.stats()).toMatchObject({ count: 3, min: 0, max: 1.234, p50: 0, p999: 1.234 });
  });

  it('recordMany records the first count values like record() and returns the largest', () => {
    const values = new Float64Array([3, Number.NaN, 0.5, -1, 9, 100]);
    const many = new Histogram();
    const one = new Histogram();
    expect(many.recordMany(values, 5)).toBe(9);
    for (const v of values.subarray(0, 5)) one.record(v);
    expect(many.stats()).toEqual(one.stats());
    expect(many.stats()).toMatchObject({ count: 4, min: 0, max: 9 });
    expect(new Histogram().recordMany(values, 0)).toBe(0);
  });

  it('encode → decode → merge equals recording everything in one', () => {
    const all = makeValues(9000, 11);
    const whole = new Histogram();
    const parts = [new Histogram(), new Histogram(), new Histogram()];
    all.forEach((v, i) => {
      whole.record(v);
      (parts[i % 3] as Histogram).record(v);
    });
    const merged = Histogram.decode(parts[0]!.encode());
    merged.add(Histogram.decode(parts[1]!.encode()));
    merged.add(Histogram.decode(parts[2]!.encode()));
    expect(merged.stats()).toEqual(whole.stats());
    expect(statsOfEncoded(mergeEncoded(parts.map((p) => p.encode())))).toEqual(whole.stats());
  });

  it('round-trips an empty histogram and merges with it', () => {
    const empty = Histogram.decode(new Histogram().encode());
    expect(empty.count).toBe(0);
    const one = new Histogram();
    one.record(5);
    empty.add(one);
    expect(empty.stats()).toMatchObject({ count: 1, min: 5, max: 5, mean: 5 });
  });

  it('rejects a string that is not an encoded histogram', () => {
    expect(() => Histogram.decode('nonsense')).toThrow(expect.objectContaining({ code: 'HISTOGRAM_DECODE_FAILED' }));
  });
});
