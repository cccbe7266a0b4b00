import { AppError } from '../failures/errors.js';
import type { LiveStats } from '../engine/live-stats.js';
import type { StopReason } from '../engine/stop-rules.js';
import type { RunLoadResult } from '../engine/run-load.js';
import { peakUsers } from '../engine/schedule.js';
import type { CapabilityReport } from '../model/capability.js';
import { planTargets, type RunPlan, type TargetSpec } from '../model/plan.js';
import type { BurstRound, BurstSummary, RequestRecord, Summary } from '../model/summary.js';
import { maskUrl, targetSecrets } from '../text/mask.js';
import { forecastLoad, type LoadForecast } from './forecast.js';
import { join } from 'node:path';
import { runBurstRounds } from './burst.js';
import { readRunRecords, writeRunFiles } from './reports.js';
import { resolveScenarioSet } from './scenario-set.js';
import { finishLocal, offerServerMetrics, startServerMetrics, type ServerMetricsSession } from './server-metrics.js';
import { addSteps, describeStop, summarizeBurstRun, summarizeRun, type StopRequest } from './summary.js';
import { prepareLoad } from './load-setup.js';

/** How long in-flight requests may finish after a stop or the end of the duration. */
const GRACEFUL_STOP_MS = 5000;
/** Sockets aside, the results file, stdio and Node's own descriptors. */
const SPARE_FILES = 64;

/** What a local run reports as it goes, in this order (warnings and notes where they arise). */
export type LocalRunEvent =
  /**
   * The pre-check request is on its way (url masked): a caller may say it waits, and a stop from here until
   * `precheck` ends the run (INTERRUPTED).
   */
  | { type: 'precheck-start'; url: string; timeoutMs: number; target?: string }
  /** `target`: the target's name, when the run has several. */
  | { type: 'precheck'; capability: CapabilityReport; target?: string }
  /** Before the load: what it will be, and roughly how much at the pre-check's pace. */
  | { type: 'plan'; forecast: LoadForecast }
  /** Each user holds a socket: the users need more open files than the soft limit allows. */
  | { type: 'file-limit'; users: number; neededFiles: number; limit: number }
  /** The load has started (the run folder exists): a caller may stop it from here on. */
  | { type: 'started'; outDir: string; gracefulStopMs: number }
  | { type: 'tick'; live: LiveStats }
  /** Every file is written. */
  | { type: 'done'; summary: Summary; outDir: string }
  /** Open loop: arrivals still queued at the stop (every user was busy), never sent. */
  | { type: 'dropped-arrivals'; count: number }
  /** Burst runs only (rounds count from 1): one request finished (its results.jsonl record). */
  | { type: 'request-done'; round: number; record: RequestRecord }
  /** Burst runs only: a round's figures, once its last request is in. */
  | { type: 'burst-round'; round: number; rounds: number; stats: BurstRound };

export interface RunLocalOptions {
  plan: RunPlan;
  /** Folder that relative paths (test data, --out) are resolved against. */
  cwd: string;
  onEvent?: (event: LocalRunEvent) => void;
  /** Interval of `tick` events once the load has started; null: none (default 1000 ms). */
  tickMs?: number | null;
  /** The soft open-file limit, when the caller knows it (e.g. from /proc/self/limits): checked against the users. */
  openFileLimit?: number | null;
  gracefulStopMs?: number;
  /** A pre-check already made for this target (an experiment's one, before its points): not repeated. */
  precheck?: CapabilityReport;
}

export interface LocalRunResult {
  summary: Summary;
  outDir: string;
  /** Why the load stopped; `interrupted` after a stop('interrupted'). */
  stopReason: StopReason;
  droppedArrivals: number;
}

/** A local run under way: stop it (in-flight requests get the grace period, then everything is written). */
export interface LocalRun {
  readonly done: Promise<LocalRunResult>;
  /** `detail` says why in words, for the summary ("interrupted by SIGINT (Ctrl-C)"). */
  stop(reason?: StopReason, detail?: string): void;
}

/** A stop asked for from outside, as the summary tells it. */
/**
 * A local run, without a terminal: pre-check, load, results.jsonl as requests finish, summary.json and the
 * reports at the end. Bad input (test data, the output folder) is refused before any network. Throws
 * AppError (PrecheckFailedError when the pre-check fails).
 */
