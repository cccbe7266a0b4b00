import { setTimeout as delay } from 'node:timers/promises';
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

export async function followTask(options: FollowTaskOptions): Promise<FollowOutcome> {
  const { client, taskId, signal } = options;
  const intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const startedAt = performance.now();
  let last: TaskStatus | null = null;
  try {
    for (;;) {
      throwIfInterrupted(signal, taskId);
      last = await client.readStatus(taskId);
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
      throwIfInterrupted(signal, taskId);
      const results = await client.readResults(taskId);
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

function throwIfInterrupted(signal: AbortSignal | undefined, taskId: string): void {
  if (signal?.aborted !== true) return;
  throw new AppError('INTERRUPTED', `stopped following task ${taskId}; it keeps running on the platform`, {
    category: 'interrupted',
    hint: `follow it with \`llm-loadtest status ${taskId}\`, or stop it with \`llm-loadtest stop ${taskId}\``,
    details: { taskId },
  });
}

/** Wait, or less when Ctrl-C comes (the loop then sees the abort). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, signal === undefined ? undefined : { signal }).catch(() => undefined);
}
