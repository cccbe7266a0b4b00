import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../failures/errors.js';
import type { PrecheckFailure } from '../failures/precheck-failed.js';
import type { LiveStats } from '../engine/live-stats.js';
import type { LoadHandle, RunLoadResult } from '../engine/run-load.js';
import type { StopReason } from '../engine/stop-rules.js';
import type { CapabilityReport } from '../model/capability.js';
import type { TargetOutcome } from '../model/comparison.js';
import type { ComparisonPlan, NamedTarget } from '../model/plan.js';
import type { RequestRecord, Summary } from '../model/summary.js';
import { maskUrl, targetSecrets } from '../text/mask.js';
import { forecastLoad } from './forecast.js';
import type { LocalRunResult, RunLocalOptions } from './local.js';
import { readRunRecords, writeRunFiles } from './reports.js';
import { resolveScenarioSet } from './scenario-set.js';
import { addSteps, describeStop, summarizeRun, type StopRequest } from './summary.js';
import { prepareLoad } from './load-setup.js';

const GRACEFUL_STOP_MS = 5000;

/** A target that passed its pre-check (or had none), with what the load needs. */
interface ReadyTarget extends NamedTarget {
  precheck: CapabilityReport | undefined;
  preloadTokenizer: boolean;
}

/**
 * Several targets side by side (docs/architecture.md "Several targets"): one pre-check per target, then
 * one engine per target, all started together with the same load, so every target sees the same moments
 * of the upstream; each writes targets/<name>/results.jsonl. At the end each target gets its own summary
 * and reports, and the run folder a summary.json (the baseline's figures, `targets` and the delta table)
 * and reports with the comparison.
 */
