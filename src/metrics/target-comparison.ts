import {
  DELTA_METRICS,
  type ComparisonSummary,
  type DeltaCell,
  type DeltaMetricId,
  type DeltaRow,
  type FailuresByLayer,
} from '../model/comparison.js';
import type { RequestRecord } from '../model/record.js';
import { percentileOfSorted, round3 } from './math.js';
import { roundInterval } from './t-interval.js';

/** One target's measured records and what makes a comparison fair or not. */
export interface TargetRecords {
  name: string;
  records: readonly RequestRecord[];
  model: string;
  apiType: string;
  stream: boolean;
}

/** Below this success rate a target's latencies describe too few answers to compare. */
const MOSTLY_FAILING = 0.5;
/** Windows sharing less than this of their union did not see the same moments. */
const MIN_OVERLAP = 0.95;

/** A record's send time and end (ms since the epoch); end = send when no E2E was measured. */
function spanOf(record: RequestRecord): { startMs: number; endMs: number } {
  const startMs = Date.parse(record.ts);
  return { startMs, endMs: startMs + (record.e2eMs ?? 0) };
}

/** First measured send → last measured end, ms since the epoch; null without a measured record. */
export function targetWindow(records: readonly RequestRecord[]): { startMs: number; endMs: number } | null {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const record of records) {
    if (record.phase !== 'measure') continue;
    const span = spanOf(record);
    if (span.startMs < startMs) startMs = span.startMs;
    if (span.endMs > endMs) endMs = span.endMs;
  }
  return startMs === Infinity ? null : { startMs, endMs };
}

/** The shared time of every window over their union (1: all the same); null with fewer than two windows. */
export function windowOverlap(windows: ReadonlyArray<{ startMs: number; endMs: number }>): number | null {
  if (windows.length < 2) return null;
  const start = Math.max(...windows.map((window) => window.startMs));
  const end = Math.min(...windows.map((window) => window.endMs));
  const unionMs = Math.max(...windows.map((window) => window.endMs)) - Math.min(...windows.map((window) => window.startMs));
  if (unionMs <= 0) return 1;
  return Math.max(0, end - start) / unionMs;
}

export function failuresByLayer(records: readonly RequestRecord[]): FailuresByLayer {
  const out: FailuresByLayer = { gateway: 0, upstream: 0, unknown: 0 };
  for (const record of records) {
    if (record.phase !== 'measure' || record.ok || record.errorCategory === 'incomplete') continue;
    out[record.failureLayer ?? 'unknown'] += 1;
  }
  return out;
}

/** The delta table's metrics over one slice of records (sent within `seconds`). */
function metricsOf(records: readonly RequestRecord[], seconds: number): Record<DeltaMetricId, number | null> {
  const ttft: number[] = [];
  const itl: number[] = [];
  const e2e: number[] = [];
  let ok = 0;
  let errors = 0;
  let outputTokens = 0;
  for (const record of records) {
    if (!record.ok) {
      if (record.errorCategory !== 'incomplete') errors += 1;
      continue;
    }
    ok += 1;
    outputTokens += record.outputTokens ?? 0;
    if (record.ttftMs !== null) ttft.push(record.ttftMs);
    if (record.itlMs !== null) itl.push(record.itlMs);
    if (record.e2eMs !== null) e2e.push(record.e2eMs);
  }
  const ascending = (a: number, b: number): number => a - b;
  ttft.sort(ascending);
  itl.sort(ascending);
  e2e.sort(ascending);
  return {
    ttft_p50: percentileOfSorted(ttft, 50),
    ttft_p95: percentileOfSorted(ttft, 95),
    itl_p50: percentileOfSorted(itl, 50),
    e2e_p95: percentileOfSorted(e2e, 95),
    output_tokens_per_s: seconds > 0 ? outputTokens / seconds : null,
    rps: seconds > 0 ? ok / seconds : null,
    errors,
  };
}

const roundOrNull = (value: number | null): number | null => (value === null ? null : round3(value));

/**
 * The delta table (docs/metrics.md "Delta table"): every target's figures over the common window (first
 * measured send of any target → last measured send of any), each against the baseline's, with the spread
 * of the per-round differences: the window is cut into `rounds` equal rounds, a request counts in the
 * round it was sent in, and each round gives one paired difference (both targets saw the same moments).
 */
