import { join } from 'node:path';
import { inputError } from '../failures/errors.js';
import type { CapabilityReport } from '../model/capability.js';
import type { SweepKind, SweepPoint, SweepStopReason, SweepSummary } from '../model/experiment.js';
import type { RunPlan } from '../model/plan.js';
import type { Summary } from '../model/summary.js';
import { TOOL_VERSION } from '../version.js';
import { maskUrl } from '../text/mask.js';
import { fitsBudget, planSweepCost, type SweepCost } from '../metrics/sweep-budget.js';
import { findKnee, nextKneeProbe } from '../metrics/sweep-knee.js';
import { nextRung, type LadderRules } from '../metrics/sweep-ladder.js';
import { answerSlo, bestPoint, nextBisectLoad } from '../metrics/sweep-slo.js';
import { precheckOnce } from './experiment-precheck.js';
import { refuseSeveralTargets, startPoint, type PointRun } from './point-run.js';

/** Defaults of `llm-loadtest sweep` (docs/experiments.md "Sweep"). */
export const SWEEP_DEFAULTS = {
  start: 1,
  maxUsers: 256,
  maxRate: 1000,
  minGainPct: 25,
  latencyFactor: 5,
  maxErrorRate: 0.1,
  settleS: 2,
  pointDurationS: 20,
} as const;

export interface SweepOptions {
  /** The target, SLOs, timeouts and test data; each point replaces its load with a fixed one. */
  plan: RunPlan;
  cwd: string;
  kind: SweepKind;
  /** The loads to measure (`--users` / `--rates`); null: start at `start` and double. */
  given?: readonly number[] | null;
  start?: number;
  /** The most users (or rate) a chosen ladder goes to. */
  maxLoad?: number;
  minGainPct?: number;
  latencyFactor?: number;
  maxErrorRate?: number;
  /** Seconds left out at each point's start (its warmup). */
  settleS?: number;
  /** Measured seconds of each point. */
  pointDurationS?: number;
  /** Narrow the knee between its neighbours, and the SLO answer between its passing and failing points. */
  bisect?: boolean;
  /** Seconds the whole sweep may take (the pre-check aside); null: none. */
  budgetS?: number | null;
  onEvent?: (event: SweepEvent) => void;
}

export type SweepEvent =
  | { type: 'precheck-start'; url: string; timeoutMs: number }
  | { type: 'precheck'; capability: CapabilityReport }
  /** Before the first point: what the sweep will cost at most. */
  | { type: 'plan'; cost: SweepCost; outDir: string }
  | { type: 'point-start'; index: number; load: number; source: SweepPoint['source'] }
  | { type: 'point'; index: number; point: SweepPoint }
  | { type: 'done'; summary: SweepSummary; outDir: string };

export interface SweepRun {
  readonly done: Promise<{ summary: SweepSummary; outDir: string }>;
  /** Ends the point under way (it still writes what it measured) and the sweep with it. */
  stop(): void;
}

/**
 * A sweep: one pre-check, then one local run per point (each its own run folder under `points/`), the
 * ladder and bisection deciding the next load, the budget checked before each point; summary.json,
 * sweep.csv and report.html in the sweep folder at the end. Throws AppError (PrecheckFailedError).
 */
export function runSweep(options: SweepOptions): SweepRun {
  let current: PointRun | null = null;
  let stopped = false;
  const done = sweep(options, (point) => (current = point), () => stopped);
  return {
    done,
    stop: () => {
      stopped = true;
      current?.stop('interrupted');
    },
  };
}

