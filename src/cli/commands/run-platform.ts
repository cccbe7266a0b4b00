import { AppError, inputError } from '../../failures/errors.js';
import { ExitCode } from '../../failures/exit-codes.js';
import type { RunPlan, SloCheck } from '../../model/plan.js';
import { secretValues } from '../../text/mask.js';
import { createPlatformClient, type PlatformClient } from '../../platform/client.js';
import { checkPlatformThresholds, summarizeResultRows, type PlatformThresholds } from '../../platform/figures.js';
import { followTask, type FollowOutcome } from '../../platform/follow.js';
import { readTestDataFile } from '../../platform/payload.js';
import { steppedTotalS } from '../../input/stepped.js';
import { isTerminalStatus, type ResultRow } from '../../platform/schema.js';
import { describePrecheck, formatElapsed, renderFigures, renderSubmitted } from '../../platform/render.js';
import { submitTask, type SubmitEvent, type SubmittedTask } from '../../platform/submit.js';
import { createStyle, type CliContext } from '../io.js';

/** Knobs tests turn down; the defaults are the real ones. */
export interface RunPlatformOptions {
  /** Status poll interval of --wait (3 s). */
  pollIntervalMs?: number;
  /** Pause before a read is retried (500 ms × attempt). */
  retryDelayMs?: number;
  /** Per platform request (60 s). */
  timeoutMs?: number;
}

/**
 * Platform mode of `run` (platform.md steps 1-7): submit the task, print API type, pre-check verdict,
 * task ID and report URL; with --wait follow it and print the platform's figures.
 */
