import type { LoadOptions } from '../model/plan.js';
import type { Endpoint } from './endpoint.js';
import { runLocal, type LocalRunEvent, type LocalRunResult } from './local.js';

/** Where a runner's run writes and who hears about it (docs/library.md "Runner"). */
export interface RunnerOptions {
  /** The run folder; default ./llm-loadtest-runs/<name>-<UTC stamp> under `cwd`. */
  outDir?: string | null;
  cwd?: string;
  skipPrecheck?: boolean;
  onEvent?: (event: LocalRunEvent) => void;
}

/**
 * A batch: exactly `requests` measured requests from `users` users (default 1) after the pre-check, then
 * the summary and the run files (results.jsonl, summary.json, report.html, report.csv, metrics.prom).
 */
export async function runBatch(endpoint: Endpoint, batch: { requests: number; users?: number }, options: RunnerOptions = {}): Promise<LocalRunResult> {
  const users = batch.users ?? 1;
  // The duration only bounds the batch: it ends when its requests are in.
  return runLoadTest(endpoint, { concurrentUsers: users, spawnRate: users, maxRequests: batch.requests, durationS: 86_400, warmupS: 0 }, options);
}

/** A load test with `run`'s defaults and `load` over them: its summary and files, as `run --local` writes them. */
export async function runLoadTest(endpoint: Endpoint, load: Partial<LoadOptions>, options: RunnerOptions = {}): Promise<LocalRunResult> {
  const plan = endpoint.plan(load, { outDir: options.outDir ?? null, skipPrecheck: options.skipPrecheck ?? false });
  return runLocal({ plan, cwd: options.cwd ?? '.', tickMs: null, ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }) }).done;
}