export function runLocal(options: RunLocalOptions): LocalRun {
  let stopLoad: ((reason: StopReason) => void) | null = null;
  let stopRequested: StopRequest | null = null;
  // A stop before the pre-check has answered ends the run there (nothing is written); one after it (or
  // with the pre-check skipped) is applied as soon as the load starts, which then writes what it measured.
  const beforeLoad = new AbortController();
  const done = runEachTarget(
    options,
    beforeLoad.signal,
    (stop) => {
      stopLoad = stop;
      if (stopRequested !== null) stop(stopRequested.reason);
    },
    () => stopRequested,
  );
  return {
    done,
    stop: (reason = 'interrupted', detail) => {
      stopRequested ??= { reason, detail: detail ?? null };
      if (stopLoad === null) beforeLoad.abort();
      else stopLoad(reason);
    },
  };
}

/**
 * The one place that reads the plan's targets: one runs here, several side by side in run/targets.ts.
 */
async function runEachTarget(
  options: RunLocalOptions,
  beforeLoad: AbortSignal,
  onStoppable: (stop: (reason: StopReason) => void) => void,
  stopRequest: () => StopRequest | null,
): Promise<LocalRunResult> {
  const targets = planTargets(options.plan);
  const comparison = options.plan.comparison ?? null;
  if (comparison !== null && targets.length > 1) {
    const { runTargets } = await import('./targets.js');
    return runTargets(options, comparison, beforeLoad, onStoppable, stopRequest);
  }
  const [target] = targets;
  if (target === undefined) throw new AppError('INTERNAL', 'a run plan without a target', { category: 'internal' });
  return runTarget(options, target, beforeLoad, onStoppable, stopRequest);
}