export async function runPlatform(ctx: CliContext, plan: RunPlan, options: RunPlatformOptions = {}): Promise<void> {
  const { io } = ctx;
  const json = ctx.json || plan.output.json;
  const say = (line: string): void => {
    if (!plan.output.quiet) io.stderr.write(`${line}\n`);
  };
  const errStyle = createStyle(io.stderr, io.env, !plan.output.color);
  const client = createPlatformClientFor(ctx, plan.platformBaseUrl, {
    ...options,
    secrets: secretValues(plan.target.headers, plan.target.cookies),
  });

  const testData = await readTestDataFile(plan.load.testData, io.cwd);
  const task = await submitTask({
    client,
    plan,
    testData,
    // The platform reads a streamed answer for up to 120 s; a non-streamed one as long as the target takes.
    precheckTimeoutMs: Math.max(plan.target.timeoutMs, 130_000),
    onEvent: (event) => say(describeEvent(event, client, errStyle)),
  });

  const outStyle = createStyle(io.stdout, io.env, !plan.output.color);
  // With --json the human report still goes to stderr (as in local mode): stdout holds only the JSON.
  const report = (text: string): void => {
    if (!json) io.stdout.write(text);
    else if (!plan.output.quiet) io.stderr.write(text);
  };
  report(renderSubmitted(task, json ? errStyle : outStyle));
  if (!plan.wait) {
    if (json) io.stdout.write(`${JSON.stringify(platformJson(task))}\n`);
    return;
  }

  const followed = await followToEnd(ctx, client, task.taskId, {
    checks: plan.load,
    expectedS: expectedRunS(plan),
    progress: plan.output.progress,
    say,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  if (!followed.followed) {
    say(`Note: this token cannot follow the task (${followed.reason}); it keeps running: see ${task.reportUrl}`);
    if (json) io.stdout.write(`${JSON.stringify({ ...platformJson(task), followed: false })}\n`);
    return;
  }
  report(followed.results.text(json ? errStyle : outStyle));
  if (json) io.stdout.write(`${JSON.stringify({ ...platformJson(task), results: followed.results.json })}\n`);
}

export interface FollowToEndOptions {
  checks: { successThreshold: number | null; slo: readonly SloCheck[] } | null;
  /** The run's expected length, for the progress line; null when unknown (a task started elsewhere). */
  expectedS: number | null;
  progress: boolean;
  say(line: string): void;
  pollIntervalMs?: number;
}

/**
 * `--wait` (platform.md steps 5 and 7), shared by `run` and `results`: follow the task with progress on
 * stderr (Ctrl-C stops following: exit 130), then its figures and checks (a failed check sets exit 5).
 * `failed` / `stopped` throw (exit 4). `followed: false` when the token may not read the task (403).
 */
export async function followToEnd(
  ctx: CliContext,
  client: PlatformClient,
  taskId: string,
  options: FollowToEndOptions,
): Promise<{ followed: true; results: BuiltResults } | { followed: false; reason: string }> {
  const abort = new AbortController();
  const unsubscribe = ctx.io.onSignal('SIGINT', () => abort.abort());
  let outcome: FollowOutcome;
  try {
    let lastStatus = '';
    let lastReportMs = 0;
    outcome = await followTask({
      client,
      taskId,
      signal: abort.signal,
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      onStatus: (status, elapsedMs) => {
        // A line per status change, and one every 30 s so a long run visibly lives.
        if (status.status === lastStatus && elapsedMs - lastReportMs < 30_000) return;
        lastStatus = status.status;
        lastReportMs = elapsedMs;
        const end =
          isTerminalStatus(status.status) || options.expectedS === null ? '' : ` · ${describeExpectedEnd(options.expectedS * 1000 - elapsedMs)}`;
        if (options.progress) options.say(`[${formatElapsed(elapsedMs)}] task ${status.status}${end}`);
      },
    });
  } finally {
    unsubscribe();
  }
  if (!outcome.followed) return { followed: false, reason: outcome.reason };
  throwIfUnsuccessful(outcome, taskId, client.reportUrl(taskId));
  const results = buildResults(outcome.status, outcome.rows, outcome.resultsNote, options.checks);
  if (results.thresholds !== null && !results.thresholds.passed) ctx.exitCode = ExitCode.threshold;
  return { followed: true, results };
}

/** cli.md's platform JSON: `{"ok":true,"mode":"platform","apiType","taskId","reportUrl","precheck":{...}}`. */
function platformJson(task: SubmittedTask): Record<string, unknown> {
  return {
    ok: true,
    mode: 'platform',
    apiType: task.apiType,
    taskId: task.taskId,
    reportUrl: task.reportUrl,
    precheck: task.precheck ?? { skipped: true },
  };
}

export interface BuiltResults {
  json: Record<string, unknown>;
  thresholds: PlatformThresholds | null;
  text(style: Parameters<typeof renderFigures>[3]): string;
}

/** Final figures and checks from the result rows (shared with `llm-loadtest results`). */
export function buildResults(
  status: string,
  rows: ResultRow[] | null,
  note: string | null,
  checks: { successThreshold: number | null; slo: readonly SloCheck[] } | null,
): BuiltResults {
  if (rows === null) {
    const said = note ?? 'the task has no result rows';
    return { json: { status, figures: null, note: said }, thresholds: null, text: () => `Status:     ${status}\nResults:    ${said}\n` };
  }
  const figures = summarizeResultRows(rows);
  const thresholds = checks === null ? null : checkPlatformThresholds(figures, checks);
  return {
    json: { status, ...figures, ...(thresholds === null ? {} : { thresholds }) },
    thresholds,
    text: (style) => renderFigures(status, figures, thresholds, style),
  };
}

/** platform.md step 7: `failed` → 4 with the platform's message; `stopped` → 4. */
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
 * The client for a platform command: base URL from the flag, else LMETERX_BASE_URL; the token from
 * LMETERX_AUTH_TOKEN only (never a flag: argv is visible to other users).
 */
export function createPlatformClientFor(
  ctx: CliContext,
  platformFlag: string | null | undefined,
  options: RunPlatformOptions & { secrets?: readonly string[] } = {},
): PlatformClient {
  const raw = (platformFlag ?? '').trim() || (ctx.io.env['LMETERX_BASE_URL'] ?? '').trim();
  if (raw === '') {
    throw inputError('PLATFORM_URL_MISSING', 'no platform: LMETERX_BASE_URL is not set and no --platform <url> was given', 'export LMETERX_BASE_URL=https://your-lmeterx (or pass --platform <url>)');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw inputError('PLATFORM_URL_INVALID', `the platform URL "${raw}" is not a URL`, 'give the LMeterX address with its scheme, e.g. https://lmeterx.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw inputError('PLATFORM_URL_INVALID', `the platform URL "${raw}" is not http(s)`, 'give the LMeterX address with its scheme, e.g. https://lmeterx.example.com');
  }
  return createPlatformClient({
    // The client drops a trailing `/` itself; query, fragment and credentials are dropped here.
    baseUrl: `${url.origin}${url.pathname}`,
    token: ctx.io.env['LMETERX_AUTH_TOKEN'],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
  });
}

/** The `<task-id>` of status, results and stop: an empty one would read `/api/llm-tasks//status`. */
export function checkTaskId(taskId: string): string {
  const trimmed = taskId.trim();
  if (trimmed === '') throw inputError('TASK_ID_INVALID', 'the task ID is empty', 'give the task ID printed by `llm-loadtest run` (the last part of the report URL)');
  return trimmed;
}

function describeEvent(event: SubmitEvent, client: PlatformClient, style: ReturnType<typeof createStyle>): string {
  const { baseUrl } = client;
  switch (event.step) {
    case 'health':
      return event.backendConfirmed
        ? `LMeterX at ${baseUrl}: reachable`
        : `LMeterX at ${baseUrl}: reachable, ${style.yellow('but /health came without the X-LMeterX-Backend header')} (a web front answered; continuing)`;
    case 'profile':
      if (event.allowed) return client.hasToken ? `Token accepted${event.username ? ` (user ${event.username})` : ''}` : 'No LMETERX_AUTH_TOKEN: the platform needs none';
      return 'The token may not read the profile (403): a service token; continuing';
    case 'precheck':
      return `Pre-check via the platform: ${describePrecheck(event.precheck, style)}`;
    case 'precheck-skipped':
      return 'Pre-check skipped (--skip-precheck)';
    case 'created':
      return `Task created: ${event.taskId}`;
  }
}

function describeExpectedEnd(remainingMs: number): string {
  if (remainingMs <= 0) return 'should end soon (the platform drains requests for up to 60 s)';
  const at = new Date(Date.now() + remainingMs).toISOString().slice(11, 16);
  return `expected to end in about ${formatElapsed(remainingMs)} (${at} UTC)`;
}

/** Warmup (+3 s cooldown) and the load: what the platform's engine will take, roughly (plus its drain). */
function expectedRunS(plan: RunPlan): number {
  const loadS = plan.load.loadMode === 'stepped' && plan.load.step !== null ? steppedTotalS(plan.load.step) : plan.load.durationS;
  return (plan.load.warmupS > 0 ? plan.load.warmupS + 3 : 0) + loadS;
}
