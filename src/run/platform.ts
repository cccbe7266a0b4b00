import { AppError } from '../failures/errors.js';
import { readInputFile } from '../input/body.js';
import { steppedTotalS } from '../model/stepped.js';
import type { RunPlan, SloCheck } from '../model/plan.js';
import type { PlatformClient } from '../platform/client.js';
import { checkPlatformThresholds, summarizeResultRows, type PlatformFigures, type PlatformThresholds } from '../platform/figures.js';
import { followTask, type FollowOutcome, type FollowRetry } from '../platform/follow.js';
import { checkTestDataText } from '../platform/payload.js';
import type { ResultRow, TaskStatus } from '../platform/schema.js';
import { submitTask, type SubmitEvent, type SubmittedTask } from '../platform/submit.js';
import { forecastLoad, type LoadForecast } from './forecast.js';
import { scrapeWhileFollowing } from './server-metrics.js';
import type { ServerMetricsSummary } from '../model/server-metrics.js';
import { targetSecrets } from '../text/mask.js';

/**
 * How long we wait for the platform's pre-check: it reads a streamed answer for up to 120 s itself, plus
 * its own overhead. Bounded, so a platform that hangs on this call cannot hold us for ever.
 */
const PLATFORM_PRECHECK_WAIT_MS = 130_000;

/** What a platform run reports as it goes: the submit steps, the task, then its statuses while followed. */
export type PlatformRunEvent =
  | { type: 'submit'; step: SubmitEvent }
  /** Before the task is created: the load it will be, roughly how much at the pre-check's pace. */
  | { type: 'plan'; forecast: LoadForecast }
  | { type: 'submitted'; task: SubmittedTask }
  | { type: 'status'; status: TaskStatus; elapsedMs: number }
  /** A status or results read failed while following and is retried. */
  | { type: 'retry'; retry: FollowRetry };

export interface RunPlatformOptions {
  plan: RunPlan;
  client: PlatformClient;
  /** Folder that a relative --test-data path is resolved against. */
  cwd: string;
  onEvent?: (event: PlatformRunEvent) => void;
  /** Status poll interval while following (3 s). */
  pollIntervalMs?: number;
}

/** The checks a task's figures are held to: the run's, or the `results` command's flags. */
export interface PlatformChecks {
  successThreshold: number | null;
  slo: readonly SloCheck[];
}

/** A finished task's figures from its result rows, or why there are none. */
export interface PlatformResults {
  status: string;
  figures: PlatformFigures | null;
  /** Why figures is null. */
  note: string | null;
  /** Null when nothing was checked (no checks, or no figures). */
  thresholds: PlatformThresholds | null;
  /** `run --wait --server-metrics`: the server's side, scraped from this machine, and the file of its series. */
  serverMetrics?: ServerMetricsSummary;
  serverMetricsFile?: string;
}

/** How following went: the results, or `followed: false` when the token may not read the task (403). */
export type FollowResult = { followed: true; results: PlatformResults } | { followed: false; reason: string };

export interface PlatformRunResult {
  task: SubmittedTask;
  /** Null when the plan does not wait for the task (no --wait). */
  follow: FollowResult | null;
}

/** A platform run under way: stop() stops following (the task keeps running on the platform). */
export interface PlatformRun {
  readonly done: Promise<PlatformRunResult>;
  stop(): void;
}

/**
 * Platform mode, without a terminal: submit the task (health, profile, pre-check through the platform,
 * create) and, when the plan waits, follow it to its end and read its figures. Throws AppError (a failed
 * pre-check: PrecheckFailedError; a failed or stopped task; a stop while following: INTERRUPTED).
 */