export async function runTargets(
  options: RunLocalOptions,
  comparison: ComparisonPlan,
  beforeLoad: AbortSignal,
  onStoppable: (stop: (reason: StopReason) => void) => void,
  stopRequest: () => StopRequest | null,
): Promise<LocalRunResult> {
  const { plan, cwd } = options;
  const emit = options.onEvent ?? (() => undefined);
  const { writer, startLoad, prompts, outDir } = await prepareLoad(plan, cwd);

  const { ready, dropped } = await precheckAll(options, comparison, beforeLoad);
  const notes: string[] = dropped.map(({ named, failure }) => `${named.name} was dropped: its pre-check failed (${failure.category}${failure.status === null ? '' : `, HTTP ${failure.status}`}: ${failure.message})`);
  let baseline = comparison.baseline;
  if (!ready.some((target) => target.name === baseline)) {
    const first = ready[0] as ReadyTarget;
    notes.push(`the baseline ${baseline} was dropped: ${first.name} is the baseline instead`);
    baseline = first.name;
  }
  // Each target its own scenario bodies (its API and model shape them), the same scenarios for all.
  const scenarioSets = await Promise.all(ready.map((target) => resolveScenarioSet(plan.load, target.target, cwd)));
  const pace = ready[0]?.precheck === undefined ? null : { latencyMs: ready[0].precheck.latencyMs, outputTokens: ready[0].precheck.outputTokens };
  emit({ type: 'plan', forecast: forecastLoad({ mode: 'local', load: plan.load, warmupIsDefault: plan.warmupIsDefault, pace }) });

  writer.createRunDir(outDir);
  const gracefulStopMs = options.gracefulStopMs ?? GRACEFUL_STOP_MS;
  const writers = ready.map((target) => {
    const dir = join(outDir, 'targets', target.name);
    mkdirSync(dir, { recursive: true });
    return new writer.ResultsWriter(dir, { onFailure: () => stopAll('interrupted') });
  });
  let handles: LoadHandle[] = [];
  const stopAll = (reason: StopReason): void => {
    for (const handle of handles) handle.stop(reason);
  };
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    // Every engine is started with the same load and opens its connections (workers boot); once all are
    // ready their clocks start together, so the schedules line up.
    let readyEngines = 0;
    let openGate: () => void = () => undefined;
    const startGate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const onReady = (): void => {
      readyEngines += 1;
      if (readyEngines === ready.length) openGate();
    };
    handles = ready.map((target, index) =>
      startLoad({
        target: target.target,
        load: plan.load,
        prompts,
        scenarioSet: scenarioSets[index] ?? null,
        sink: writers[index] as InstanceType<typeof writer.ResultsWriter>,
        secrets: targetSecrets(target.target),
        gracefulStopMs,
        preloadTokenizer: target.preloadTokenizer,
        reconcileUsage: true,
        requestIdPrefix: requestIdPrefix(plan, target.name),
        onReady,
        startGate,
      }),
    );
    // An engine that fails before it is ready would hold the others at the gate: open it and stop them.
    for (const handle of handles) {
      handle.done.catch(() => {
        openGate();
        stopAll('interrupted');
      });
    }
    emit({ type: 'started', outDir, gracefulStopMs });
    if (writers.some((results) => results.failure !== null)) stopAll('interrupted');
    onStoppable(stopAll);
    await Promise.all(handles.map((handle) => handle.started));
    const tickMs = options.tickMs === undefined ? 1000 : options.tickMs;
    if (tickMs !== null) {
      ticker = setInterval(() => emit({ type: 'tick', live: mergeLive(handles.map((handle) => handle.live())) }), tickMs);
      ticker.unref();
    }
    const results = await Promise.all(handles.map((handle) => handle.done));
    clearInterval(ticker);
    for (const results of writers) results.close();
    const failure = writers.find((results) => results.failure !== null)?.failure ?? null;
    const request = stopRequest() ?? (failure === null ? null : { reason: 'interrupted' as const, detail: `stopped: ${failure.message}` });

    const perTarget: Array<{ target: ReadyTarget; summary: Summary; records: RequestRecord[] }> = [];
    for (const [index, target] of ready.entries()) {
      const result = results[index] as RunLoadResult;
      const dir = join(outDir, 'targets', target.name);
      const records = (await readRunRecords(join(dir, 'results.jsonl'))) ?? [];
      // Its own files say whose they are: the run's name with the target's.
      const own = { ...plan, load: { ...plan.load, name: `${plan.load.name} · ${target.name}` } };
      const summary = await addSteps(await summarizeRun(own, target.target, result, dir, target.precheck, describeStop(plan, result, request)), plan, records);
      await writeRunFiles(dir, summary, records);
      perTarget.push({ target, summary, records });
    }
    if (failure !== null) throw failure;

    const [{ compareTargets, failuresByLayer, targetWindow }, { gatewayFigures }] = await Promise.all([
      import('../metrics/target-comparison.js'),
      import('../metrics/gateway-figures.js'),
    ]);
    const table = compareTargets(
      perTarget.map(({ target, records }) => ({ name: target.name, records, model: target.target.model, apiType: target.target.apiType, stream: target.target.stream })),
      baseline,
      comparison.rounds,
    );
    table.notes.unshift(...notes);
    const outcomes: TargetOutcome[] = comparison.targets.map((named) => {
      const ran = perTarget.find((entry) => entry.target.name === named.name);
      const base = { name: named.name, url: maskUrl(named.target.url), apiType: named.target.apiType, model: named.target.model, dir: `targets/${named.name}` };
      if (ran === undefined) {
        const lost = dropped.find((entry) => entry.named.name === named.name);
        return { ...base, status: 'dropped', ...(lost === undefined ? {} : { precheckFailure: lost.failure }), requests: null, window: { start: null, end: null }, failuresByLayer: null, gateway: null, thresholdsPassed: null };
      }
      const window = targetWindow(ran.records);
      return {
        ...base,
        status: 'ran',
        requests: ran.summary.requests,
        window: { start: window === null ? null : new Date(window.startMs).toISOString(), end: window === null ? null : new Date(window.endMs).toISOString() },
        failuresByLayer: failuresByLayer(ran.records),
        gateway: gatewayFigures(ran.records),
        thresholdsPassed: ran.summary.thresholds.passed,
      };
    });
    const summary = combine(baseline, perTarget.map(({ target, summary: own }) => ({ name: target.name, summary: own })), outcomes, table, outDir);
    await writeRunFiles(outDir, summary, perTarget.find((entry) => entry.target.name === baseline)?.records);
    emit({ type: 'done', summary, outDir });
    const outcome = (results[ready.findIndex((target) => target.name === baseline)] as RunLoadResult).outcome;
    return { summary, outDir, stopReason: outcome.stopReason, droppedArrivals: results.reduce((sum, result) => sum + result.outcome.droppedArrivals, 0) };
  } finally {
    clearInterval(ticker);
    for (const results of writers) results.close();
  }
}

