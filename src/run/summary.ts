import type { RunLoadResult } from '../engine/run-load.js';
import type { StopReason } from '../engine/stop-rules.js';
import type { CapabilityReport } from '../model/capability.js';
import type { RunPlan, TargetSpec } from '../model/plan.js';
import type { BurstSummary, RequestRecord, RunConfig, RunStop, Summary } from '../model/summary.js';
import { describeWorkload } from '../model/workload.js';
import { encodingForModel } from '../protocol/tokens.js';
import { identicalRequests } from '../input/workload-options.js';
import { maskHeaders, maskUrl } from '../text/mask.js';

/** A stop asked for from outside the load (Ctrl-C, a library caller, a failed write), with why in words. */
export interface StopRequest {
  reason: StopReason;
  detail: string | null;
}

/** How the load ended, with when (the end of sending) and why in words. */
export function describeStop(plan: RunPlan, result: RunLoadResult, request: StopRequest | null): RunStop {
  const reason = result.outcome.stopReason;
  const { snapshot, startedAt } = result;
  const atMs = reason === 'max-requests' ? snapshot.lastMeasuredEndMs : (snapshot.sendEndMs ?? snapshot.lastMeasuredEndMs);
  const detail =
    reason === 'interrupted'
      ? (request?.detail ?? 'stopped from outside')
      : reason === 'max-requests'
        ? plan.load.burst
          ? `every request of the burst of ${plan.load.burst.users} answered`
          : `--max-requests ${plan.load.maxRequests} reached`
        : 'the planned duration was reached';
  return {
    reason,
    atS: atMs === null ? null : Math.round(atMs) / 1000,
    at: atMs === null ? null : new Date(startedAt.getTime() + atMs).toISOString(),
    detail,
  };
}

/** The run's notes in words, beyond what the figures say themselves. */
export function describeNotes(result: RunLoadResult, plan: RunPlan): string[] {
  const dropped = result.outcome.droppedArrivals;
  // Users stay busy when the server is slow, or when this client could not read the answers in time.
  const remedy =
    result.generator.verdict === 'ok'
      ? 'raise --concurrent-users or lower --rate'
      : `this generator was overloaded too (verdict ${result.generator.verdict}): add --workers, or lower --rate`;
  const notes = dropped > 0 ? [`${dropped} scheduled arrivals were still queued at the stop (every user was busy) and never sent: ${remedy}`] : [];
  const workload = plan.load.workload ?? null;
  const identical = workload === null ? null : identicalRequests(workload, plan.load);
  if (identical !== null) notes.push(identical);
  return notes;
}

export async function summarizeRun(
  plan: RunPlan,
  target: TargetSpec,
  result: RunLoadResult,
  outDir: string,
  precheck: CapabilityReport | undefined,
  stop: RunStop,
): Promise<Summary> {
  const { summarize } = await import('../metrics/summarize.js');
  return {
    ...summarize(result.snapshot, {
      target: { url: maskUrl(target.url), apiType: target.apiType, model: target.model, stream: target.stream, headers: maskHeaders(target.headers) },
      config: describeConfig(plan, target, result.threads),
      startedAt: result.startedAt.toISOString(),
      endedAt: result.endedAt.toISOString(),
      successThreshold: plan.load.successThreshold,
      slo: plan.load.slo,
      generator: result.generator,
      threads: result.threads,
      stop,
      notes: describeNotes(result, plan),
      ...(precheck === undefined ? {} : { precheck }),
    }),
    mode: 'local',
    outDir,
  };
}

/**
 * A burst's summary: one round is summarized like any run; several are re-computed from all their records
 * (each round has its own clock), with the last round's generator health. Either way with the `burst` section.
 */
export async function summarizeBurstRun(
  plan: RunPlan,
  target: TargetSpec,
  last: RunLoadResult,
  run: { records: RequestRecord[]; firstStartedAt: Date; burst: BurstSummary },
  outDir: string,
  precheck: CapabilityReport | undefined,
  stop: RunStop,
): Promise<Summary> {
  if (run.burst.perRound.length === 1) return { ...(await summarizeRun(plan, target, last, outDir, precheck, stop)), burst: run.burst };
  const { summarizeRecords } = await import('../metrics/from-records.js');
  const startedAt = run.firstStartedAt.toISOString();
  const atS = Math.round(last.endedAt.getTime() - run.firstStartedAt.getTime()) / 1000;
  return {
    ...summarizeRecords(run.records, {
      target: { url: maskUrl(target.url), apiType: target.apiType, model: target.model, stream: target.stream, headers: maskHeaders(target.headers) },
      config: describeConfig(plan, target, last.threads),
      startedAt,
      endedAt: last.endedAt.toISOString(),
      successThreshold: plan.load.successThreshold,
      slo: plan.load.slo,
      generator: last.generator,
      threads: last.threads,
      stop: { ...stop, atS, at: last.endedAt.toISOString() },
      notes: [],
      ...(precheck === undefined ? {} : { precheck }),
    }),
    mode: 'local',
    outDir,
    burst: run.burst,
  };
}

/** The run's settings as summary.json keeps them (the load flags, nothing secret). */
function describeConfig(plan: RunPlan, target: TargetSpec, threads: number): RunConfig {
  const load = plan.load;
  return {
    name: load.name,
    concurrentUsers: load.concurrentUsers,
    spawnRate: load.spawnRate,
    durationS: load.durationS,
    warmupS: load.warmupS,
    loadMode: load.loadMode,
    step: load.step,
    rate: load.rate,
    arrival: load.rate === null ? null : load.arrival,
    maxRequests: load.maxRequests,
    workers: threads,
    testData: load.testData,
    successThreshold: load.successThreshold,
    slo: load.slo.map((check) => check.raw),
    timeoutMs: target.timeoutMs,
    idleTimeoutMs: target.idleTimeoutMs,
    ...(load.burst ? { burst: load.burst } : {}),
    ...(load.stages ? { stages: load.stages } : {}),
    ...(load.workload ? { workload: describeWorkload(load.workload, encodingForModel(target.model)) } : {}),
  };
}

/**
 * A stepped (or staged) run's per-step figures and a run's per-scenario figures, from its records (the live
 * recorder keeps neither split).
 */
export async function addSteps(summary: Summary, plan: RunPlan, records: readonly RequestRecord[] | undefined): Promise<Summary> {
  if (records === undefined) return summary;
  let out = summary;
  if (plan.load.loadMode === 'stepped' || (plan.load.stages ?? null) !== null) {
    const { stepsOfRun } = await import('../metrics/steps.js');
    const steps = stepsOfRun(summary, records, plan.load.slo);
    if (steps !== undefined) out = { ...out, steps };
  }
  const scenarios = plan.load.scenarios ?? null;
  if (scenarios !== null) {
    const { summarizeScenarios } = await import('../metrics/scenarios.js');
    const named = scenarios.profile === null ? [{ name: 'default', weight: 1 }] : scenarios.profile.scenarios;
    out = { ...out, scenarios: summarizeScenarios(records, { scenarios: named, measuredSeconds: summary.measuredSeconds, slo: plan.load.slo }) };
  }
  return out;
}
