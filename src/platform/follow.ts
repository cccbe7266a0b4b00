import { setTimeout as delay } from 'node:timers/promises';
import type { CategoryOf, ErrorCode } from '../failures/error-codes.js';
import { AppError } from '../failures/errors.js';
import { PLATFORM_FORBIDDEN, type PlatformClient } from './client.js';
import { isTerminalStatus, type ResultRow, type TaskResults, type TaskStatus, type TerminalStatus } from './schema.js';

/**
 * Step 5 of docs/platform.md: poll a task's status until it ends, then read its result rows, retrying while
 * the platform still says `not_found` (for `completed` it sets the status before inserting the rows).
 * A 403 (a service token may not read these paths) ends the follow without failing: the task exists.
 */

export interface FollowTaskOptions {
  client: PlatformClient;
  taskId: string;
  /** 3 s, the engine's own poll interval; tests pass a few ms. */
  pollIntervalMs?: number;
  /** Reads of /results while they say `not_found`. */
  resultsAttempts?: number;
  /** Ctrl-C: stop following (the task keeps running on the platform). */
  signal?: AbortSignal;
  onStatus?: (status: TaskStatus, elapsedMs: number) => void;
  /** Failed reads in a row (the platform unreachable or answering 5xx) before giving up; 8 by default. */
  retries?: number;
  /** A read failed and will be retried after delayMs: the caller says so. */
  onRetry?: (retry: FollowRetry) => void;
}

export interface FollowRetry {
  /** 1 for the first retry. */
  attempt: number;
  of: number;
  delayMs: number;
  /** What failed, in a few words (the error's message). */
  reason: string;
}

export type FollowOutcome =
  | { followed: false; reason: string; lastStatus: string | null }
  | {
      followed: true;
      status: TerminalStatus;
      errorMessage: string | null;
      /** Null when the task has none (stopped, failed) or they never appeared. */
      rows: ResultRow[] | null;
      /** Why rows is null when results were expected. */
      resultsNote: string | null;
    };

export const DEFAULT_POLL_INTERVAL_MS = 3000;
const DEFAULT_FOLLOW_RETRIES = 8;
/** The longest pause between two retries: with 8 retries, about 3 minutes of outage are ridden out. */
const MAX_RETRY_DELAY_MS = 30_000;
/** A platform that drops for a while (a restart, a proxy's 502) is worth waiting for; a refusal is not. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['PLATFORM_UNREACHABLE', 'PLATFORM_SERVER_ERROR', 'PLATFORM_BAD_RESPONSE']);

export async function followTask(options: FollowTaskOptions): Promise<FollowOutcome> {
  const { client, taskId, signal } = options;
  const intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const reportUrl = client.reportUrl(taskId);
  const retries = options.retries ?? DEFAULT_FOLLOW_RETRIES;
  const startedAt = performance.now();
  /** A read, retried while the platform is away (bounded, each retry said); giving up names the task. */
  const read = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A 403 is not a failure of the follow (below): it passes as it is.
        if (error.code === PLATFORM_FORBIDDEN) throw error;
        if (!TRANSIENT_CODES.has(error.code) || attempt > retries) throw attachTask(error, taskId, reportUrl);
        const delayMs = Math.min(intervalMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
        options.onRetry?.({ attempt, of: retries, delayMs, reason: error.message });
        await pause(delayMs, signal);
        throwIfInterrupted(signal, taskId, reportUrl);
      }
    }
  };
  let last: TaskStatus | null = null;
  try {
    for (;;) {
      throwIfInterrupted(signal, taskId, reportUrl);
      last = await read(() => client.readStatus(taskId));
      options.onStatus?.(last, performance.now() - startedAt);
      if (isTerminalStatus(last.status)) break;
      await pause(intervalMs, signal);
    }
    const status = last.status as TerminalStatus;
    const errorMessage = last.error_message ?? null;
    if (status === 'stopped' || status === 'failed') {
      return { followed: true, status, errorMessage, rows: null, resultsNote: null };
    }
    const attempts = options.resultsAttempts ?? 10;
    for (let attempt = 1; ; attempt += 1) {
      throwIfInterrupted(signal, taskId, reportUrl);
      const results = await read(() => client.readResults(taskId));
      const rows = readResultRows(results);
      if (rows !== null) return { followed: true, status, errorMessage, rows, resultsNote: null };
      if (attempt >= attempts) {
        const said = results.error ?? `status "${results.status}"`;
        return { followed: true, status, errorMessage, rows: null, resultsNote: `no result rows yet (${said}); see the report page` };
      }
      await pause(intervalMs, signal);
    }
  } catch (error) {
    if (error instanceof AppError && error.code === PLATFORM_FORBIDDEN) {
      return { followed: false, reason: error.message, lastStatus: last?.status ?? null };
    }
    throw error;
  }
}

/** The rows of a results answer, or null while there are none (`not_found` until the platform stores them). */
export function readResultRows(answer: TaskResults): ResultRow[] | null {
  const rows = answer.results ?? [];
  return answer.status === 'success' && rows.length > 0 ? rows : null;
}

function throwIfInterrupted(signal: AbortSignal | undefined, taskId: string, reportUrl: string): void {
  if (signal?.aborted !== true) return;
  throw new AppError('INTERRUPTED', `stopped following task ${taskId}; it keeps running on the platform`, {
    category: 'interrupted',
    hint: `follow it with \`llm-loadtest status ${taskId}\`, or stop it with \`llm-loadtest stop ${taskId}\``,
    details: { taskId, reportUrl },
  });
}

/**
 * An error met while a task exists: it names the task and its report (details.taskId / reportUrl, which
 * the JSON carries at the top level), since the task may well still be running.
 */
export function attachTask(error: unknown, taskId: string, reportUrl: string, options: { mayBeRunning?: boolean } = {}): unknown {
  // No such task, nothing to point at; an error that already names its report stays as it is.
  if (!(error instanceof AppError) || error.code === 'INTERRUPTED' || error.code === 'PLATFORM_TASK_NOT_FOUND') return error;
  if (typeof error.details?.['reportUrl'] === 'string') return error;
  // Following a task, it was running; a follow-up command (status, results, stop) only names it.
  const running = options.mayBeRunning !== false;
  return new AppError(error.code, running ? `${error.message}; task ${taskId} may still be running on the platform` : error.message, {
    // The same code and category as the error it wraps.
    category: error.category as CategoryOf<ErrorCode>,
    stage: error.stage,
    ...(running
      ? { hint: `${error.hint === undefined ? '' : `${error.hint}; `}see ${reportUrl}, or check later with \`llm-loadtest status ${taskId}\`` }
      : error.hint === undefined ? {} : { hint: error.hint }),
    details: { ...error.details, taskId, reportUrl },
    cause: error,
    exitCode: error.exitCode,
  });
}

/** Wait, or less when Ctrl-C comes (the loop then sees the abort). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal }).catch(() => undefined);
}