/** Each target's pre-check, all at once; a failure stops the run or drops the target (--on-target-failure). */
async function precheckAll(
  options: RunLocalOptions,
  comparison: ComparisonPlan,
  beforeLoad: AbortSignal,
): Promise<{ ready: ReadyTarget[]; dropped: Array<{ named: NamedTarget; failure: PrecheckFailure }> }> {
  const { plan } = options;
  const emit = options.onEvent ?? (() => undefined);
  if (plan.skipPrecheck) return { ready: comparison.targets.map((named) => ({ ...named, precheck: undefined, preloadTokenizer: true })), dropped: [] };
  const [{ precheckTarget }, { PrecheckFailedError }] = await Promise.all([import('./target-precheck.js'), import('../failures/precheck-failed.js')]);
  const results = await Promise.all(
    comparison.targets.map((named) => {
      emit({ type: 'precheck-start', url: maskUrl(named.target.url), timeoutMs: plan.precheckTimeoutMs, target: named.name });
      return precheckTarget(named.target, plan, beforeLoad, 'the pre-checks', requestIdPrefix(plan, named.name));
    }),
  );
  const ready: ReadyTarget[] = [];
  const dropped: Array<{ named: NamedTarget; failure: PrecheckFailure }> = [];
  for (const [index, result] of results.entries()) {
    const named = comparison.targets[index] as NamedTarget;
    if (result.ok) {
      emit({ type: 'precheck', capability: result.capability, target: named.name });
      ready.push({ ...named, precheck: result.capability, preloadTokenizer: !result.capability.usageReported });
      continue;
    }
    const failure = { ...result.failure, message: `target ${named.name}: ${result.failure.message}` };
    if (comparison.onTargetFailure === 'stop') throw new PrecheckFailedError(failure);
    dropped.push({ named, failure });
  }
  const first = dropped[0];
  if (ready.length === 0 && first !== undefined) throw new PrecheckFailedError({ ...first.failure, hint: `every target's pre-check failed; ${first.failure.hint}` });
  return { ready, dropped };
}

/**
 * The run folder's summary: the baseline's figures (so every reader of a one-target summary still works),
 * with `targets` and `comparison`. The run passes when every target passed its checks: another target's
 * failed checks join the baseline's, named `<target>: <check>`.
 */
function combine(
  baseline: string,
  summaries: ReadonlyArray<{ name: string; summary: Summary }>,
  targets: TargetOutcome[],
  comparison: Summary['comparison'] & object,
  outDir: string,
): Summary {
  const own = summaries.find((entry) => entry.name === baseline)?.summary;
  if (own === undefined) throw new AppError('INTERNAL', `no summary of the baseline ${baseline}`, { category: 'internal' });
  const othersFailed = summaries
    .filter((entry) => entry.name !== baseline)
    .flatMap((entry) => entry.summary.thresholds.checks.filter((check) => check.result === 'failed' || (check.result === undefined && !check.passed)).map((check) => ({ ...check, name: `${entry.name}: ${check.name}` })));
  const passed = own.thresholds.passed && othersFailed.length === 0;
  return {
    ...own,
    thresholds: { passed, checks: [...own.thresholds.checks, ...othersFailed] },
    ...(own.verdict === undefined || own.verdict === 'interrupted' ? {} : { verdict: passed ? 'passed' : 'failed' }),
    outDir,
    targets,
    comparison,
  };
}

/**
 * Each target's `x-request-id` prefix, `<run>-<target>`: two targets behind one server (a gateway and the
 * server itself) must not send the same ids. The run id alone still seeds the prompts, so every target
 * gets the same ones.
 */
function requestIdPrefix(plan: RunLocalOptions['plan'], name: string): string {
  return `${plan.load.workload?.runId ?? 'run'}-${name}`;
}

/** One progress line for all targets: their counts added up. */
function mergeLive(all: LiveStats[]): LiveStats {
  const [first] = all;
  if (first === undefined) throw new AppError('INTERNAL', 'no load to report', { category: 'internal' });
  return all.slice(1).reduce<LiveStats>(
    (sum, live) => ({
      ...sum,
      elapsedMs: Math.max(sum.elapsedMs, live.elapsedMs),
      users: sum.users + live.users,
      inFlight: sum.inFlight + live.inFlight,
      started: sum.started + live.started,
      finished: sum.finished + live.finished,
      failed: sum.failed + live.failed,
      windowFinished: sum.windowFinished + live.windowFinished,
      windowOutputTokens: sum.windowOutputTokens + live.windowOutputTokens,
      recentTtftMs: [...sum.recentTtftMs, ...live.recentTtftMs],
      stopping: sum.stopping ?? live.stopping,
    }),
    first,
  );
}
