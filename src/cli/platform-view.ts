import { ExitCode } from '../failures/exit-codes.js';
import type { PlatformClient } from '../platform/client.js';
import { describePrecheck, renderFigures } from '../platform/render.js';
import { formatElapsed } from '../text/format.js';
import { escapeControl } from '../text/escape.js';
import { isTerminalStatus, type TaskStatus } from '../platform/schema.js';
import type { SubmitEvent, SubmittedTask } from '../platform/submit.js';
import { followPlatformTask, type FollowResult, type PlatformChecks, type PlatformResults } from '../run/platform.js';
import type { TextStyle } from '../text/style.js';
import type { CliContext } from './io.js';
import { renderServerMetricsLines } from '../report/server-metrics-console.js';

/** One stderr line per submit step. */
export function describeSubmitStep(event: SubmitEvent, client: PlatformClient, style: TextStyle): string {
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

/**
 * The status lines of a followed task: one per status change, and one every 30 s so a long run visibly
 * lives, with the expected end when the run's length is known (null: a task started elsewhere).
 */
export function createStatusLines(expectedS: number | null, say: (line: string) => void): (status: TaskStatus, elapsedMs: number) => void {
  let lastStatus = '';
  let lastReportMs = 0;
  return (status, elapsedMs) => {
    if (status.status === lastStatus && elapsedMs - lastReportMs < 30_000) return;
    lastStatus = status.status;
    lastReportMs = elapsedMs;
    const end = isTerminalStatus(status.status) || expectedS === null ? '' : ` · ${describeExpectedEnd(expectedS * 1000 - elapsedMs)}`;
    say(`[${formatElapsed(elapsedMs)}] task ${escapeControl(status.status)}${end}`);
  };
}

/**
 * `results --wait`: follow the task with status lines on stderr (Ctrl-C stops following: exit 130), then
 * its figures and checks (a failed check sets exit 5).
 */
export async function followToEnd(
  ctx: CliContext,
  client: PlatformClient,
  taskId: string,
  options: { checks: PlatformChecks | null; say(line: string): void; pollIntervalMs?: number },
): Promise<FollowResult> {
  const abort = new AbortController();
  const unsubscribe = ctx.io.onSignal('SIGINT', () => abort.abort());
  try {
    const followed = await followPlatformTask(client, taskId, {
      checks: options.checks,
      signal: abort.signal,
      onStatus: createStatusLines(null, options.say),
      onRetry: ({ attempt, of, delayMs, reason }) => options.say(`LMeterX did not answer while following (${reason}): retry ${attempt} of ${of} in ${Math.round(delayMs / 100) / 10} s`),
      ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    });
    if (followed.followed) setThresholdExit(ctx, followed.results);
    return followed;
  } finally {
    unsubscribe();
  }
}

/** Why a task has no result rows, by its status: only a task still on its way will get them. */
export function describeNoRows(status: string, said: string): string {
  if (status === 'stopped' || status === 'failed') return `no result rows (${said}): the task ended ${status}, and such a task keeps none`;
  if (status === 'completed' || status === 'failed_requests') return `no result rows yet (${said}): the platform stores them just after the end; try again in a few seconds`;
  return `no result rows yet (${said}): the task is ${status}; they appear when it completes (add --wait to follow it)`;
}

/** A failed check: exit 5. */
export function setThresholdExit(ctx: CliContext, results: PlatformResults): void {
  if (results.thresholds !== null && !results.thresholds.passed) ctx.exitCode = ExitCode.threshold;
}

/** The results as `--json` prints them: the status, the figures (or why there are none) and the checks. */
export function resultsJson(results: PlatformResults): Record<string, unknown> {
  const { status, figures, thresholds } = results;
  if (figures === null) return { status, figures: null, note: results.note };
  const server = results.serverMetrics === undefined ? {} : { serverMetrics: results.serverMetrics, serverMetricsFile: results.serverMetricsFile };
  return { status, ...figures, ...(thresholds === null ? {} : { thresholds }), ...server };
}

export function renderResults(results: PlatformResults, style: TextStyle): string {
  if (results.figures === null) return `Status:     ${results.status}\nResults:    ${results.note ?? ''}\n`;
  const server = renderServerMetricsLines(results.serverMetrics, style);
  const series = results.serverMetricsFile === undefined ? '' : `${style.dim('Series')}      ${results.serverMetricsFile}\n`;
  return `${renderFigures(results.status, results.figures, results.thresholds, style)}${server.length === 0 ? '' : `${server.join('\n')}\n${series}`}`;
}

/** docs/cli.md's platform JSON: `{"ok":true,"mode":"platform","apiType","taskId","reportUrl","precheck":{...}}`. */
export function platformJson(task: SubmittedTask): Record<string, unknown> {
  return {
    ok: true,
    mode: 'platform',
    apiType: task.apiType,
    taskId: task.taskId,
    reportUrl: task.reportUrl,
    precheck: task.precheck ?? { skipped: true },
  };
}

function describeExpectedEnd(remainingMs: number): string {
  if (remainingMs <= 0) return 'should end soon (the platform drains requests for up to 60 s)';
  const at = new Date(Date.now() + remainingMs).toISOString().slice(11, 16);
  return `expected to end in about ${formatElapsed(remainingMs)} (${at} UTC)`;
}
