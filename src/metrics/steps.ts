/**
 * Per-step results of a stepped run (docs/metrics.md "Per-step results"), from the run's records alone:
 * each step counts the measured requests sent during it after a settle time, so the requests of users
 * that just joined (and of the step before, still draining) do not blur its figures.
 */
import type { SloCheck, StepOptions } from '../model/plan.js';
import { stageWindows } from '../model/stages.js';
import { stepWindows, type StepWindow } from '../model/stepped.js';
import type { RequestRecord, StepPercentiles, StepResult, Summary } from '../model/summary.js';
import { percentileOfSorted, round3 } from './math.js';
import { meetsSlo } from './recorder.js';

/** At most this long is left out at each step's start… */
export const SETTLE_MAX_S = 2;
/** …and at most this share of the step. */
export const SETTLE_SHARE = 0.2;

/** The settle time of a step of `durationS` seconds: min(2 s, 20 % of the step). */
export function settleSecondsOf(durationS: number): number {
  return Math.min(SETTLE_MAX_S, SETTLE_SHARE * durationS);
}

export interface StepsContext {
  step: StepOptions;
  /** Epoch ms of the run's start (the records' times are told against it). */
  runStartMs: number;
  /** Epoch ms the shape started (the end of warmup: the first step begins here). */
  shapeStartMs: number;
  /** Epoch ms sending stopped (an interrupted run ends its last step early); null: the plan's end. */
  sendEndMs: number | null;
  slo: readonly SloCheck[];
}

/**
 * Each step's figures from the measured records started in its counted span [start + settle, end).
 * Steps the run never reached (after an early stop) are left out. Percentiles are exact (nearest rank)
 * over the step's successful requests; the chunk-gap SLO is not judged here (records keep no gaps).
 */
export function summarizeSteps(records: readonly RequestRecord[], context: StepsContext): StepResult[] {
  return summarizeWindows(records, stepWindows(context.step), context, 'steps');
}

/**
 * Each window's figures: steps leave out their settle time; a profile's stages count every measured
 * request sent in them (no settle), so the stages sum to the run's totals.
 */
export function summarizeWindows(
  records: readonly RequestRecord[],
  windows: readonly StepWindow[],
  context: Omit<StepsContext, 'step'>,
  kind: 'steps' | 'stages',
): StepResult[] {
  const slo = context.slo.filter((check) => check.metric !== 'chunk_gap');
  const buckets: RequestRecord[][] = windows.map(() => []);
  const settlesS = windows.map((window) => (kind === 'stages' ? 0 : settleSecondsOf(window.toS - window.fromS)));
  const spansMs = windows.map((window, i) => {
    const fromMs = context.shapeStartMs + (window.fromS + (settlesS[i] as number)) * 1000;
    const planEndMs = context.shapeStartMs + window.toS * 1000;
    // The last stage takes every request sent until sending stopped (a timer a hair late still counts).
    const toMs = kind === 'stages' && i === windows.length - 1 ? Number.POSITIVE_INFINITY : context.sendEndMs === null ? planEndMs : Math.min(planEndMs, context.sendEndMs);
    return { fromMs: kind === 'stages' && i === 0 ? Number.NEGATIVE_INFINITY : fromMs, toMs };
  });
  for (const record of records) {
    if (record.phase !== 'measure') continue;
    const atMs = Date.parse(record.ts);
    const i = spansMs.findIndex((span) => atMs >= span.fromMs && atMs < span.toMs);
    if (i !== -1) buckets[i]?.push(record);
  }
  const results: StepResult[] = [];
  windows.forEach((window, i) => {
    const span = spansMs[i] as { fromMs: number; toMs: number };
    // The reported span is the plan's (an open end or start above only catches stragglers).
    const planFromMs = context.shapeStartMs + window.fromS * 1000;
    const planToMs = context.shapeStartMs + window.toS * 1000;
    const shown = {
      fromMs: Number.isFinite(span.fromMs) ? span.fromMs : planFromMs,
      toMs: Number.isFinite(span.toMs) ? span.toMs : context.sendEndMs === null ? planToMs : Math.min(planToMs, context.sendEndMs),
    };
    if (shown.toMs <= shown.fromMs) return;
    const result = describeStep(buckets[i] as RequestRecord[], window.index, window.users, window.sustain, shown, settlesS[i] as number, context.runStartMs, slo, kind);
    if (window.rate !== undefined && window.rate !== null) result.rate = window.rate;
    results.push(result);
  });
  return results;
}

