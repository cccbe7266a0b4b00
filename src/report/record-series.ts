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

/** Throughput per second of the measured window, each request spread over its own span. */
export interface SpreadSeconds {
  /** Successful requests, each spread evenly over its start-to-end span (sums to the count). */
  ok: Float64Array;
  /** Their output tokens, spread over the first-to-last-token span. */
  outputTokens: Float64Array;
}

/**
 * Per-second throughput of the measured requests over the whole seconds from `originMs` to the last
 * measured send, each request spread over the time it took. Unlike counts of what ended in each second,
 * this does not swing with the accident of when completions bunch up (closed-loop users in step finish
 * together), so its spread is the run's real second-to-second variation.
 */
export function spreadBySecond(records: readonly RequestRecord[], originMs: number): SpreadSeconds {
  let lastStartMs = originMs;
  for (const r of records) {
    const t = Date.parse(r.ts);
    if (r.phase === 'measure' && Number.isFinite(t) && t > lastStartMs) lastStartMs = t;
  }
  const length = Math.max(0, Math.floor((lastStartMs - originMs) / 1000));
  const ok = new Float64Array(length);
  const outputTokens = new Float64Array(length);
  for (const r of records) {
    if (!r.ok || r.phase !== 'measure' || r.e2eMs === null) continue;
    const startMs = Date.parse(r.ts) - originMs;
    if (!Number.isFinite(startMs)) continue;
    const endMs = startMs + r.e2eMs;
    spreadInto(ok, 1, startMs, endMs);
    spreadInto(outputTokens, r.outputTokens ?? 0, r.ttftMs === null ? endMs : startMs + r.ttftMs, endMs);
  }
  return { ok, outputTokens };
}

/** `amount` spread evenly over [fromMs, toMs] into per-second slots (what falls outside is dropped). */
function spreadInto(slots: Float64Array, amount: number, fromMs: number, toMs: number): void {
  if (amount === 0) return;
  if (!(toMs > fromMs)) {
    const second = Math.floor(toMs / 1000);
    if (second >= 0 && second < slots.length) slots[second] = (slots[second] as number) + amount;
    return;
  }
  const first = Math.max(0, Math.floor(fromMs / 1000));
  const last = Math.min(slots.length - 1, Math.floor(toMs / 1000));
  for (let second = first; second <= last; second += 1) {
    const overlap = Math.min(toMs, (second + 1) * 1000) - Math.max(fromMs, second * 1000);
    if (overlap > 0) slots[second] = (slots[second] as number) + (amount * overlap) / (toMs - fromMs);
  }
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