async function sweep(options: SweepOptions, onPoint: (point: PointRun | null) => void, isStopped: () => boolean): Promise<{ summary: SweepSummary; outDir: string }> {
  const { plan, cwd, kind } = options;
  refuseSeveralTargets(plan, 'sweep');
  const emit = options.onEvent ?? (() => undefined);
  const settleS = options.settleS ?? SWEEP_DEFAULTS.settleS;
  const durationS = options.pointDurationS ?? SWEEP_DEFAULTS.pointDurationS;
  const rules: LadderRules = {
    kind,
    given: options.given ?? null,
    start: options.start ?? SWEEP_DEFAULTS.start,
    maxLoad: options.maxLoad ?? (kind === 'users' ? SWEEP_DEFAULTS.maxUsers : SWEEP_DEFAULTS.maxRate),
    minGainPct: options.minGainPct ?? SWEEP_DEFAULTS.minGainPct,
    latencyFactor: options.latencyFactor ?? SWEEP_DEFAULTS.latencyFactor,
    maxErrorRate: options.maxErrorRate ?? SWEEP_DEFAULTS.maxErrorRate,
  };
  const slo = plan.load.slo.map((check) => check.raw);
  const refineKnee = options.bisect ?? false;
  const bisect = refineKnee && slo.length > 0;
  const budgetS = options.budgetS ?? null;
  const cost = planSweepCost({ kind, given: rules.given, start: rules.start, maxLoad: rules.maxLoad, settleS, durationS, bisect, refineKnee, budgetS });

  if (budgetS !== null && budgetS < cost.pointS) {
    throw inputError('INVALID_FLAG_VALUE', `--budget ${budgetS} s is less than one point of the sweep (${cost.pointS} s: ${settleS} s settle + ${durationS} s measured + ~1 s)`, 'raise --budget, or shorten --point-duration / --settle');
  }
  const writer = await import('../engine/results-writer.js');
  const outDir = writer.resolveRunDir({ outDir: plan.output.outDir, name: `sweep-${plan.load.name}`, cwd });
  const capability = plan.skipPrecheck ? undefined : await precheckOnce(plan.target, plan.precheckTimeoutMs, emit);
  writer.createRunDir(outDir);
  emit({ type: 'plan', cost, outDir });

  const startedAt = new Date();
  const spentS = (): number => (Date.now() - startedAt.getTime()) / 1000;
  const points: SweepPoint[] = [];
  const measure = async (load: number, source: SweepPoint['source']): Promise<void> => {
    const index = points.length + 1;
    emit({ type: 'point-start', index, load, source });
    const name = `${String(index).padStart(2, '0')}-${kind === 'users' ? 'u' : 'r'}${load}`;
    const run = startPoint(
      plan,
      {
        users: kind === 'users' ? load : plan.load.concurrentUsers,
        rate: kind === 'rate' ? load : null,
        settleS,
        durationS,
        outDir: join(outDir, 'points', name),
        name: `${plan.load.name} ${kind === 'users' ? `${load} users` : `${load} rps`}`,
      },
      cwd,
      capability,
    );
    onPoint(run);
    const summary = await run.done;
    onPoint(null);
    const point = pointOf(summary, load, source, settleS, durationS, slo.length > 0);
    points.push(point);
    emit({ type: 'point', index, point });
  };

  let stop: { reason: SweepStopReason; detail: string } | null = null;
  const outOfBudget = (): boolean => {
    if (fitsBudget(spentS(), cost.pointS, budgetS)) return false;
    stop = { reason: 'budget', detail: `${Math.round(spentS())} s spent of the budget of ${budgetS} s: no room for another point of ${cost.pointS} s` };
    return true;
  };
  while (stop === null) {
    if (isStopped()) {
      stop = { reason: 'interrupted', detail: 'stopped from outside' };
      break;
    }
    const step = nextRung(points, rules);
    if ('stop' in step) {
      stop = { reason: step.stop, detail: step.detail };
      break;
    }
    if (outOfBudget()) break;
    await measure(step.next, 'ladder');
  }
  // Knee probes, then the SLO bisection; out of budget either ends, the ladder's reason for stopping stays.
  while (refineKnee && !isStopped() && fitsBudget(spentS(), cost.pointS, budgetS)) {
    const probe = nextKneeProbe(points, kind);
    if (probe === null) break;
    await measure(probe, 'knee');
  }
  while (bisect && !isStopped()) {
    const answer = answerSlo(points, slo, bisect, kind);
    if (answer.maxLoad === null || answer.firstFailingLoad === null) break;
    const mid = nextBisectLoad(answer.maxLoad, answer.firstFailingLoad, kind);
    if (mid === null || points.some((point) => point.load === mid)) break;
    if (!fitsBudget(spentS(), cost.pointS, budgetS)) break;
    await measure(mid, 'bisect');
  }
  if (isStopped()) stop = { reason: 'interrupted', detail: 'stopped from outside' };

  const summary: SweepSummary = {
    tool: 'llm-loadtest',
    version: TOOL_VERSION,
    kind: 'sweep',
    sweepOver: kind,
    target: { url: maskUrl(plan.target.url), apiType: plan.target.apiType, model: plan.target.model },
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    points,
    stop: stop ?? { reason: 'ladder-done', detail: 'the ladder ended' },
    knee: findKnee(points),
    best: bestPoint(points),
    answer: slo.length === 0 ? null : answerSlo(points, slo, bisect, kind),
    budget: { budgetS, plannedS: cost.plannedS, spentS: Math.round(spentS() * 10) / 10, plan: cost.plan },
  };
  const { writeSweepFiles } = await import('./experiment-files.js');
  await writeSweepFiles(outDir, summary);
  emit({ type: 'done', summary, outDir });
  return { summary, outDir };
}

/** A point's figures from its run's summary (percentiles of the measured window, the settle time left out). */
export function pointOf(summary: Summary, load: number, source: SweepPoint['source'], settleS: number, durationS: number, withSlo: boolean): SweepPoint {
  const { ok, failed } = summary.requests;
  const sloChecks = summary.thresholds.checks.filter((check) => check.name !== 'success_rate');
  const { ttft, e2e } = summary.latency;
  return {
    load,
    source,
    rps: summary.rps,
    outputTokensPerSecond: summary.tokens.outputPerSecond,
    ttftMs: { p50: ttft.p50, p95: ttft.p95, p99: ttft.p99 },
    e2eMs: { p50: e2e.p50, p95: e2e.p95, p99: e2e.p99 },
    requests: { ok, failed },
    errorRate: ok + failed === 0 ? 0 : failed / (ok + failed),
    goodput: summary.goodput,
    sloPassed: withSlo ? sloChecks.every((check) => check.result !== 'failed' && (check.result !== undefined || check.passed)) : null,
    outDir: summary.outDir ?? '',
    settleS,
    durationS,
  };
}