function describeStep(
  records: readonly RequestRecord[],
  index: number,
  users: number,
  sustain: boolean,
  span: { fromMs: number; toMs: number },
  settleS: number,
  runStartMs: number,
  slo: readonly SloCheck[],
  kind: 'steps' | 'stages',
): StepResult {
  const spanS = (span.toMs - span.fromMs) / 1000;
  const ok = records.filter((record) => record.ok);
  const incomplete = kind === 'stages' ? records.filter((record) => record.errorCategory === 'incomplete').length : 0;
  const errors: Record<string, number> = {};
  for (const record of records) {
    if (record.ok || (kind === 'stages' && record.errorCategory === 'incomplete')) continue;
    const category = record.errorCategory ?? 'unknown';
    errors[category] = (errors[category] ?? 0) + 1;
  }
  const outputTokens = ok.reduce((sum, record) => sum + (record.outputTokens ?? 0), 0);
  return {
    step: index,
    users,
    sustain,
    startS: round3((span.fromMs - runStartMs) / 1000),
    endS: round3((span.toMs - runStartMs) / 1000),
    settleS: round3(settleS),
    requests: kind === 'stages' ? { ok: ok.length, failed: records.length - ok.length - incomplete, incomplete } : { ok: ok.length, failed: records.length - ok.length },
    rps: round3(ok.length / spanS),
    outputTokensPerSecond: round3(outputTokens / spanS),
    ttft: percentilesOf(ok.map((record) => record.ttftMs)),
    itl: percentilesOf(ok.map((record) => record.itlMs)),
    e2e: percentilesOf(ok.map((record) => record.e2eMs)),
    errors,
    goodput: slo.length === 0 ? null : round3(ok.filter((record) => meetsSlo(slo, record, 0)).length / spanS),
  };
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
export function percentilesOf(values: readonly (number | null)[]): StepPercentiles {
  const sorted = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const at = (p: number): number | null => {
    const value = percentileOfSorted(sorted, p);
    return value === null ? null : round3(value);
  };
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * The steps of a stepped run's summary, from its records; undefined for any other run (or a summary that
 * does not say its steps).
 */
export function stepsOfRun(summary: Summary, records: readonly RequestRecord[], slo: readonly SloCheck[]): StepResult[] | undefined {
  const config = summary.config;
  const stages = config.stages ?? null;
  if (stages !== null && stages.length > 0) {
    const runStartMs = Date.parse(summary.startedAt);
    if (!Number.isFinite(runStartMs) || stages.length > MAX_STEPS) return undefined;
    const shapeStartMs = runStartMs + (summary.measureStartS ?? 0) * 1000;
    const stopAtMs = summary.stop?.at === null || summary.stop?.at === undefined ? Number.NaN : Date.parse(summary.stop.at);
    const sendEndMs = Number.isFinite(stopAtMs) ? stopAtMs : shapeStartMs + summary.measuredSeconds * 1000;
    return summarizeWindows(records, stageWindows(stages, config.concurrentUsers ?? 0), { runStartMs, shapeStartMs, sendEndMs, slo }, 'stages');
  }
  if (config.loadMode !== 'stepped' || config.step === undefined || config.step === null || !isSane(config.step)) return undefined;
  const runStartMs = Date.parse(summary.startedAt);
  if (!Number.isFinite(runStartMs)) return undefined;
  const shapeStartMs = runStartMs + (summary.measureStartS ?? 0) * 1000;
  const stopAtMs = summary.stop?.at === null || summary.stop?.at === undefined ? Number.NaN : Date.parse(summary.stop.at);
  const sendEndMs = Number.isFinite(stopAtMs) ? stopAtMs : shapeStartMs + summary.measuredSeconds * 1000;
  return summarizeSteps(records, { step: config.step, runStartMs, shapeStartMs, sendEndMs, slo });
}

/** Far more steps than a run can have (users are capped well below): a summary.json beyond it was not written by a run. */
const MAX_STEPS = 100_000;

/** A step plan from a file may be damaged or crafted: one that would loop forever or absurdly long is not used. */
function isSane(step: StepOptions): boolean {
  const { startUsers, maxUsers, increment, durationS } = step;
  if (![startUsers, maxUsers, increment, durationS].every(Number.isFinite)) return false;
  return increment >= 1 && durationS > 0 && maxUsers >= startUsers && (maxUsers - startUsers) / increment <= MAX_STEPS;
}