async function runTarget(
  options: RunLocalOptions,
  target: TargetSpec,
  beforeLoad: AbortSignal,
  onStoppable: (stop: (reason: StopReason) => void) => void,
  stopRequest: () => StopRequest | null,
): Promise<LocalRunResult> {
  const { plan, cwd } = options;
  const emit = options.onEvent ?? (() => undefined);
  const { writer, startLoad, prompts, outDir } = await prepareLoad(plan, cwd);
  const scenarioSet = await resolveScenarioSet(plan.load, target, cwd);

  let precheck: CapabilityReport | undefined = options.precheck;
  // Without a pre-check we do not know whether the target reports usage: be ready to count tokens.
  let preloadTokenizer = precheck === undefined ? plan.skipPrecheck : !precheck.usageReported;
  if (!plan.skipPrecheck && precheck === undefined) {
    const [{ precheckTarget }, { PrecheckFailedError }] = await Promise.all([import('./target-precheck.js'), import('../failures/precheck-failed.js')]);
    emit({ type: 'precheck-start', url: maskUrl(target.url), timeoutMs: plan.precheckTimeoutMs });
    const result = await precheckTarget(target, plan, beforeLoad, 'the pre-check');
    if (!result.ok) throw new PrecheckFailedError(result.failure);
    const lengths = result.capability;
    precheck = plan.serverMetrics ? lengths : await offerServerMetrics(lengths, target.url, target.insecure);
    preloadTokenizer = !result.capability.usageReported;
    emit({ type: 'precheck', capability: precheck });
  }

  const pace = precheck === undefined ? null : { latencyMs: precheck.latencyMs, outputTokens: precheck.outputTokens };
  emit({ type: 'plan', forecast: forecastLoad({ mode: 'local', load: plan.load, warmupIsDefault: plan.warmupIsDefault, pace }) });
  const users = peakUsers(plan.load);
  const limit = options.openFileLimit ?? null;
  if (limit !== null && users + SPARE_FILES > limit) emit({ type: 'file-limit', users, neededFiles: users + SPARE_FILES, limit });

  writer.createRunDir(outDir);
  // A failed write (a full disk) stops the load: what was measured is kept, then the run says why.
  let stopOnFailure: () => void = () => undefined;
  const results = new writer.ResultsWriter(outDir, { onFailure: () => stopOnFailure() });
  const gracefulStopMs = options.gracefulStopMs ?? GRACEFUL_STOP_MS;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let serverMetrics: ServerMetricsSession | null = null;
  try {
    // Scraped on its own timer and sockets; parsed only after the load (src/server-metrics/).
    serverMetrics = await startServerMetrics(plan.serverMetrics, outDir, targetSecrets(target), plan.load.warmupS);
    const loadOptions = {
      target,
      load: plan.load,
      prompts,
      scenarioSet,
      sink: results,
      secrets: targetSecrets(target),
      gracefulStopMs,
      preloadTokenizer,
      reconcileUsage: true,
    };
    const burst = plan.load.burst ?? null;
    let result: RunLoadResult;
    let burstRun: { records: RequestRecord[]; firstStartedAt: Date; burst: BurstSummary } | null = null;
    if (burst === null) {
      const handle = startLoad(loadOptions);
      emit({ type: 'started', outDir, gracefulStopMs });
      stopOnFailure = () => handle.stop('interrupted');
      if (results.failure !== null) stopOnFailure();
      onStoppable((reason) => handle.stop(reason));
      await handle.started;
      const tickMs = options.tickMs === undefined ? 1000 : options.tickMs;
      if (tickMs !== null) {
        ticker = setInterval(() => emit({ type: 'tick', live: handle.live() }), tickMs);
        ticker.unref();
      }
      result = await handle.done;
    } else {
      // Each request's line is the progress of a burst: no ticks.
      emit({ type: 'started', outDir, gracefulStopMs });
      let failed = false;
      stopOnFailure = () => undefined;
      const run = await runBurstRounds({
        burst,
        startRound: (round, onRecord) => {
          // Several rounds: each its own request ids and cache-bust tags (<run>-r<n>-c…), so a round neither
          // repeats the ids of the one before nor is answered from its prefix cache.
          const own = burst.rounds === 1 ? {} : { requestIdPrefix: `${plan.load.workload?.runId ?? 'run'}-r${round}` };
          const handle = startLoad({ ...loadOptions, onRecord, ...own });
          stopOnFailure = () => {
            failed = true;
            handle.stop('interrupted');
          };
          if (results.failure !== null) stopOnFailure();
          return handle;
        },
        onStoppable,
        shouldStop: () => failed || stopRequest() !== null,
        onRequestDone: (round, record) => emit({ type: 'request-done', round, record }),
        onRoundDone: (round, stats) => emit({ type: 'burst-round', round, rounds: burst.rounds, stats }),
      });
      const last = run.rounds[run.rounds.length - 1];
      const first = run.rounds[0];
      if (last === undefined || first === undefined) throw new AppError('INTERNAL', 'a burst without a round', { category: 'internal' });
      result = last;
      burstRun = { records: run.records, firstStartedAt: first.startedAt, burst: run.burst };
    }
    clearInterval(ticker);
    results.close();
    // A failed write stopped the load from inside: say so, not "stopped from outside".
    const writeStop = results.failure === null ? null : { reason: 'interrupted' as const, detail: `stopped: ${results.failure.message}` };
    const request = stopRequest() ?? writeStop;
    // A burst stopped between rounds: the last round ran to its end, but the run as planned did not.
    const cutShort = burstRun !== null && request !== null && burstRun.burst.perRound.length < burstRun.burst.rounds;
    const stop = cutShort ? { ...describeStop(plan, result, request), reason: 'interrupted' as const, detail: request.detail ?? 'stopped from outside' } : describeStop(plan, result, request);
    // Read once for the per-step figures and the reports' histograms.
    const records = await readRunRecords(results.path);
    const clientSummary = await addSteps(
      burstRun === null
        ? await summarizeRun(plan, target, result, outDir, precheck, stop)
        : await summarizeBurstRun(plan, target, result, burstRun, outDir, precheck, stop),
      plan,
      records,
    );
    const loadStartMs = (burstRun?.firstStartedAt ?? result.startedAt).getTime();
    const summary = serverMetrics === null ? clientSummary : { ...clientSummary, serverMetrics: await finishLocal(serverMetrics, loadStartMs, clientSummary) };
    const writeFailure = results.failure;
    if (writeFailure !== null) {
      // The disk is full: the files are tried (each whole or not at all), the summary is still shown.
      await writeRunFiles(outDir, summary, records).catch(() => undefined);
      emit({ type: 'done', summary, outDir });
      throw writeFailure;
    }
    try {
      await writeRunFiles(outDir, summary, records);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'REPORT_WRITE_FAILED') throw error;
      const path = (error as { path?: unknown }).path;
      throw writer.writeFailedError(typeof path === 'string' ? path : join(outDir, 'summary.json'), error);
    }
    emit({ type: 'done', summary, outDir });
    const { stopReason, droppedArrivals } = result.outcome;
    if (droppedArrivals > 0) emit({ type: 'dropped-arrivals', count: droppedArrivals });
    return { summary, outDir, stopReason, droppedArrivals };
  } finally {
    clearInterval(ticker);
    results.close();
    await serverMetrics?.abandon();
  }
}
