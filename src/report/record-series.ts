import type { RecordLatencyField } from '../model/metric-catalog.js';
import type { RequestRecord } from '../model/summary.js';

/** One latency field of the measured successful requests, sorted ascending, nulls dropped. */
export function collectSortedValues(records: readonly RequestRecord[], key: RecordLatencyField): Float64Array {
  const values: number[] = [];
  for (const r of records) {
    if (!r.ok || r.phase !== 'measure') continue;
    const v = r[key];
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile (p in 0..100) of an ascending array; null when empty. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

/** What finished in one second of the run, from the records. */
export interface SecondBucket {
  ok: number;
  failed: number;
  outputTokens: number;
  ttftMs: number[];
}

/**
 * Requests grouped by the second they finished in (start `ts` + e2e; a failure without e2e counts at its
 * start), counted from `originMs`. Incomplete requests are left out, as in the summary's timeline; warmup
 * requests are in it too (the timeline shows the whole run) unless `measuredOnly`.
 */
export function bucketBySecond(records: readonly RequestRecord[], originMs: number, measuredOnly: boolean): SecondBucket[] {
  const buckets: SecondBucket[] = [];
  for (const r of records) {
    if ((measuredOnly && r.phase !== 'measure') || r.errorCategory === 'incomplete') continue;
    const startMs = Date.parse(r.ts);
    if (!Number.isFinite(startMs)) continue;
    const second = Math.max(0, Math.floor((startMs + (r.e2eMs ?? 0) - originMs) / 1000));
    while (buckets.length <= second) buckets.push({ ok: 0, failed: 0, outputTokens: 0, ttftMs: [] });
    const bucket = buckets[second] as SecondBucket;
    if (r.ok) {
      bucket.ok += 1;
      bucket.outputTokens += r.outputTokens ?? 0;
      if (r.ttftMs !== null) bucket.ttftMs.push(r.ttftMs);
    } else {
      bucket.failed += 1;
    }
  }
  return buckets;
}

/** The earliest start of a measured request (ms since epoch), or null when there is none. */
export function findMeasureStartMs(records: readonly RequestRecord[]): number | null {
  let first: number | null = null;
  for (const r of records) {
    if (r.phase !== 'measure') continue;
    const t = Date.parse(r.ts);
    if (Number.isFinite(t) && (first === null || t < first)) first = t;
  }
  return first;
}
