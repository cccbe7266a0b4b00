import { inputError } from '../failures/errors.js';
import { createPlatformClient, type PlatformClient } from '../platform/client.js';
import { attachTask } from '../platform/follow.js';
import type { CliContext } from './io.js';
import { sayWhileWaiting } from './waiting.js';

/** Knobs tests turn down; the defaults are the real ones. */
export interface PlatformClientKnobs {
  /** Pause before a read is retried (500 ms × attempt). */
  retryDelayMs?: number;
  /** Per platform request (60 s). */
  timeoutMs?: number;
}

/**
 * The client for a platform command: base URL from the flag, else LMETERX_BASE_URL; the token from
 * LMETERX_AUTH_TOKEN only (never a flag: argv is visible to other users).
 */
export function createPlatformClientFor(
  ctx: CliContext,
  platformFlag: string | null | undefined,
  options: PlatformClientKnobs & { secrets?: readonly string[] } = {},
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

/**
 * The client with every call said while it waits (after a second, then every few seconds: what, how
 * long, the limit), so a platform that hangs never leaves the terminal, or an agent's tool call, silent.
 */
export function announceWaits(client: PlatformClient, say: (line: string) => void): PlatformClient {
  const limit = client.timeoutMs;
  const at = (what: string): string => `LMeterX (${what} at ${client.baseUrl})`;
  return {
    baseUrl: client.baseUrl,
    hasToken: client.hasToken,
    timeoutMs: limit,
    reportUrl: (taskId) => client.reportUrl(taskId),
    checkHealth: () => sayWhileWaiting(client.checkHealth(), say, at('GET /health'), limit),
    readProfile: () => sayWhileWaiting(client.readProfile(), say, at('the token check, GET /api/auth/profile'), limit),
    testTarget: (payload, timeoutMs) =>
      sayWhileWaiting(client.testTarget(payload, timeoutMs), say, at('the pre-check through the platform, which waits for the target'), timeoutMs ?? limit),
    createTask: (payload) => sayWhileWaiting(client.createTask(payload), say, at('POST /api/llm-tasks, creating the task'), limit),
    readStatus: (taskId) => sayWhileWaiting(client.readStatus(taskId), say, at(`the status of task ${taskId}`), limit),
    readResults: (taskId) => sayWhileWaiting(client.readResults(taskId), say, at(`the results of task ${taskId}`), limit),
    stopTask: (taskId) => sayWhileWaiting(client.stopTask(taskId), say, at(`stopping task ${taskId}`), limit),
  };
}

/**
 * A follow-up command's client (`status`, `results`, `stop`): its errors name the task and its report
 * (`taskId` and `reportUrl` at the top of the JSON), as `run --wait` does.
 */
export function nameTaskInErrors(client: PlatformClient, taskId: string): PlatformClient {
  const reportUrl = client.reportUrl(taskId);
  const named = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      throw attachTask(error, taskId, reportUrl, { mayBeRunning: false });
    });
  return {
    ...client,
    readStatus: (id) => named(client.readStatus(id)),
    readResults: (id) => named(client.readResults(id)),
    stopTask: (id) => named(client.stopTask(id)),
  };
}
