/**
 * A sparse, mergeable histogram with 1%-wide logarithmic buckets, for the per-second medians of the
 * timeline. An HDR histogram per second would cost ~3 KB of WebAssembly memory each (two per second: 20 MB
 * an hour, never returned); this holds only the buckets a second used, typically a few dozen numbers.
 * Values are reported at their bucket's centre (within 0.5%), clamped to the exact min and max.
 */

import { round3 } from './math.js';

/** Buckets per e-fold: ln(1.01)⁻¹, so each bucket is 1% wide. */
const SCALE = 1 / Math.log1p(0.01);
/** Values at or below 1 µs share one bucket (a gap of 0 is common: two chunks in one read). */
const FLOOR_MS = 0.001;

/** `b1;<min>;<max>;<key>:<count>,…` from `LogBuckets.encode()`. */
export type EncodedLogBuckets = string;

export class LogBuckets {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = ms > 0 ? ms : 0;
    const key = bucketOf(value);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get count(): number {
    return this.total;
  }

  /** Nearest-rank percentile (0–100) in ms, null when empty. */
  percentileMs(percentile: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.total));
    let seen = 0;
    for (const key of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(key) as number;
      if (seen >= rank) return round3(Math.min(Math.max(valueOf(key), this.min), this.max));
    }
    return round3(this.max);
  }

  add(other: LogBuckets): void {
    for (const [key, count] of other.counts) this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  encode(): EncodedLogBuckets {
    const pairs = [...this.counts].map(([key, count]) => `${key}:${count}`).join(',');
    return this.total === 0 ? 'b1;;;' : `b1;${this.min};${this.max};${pairs}`;
  }

  /** The inverse of encode(); null when the text is not one (a snapshot from another version). */
  static decode(text: EncodedLogBuckets): LogBuckets | null {
    const [prefix, min, max, pairs, ...rest] = text.split(';');
    if (prefix !== 'b1' || pairs === undefined || rest.length > 0) return null;
    const buckets = new LogBuckets();
    if (pairs === '') return buckets;
    for (const pair of pairs.split(',')) {
      const [key, count] = pair.split(':').map(Number);
      if (!Number.isInteger(key) || !Number.isInteger(count) || (count as number) <= 0) return null;
      buckets.counts.set(key as number, count as number);
      buckets.total += count as number;
    }
    buckets.min = Number(min);
    buckets.max = Number(max);
    return Number.isFinite(buckets.min) && Number.isFinite(buckets.max) ? buckets : null;
  }
}

/** Merge encoded buckets; null when the list is empty. */
export function mergeEncodedBuckets(list: readonly EncodedLogBuckets[]): EncodedLogBuckets | null {
  if (list.length === 0) return null;
  const merged = new LogBuckets();
  for (const text of list) {
    const part = LogBuckets.decode(text);
    if (part !== null) merged.add(part);
  }
  return merged.encode();
}

/** The median of encoded buckets in ms; null when empty or unreadable. */
export function medianOfEncoded(text: EncodedLogBuckets | null): number | null {
  return text === null ? null : (LogBuckets.decode(text)?.percentileMs(50) ?? null);
}

function bucketOf(ms: number): number {
  return Math.round(Math.log(ms > FLOOR_MS ? ms : FLOOR_MS) * SCALE);
}

function valueOf(key: number): number {
  return Math.exp(key / SCALE);
}