export function compareTargets(targets: readonly TargetRecords[], baseline: string, rounds: number): ComparisonSummary {
  const measured = targets.map((target) => ({ ...target, records: target.records.filter((record) => record.phase === 'measure') }));
  const sends = measured.flatMap((target) => target.records.map((record) => Date.parse(record.ts)));
  const startMs = sends.length === 0 ? 0 : Math.min(...sends);
  const endMs = sends.length === 0 ? 0 : Math.max(...sends);
  // A window of one instant (a single request each) still counts its requests over a millisecond.
  const windowMs = Math.max(1, endMs - startMs);
  const roundMs = windowMs / rounds;

  const overall = new Map<string, Record<DeltaMetricId, number | null>>();
  const perRound = new Map<string, Array<Record<DeltaMetricId, number | null>>>();
  for (const target of measured) {
    overall.set(target.name, metricsOf(target.records, windowMs / 1000));
    const slices: RequestRecord[][] = Array.from({ length: rounds }, () => []);
    for (const record of target.records) {
      const index = Math.min(rounds - 1, Math.max(0, Math.floor((Date.parse(record.ts) - startMs) / roundMs)));
      (slices[index] as RequestRecord[]).push(record);
    }
    perRound.set(target.name, slices.map((slice) => metricsOf(slice, roundMs / 1000)));
  }

  const rows: DeltaRow[] = DELTA_METRICS.map((metric) => {
    const base = overall.get(baseline)?.[metric.id] ?? null;
    const baseRounds = perRound.get(baseline) ?? [];
    const cells: DeltaCell[] = measured.map((target) => {
      const value = overall.get(target.name)?.[metric.id] ?? null;
      const ownRounds = (perRound.get(target.name) ?? []).map((round) => round[metric.id]);
      const diff = value === null || base === null ? null : value - base;
      // An error count per round is scaled to the run (× rounds), so its interval speaks of the total.
      const scale = metric.id === 'errors' ? rounds : 1;
      const differences = ownRounds.map((own, index) => {
        const other = baseRounds[index]?.[metric.id] ?? null;
        return own === null || other === null ? null : (own - other) * scale;
      });
      const interval = target.name === baseline ? null : roundInterval(differences);
      return {
        target: target.name,
        value: roundOrNull(value),
        diff: roundOrNull(diff),
        pct: diff === null || base === null || base === 0 ? null : round3((diff / base) * 100),
        interval:
          interval === null
            ? null
            : {
                rounds: interval.rounds,
                mean: round3(interval.mean),
                halfWidth: roundOrNull(interval.halfWidth),
                low: roundOrNull(interval.low),
                high: roundOrNull(interval.high),
                stdDev: roundOrNull(interval.stdDev),
              },
        perRound: ownRounds.map(roundOrNull),
      };
    });
    return { metric: metric.id, label: metric.label, unit: metric.unit, better: metric.better, cells };
  });

  const windows = measured.map((target) => targetWindow(target.records)).filter((window): window is { startMs: number; endMs: number } => window !== null);
  const overlap = windowOverlap(windows);
  return {
    baseline,
    rounds,
    windowSeconds: round3(windowMs / 1000),
    roundSeconds: round3(roundMs / 1000),
    overlap: overlap === null ? null : round3(overlap),
    rows,
    notes: fairnessNotes(measured, baseline, overlap),
  };
}

/** Why two targets' figures cannot be compared as they stand, in words. */
function fairnessNotes(targets: readonly TargetRecords[], baseline: string, overlap: number | null): string[] {
  const notes: string[] = [];
  const base = targets.find((target) => target.name === baseline);
  for (const target of targets) {
    if (base !== undefined && target !== base) {
      if (target.model !== base.model) notes.push(`${target.name} asks for model "${target.model}", ${base.name} for "${base.model}": the difference is the models' as much as the paths'`);
      if (target.apiType !== base.apiType) notes.push(`${target.name} speaks ${target.apiType}, ${base.name} ${base.apiType}: different APIs stream and count tokens differently`);
      if (target.stream !== base.stream) notes.push(`${target.name} ${target.stream ? 'streams' : 'does not stream'}, ${base.name} ${base.stream ? 'does' : 'does not'}: TTFT and ITL do not compare`);
    }
    const answered = target.records.filter((record) => record.errorCategory !== 'incomplete');
    const failed = answered.filter((record) => !record.ok).length;
    if (answered.length > 0 && failed / answered.length > MOSTLY_FAILING) {
      notes.push(`${target.name} failed ${failed} of ${answered.length} requests: its latencies describe the few that succeeded`);
    }
    if (answered.length === 0) notes.push(`${target.name} has no measured request: nothing to compare`);
  }
  if (overlap !== null && overlap < MIN_OVERLAP) {
    notes.push(`the targets' windows share only ${Math.round(overlap * 100)}% of the run: they did not see the same moments of the upstream`);
  }
  return notes;
}
