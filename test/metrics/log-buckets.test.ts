import { describe, expect, it } from 'vitest';
import { LogBuckets, medianOfEncoded, mergeEncodedBuckets } from '../../src/metrics/log-buckets.js';

function bucketsOf(values: number[]): LogBuckets {
  const buckets = new LogBuckets();
  for (const v of values) buckets.record(v);
  return buckets;
}

describe('LogBuckets', () => {
  it.each([
    { name: 'one value is exact (clamped to min/max)', values: [40], p50: 40 },
    { name: 'odd count', values: [300, 100, 200], p50: 200 },
    { name: 'even count: the lower middle (nearest rank)', values: [100, 200, 300, 400], p50: 200 },
    { name: 'zeros', values: [0, 0, 5], p50: 0 },
  ])('median: $name', ({ values, p50 }) => {
    const median = bucketsOf(values).percentileMs(50) as number;
    expect(Math.abs(median - p50)).toBeLessThanOrEqual(p50 * 0.005 + 0.001);
  });

  it('is within 0.5% on spread data and null when empty', () => {
    const values = Array.from({ length: 1001 }, (_, i) => 10 + i * 7.3);
    const buckets = bucketsOf(values);
    for (const p of [10, 50, 90, 99]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1] as number;
      expect(Math.abs((buckets.percentileMs(p) as number) - exact)).toBeLessThanOrEqual(exact * 0.005);
    }
    expect(new LogBuckets().percentileMs(50)).toBeNull();
  });

  it('merges through encode/decode like recording everything in one', () => {
    const a = [12, 500, 33.3, 0];
    const b = [71, 71, 9000];
    const merged = mergeEncodedBuckets([bucketsOf(a).encode(), bucketsOf(b).encode(), new LogBuckets().encode()]);
    const whole = bucketsOf([...a, ...b]);
    expect(merged).toBe(LogBuckets.decode(whole.encode())?.encode());
    expect(medianOfEncoded(merged)).toBe(whole.percentileMs(50));
    expect(mergeEncodedBuckets([])).toBeNull();
  });

  it.each(['', 'b1;1;2;x:1', 'h1;1;2;3:1', 'b1;1;2;3:0'])('rejects %j', (text) => {
    expect(LogBuckets.decode(text)).toBeNull();
    expect(medianOfEncoded(text)).toBeNull();
  });
});