export function runPlatform(options: RunPlatformOptions): PlatformRun {
  const abort = new AbortController();
  const done = (async (): Promise<PlatformRunResult> => {
    const { plan, client } = options;
    const emit = options.onEvent ?? (() => undefined);
    const testData = await readTestDataFile(plan.load.testData, options.cwd);
    const task = await submitTask({
      client,
      plan,
      testData,
      precheckTimeoutMs: PLATFORM_PRECHECK_WAIT_MS,
      onEvent: (step) => {
        emit({ type: 'submit', step });
        if (step.step === 'precheck' || step.step === 'precheck-skipped') {
          // The platform's answer carries no token counts: the pace is the time of its round trip.
          const pace = step.step === 'precheck' && step.precheck.ok ? { latencyMs: step.latencyMs, outputTokens: null } : null;
          // A failed pre-check ends the run here (submitTask throws): there is no plan to say.
          const failed = step.step === 'precheck' && !step.precheck.ok && step.precheck.category !== null;
          if (!failed) emit({ type: 'plan', forecast: forecastLoad({ mode: 'platform', load: plan.load, warmupIsDefault: plan.warmupIsDefault, pace }) });
        }
      },
    });
    emit({ type: 'submitted', task });
    if (!plan.wait) return { task, follow: null };
    // --server-metrics: this machine scrapes the server while the platform's engine loads it.
    const follow = await scrapeWhileFollowing(plan.serverMetrics, targetSecrets(plan.target), () =>
      followPlatformTask(client, task.taskId, {
        checks: plan.load,
        signal: abort.signal,
        onStatus: (status, elapsedMs) => emit({ type: 'status', status, elapsedMs }),
        onRetry: (retry) => emit({ type: 'retry', retry }),
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      }),
    );
    return { task, follow };
  })();
  return { done, stop: () => abort.abort() };
}

export interface FollowPlatformTaskOptions {
  checks: PlatformChecks | null;
  signal?: AbortSignal;
  pollIntervalMs?: number;
  onStatus?: (status: TaskStatus, elapsedMs: number) => void;
  onRetry?: (retry: FollowRetry) => void;
}

/**
 * Follow a task to its end (shared by `run --wait` and `results --wait`), then its figures and checks.
 * `failed` / `stopped` throw (exit 4).
 */
export async function followPlatformTask(client: PlatformClient, taskId: string, options: FollowPlatformTaskOptions): Promise<FollowResult> {
  const outcome = await followTask({
    client,
    taskId,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.onStatus === undefined ? {} : { onStatus: options.onStatus }),
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
  });
  if (!outcome.followed) return { followed: false, reason: outcome.reason };
  throwIfUnsuccessful(outcome, taskId, client.reportUrl(taskId));
  return { followed: true, results: buildPlatformResults(outcome.status, outcome.rows, outcome.resultsNote, options.checks) };
}

/** Final figures and checks from the result rows (shared with `llm-loadtest results`). */
export function buildPlatformResults(status: string, rows: ResultRow[] | null, note: string | null, checks: PlatformChecks | null): PlatformResults {
  if (rows === null) return { status, figures: null, note: note ?? 'the task has no result rows', thresholds: null };
  const figures = summarizeResultRows(rows);
  return { status, figures, note: null, thresholds: checks === null ? null : checkPlatformThresholds(figures, checks) };
}

/** Warmup (+3 s cooldown) and the load: what the platform's engine will take, roughly (plus its drain). */
export function expectedRunS(plan: RunPlan): number {
  const loadS = plan.load.loadMode === 'stepped' && plan.load.step !== null ? steppedTotalS(plan.load.step) : plan.load.durationS;
  return (plan.load.warmupS > 0 ? plan.load.warmupS + 3 : 0) + loadS;
}

/** docs/platform.md step 7: `failed` → 4 with the platform's message; `stopped` → 4. */
function throwIfUnsuccessful(outcome: Extract<FollowOutcome, { followed: true }>, taskId: string, reportUrl: string): void {
  if (outcome.status === 'failed') {
    throw new AppError('PLATFORM_TASK_FAILED', `the task failed on the platform: ${outcome.errorMessage ?? 'no reason given'}`, {
      category: 'platform_error',
      hint: `see ${reportUrl}; a task that fails at once often has a model name or payload the engine refuses`,
      details: { taskId, reportUrl, status: outcome.status },
    });
  }
  if (outcome.status === 'stopped') {
    throw new AppError('PLATFORM_TASK_STOPPED', 'the task was stopped before it finished', {
      category: 'platform_error',
      hint: `someone (or \`llm-loadtest stop ${taskId}\`) stopped it; stopped tasks keep no result rows: see ${reportUrl}`,
      details: { taskId, reportUrl, status: outcome.status },
    });
  }
}

/**
 * `--test-data` for the platform: "" and "default" pass through; anything else is a prompts file read and
 * checked here, so a bad file fails before any request.
 */
export async function readTestDataFile(testData: string, cwd: string): Promise<string> {
  if (testData === '' || testData === 'default') return testData;
  return checkTestDataText(testData, await readInputFile(testData, cwd, '--test-data'));
}
