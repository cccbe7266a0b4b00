import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../failures/errors.js';
import type { GeneratorHealth } from '../metrics/generator-verdict.js';
import { mergeSnapshots, type RecorderSnapshot } from '../metrics/recorder.js';
import type { LiveStats } from './live-stats.js';
import type { LoadOutcome } from './load-thread.js';
import type { LoadHandle, RunLoadOptions, RunLoadResult } from './run-load.js';
import type { StopReason } from './stop-rules.js';
import type { FromWorker, ToWorker, WorkerInput } from './worker-protocol.js';

/** Lead time between "every worker is ready" and the common start instant. */
const START_LEAD_MS = 50;

/**
 * Worker threads need compiled JavaScript: next to this file in dist/. From the TypeScript sources
 * (vitest) there is none, and --workers is tested through the built CLI.
 */
export function resolveWorkerEntry(): string {
  const path = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
  if (!existsSync(path)) {
    throw new AppError('WORKERS_NEED_BUILD', `--workers needs the built package: ${path} is missing`, {
      category: 'internal',
      stage: 'run',
      hint: 'run `npm run build` and use `node dist/cli/main.js` (or the installed llm-loadtest)',
    });
  }
  return path;
}

/**
 * `--workers n`: n worker threads share the users (ids i with i % n === k), start at one common instant
 * (epoch time, each thread on its own monotonic clock), stream their records back in batches, and
 * hand back recorder snapshots that are merged here.
 */
export function startWorkerLoad(options: RunLoadOptions): LoadHandle {
  const count = options.load.workers;
  const entry = resolveWorkerEntry();
  const sink = options.sink;
  const lives: LiveStats[] = [];
  const workers: Worker[] = [];
  let stopRequested: StopReason | null = null;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const send = (message: ToWorker): void => {
    for (const worker of workers) worker.postMessage(message);
  };

  const done = (async (): Promise<RunLoadResult> => {
    const results: Array<Promise<{ snapshot: RecorderSnapshot; outcome: LoadOutcome; generator: GeneratorHealth }>> = [];
    const readiness: Array<Promise<void>> = [];
    for (let index = 0; index < count; index += 1) {
      const input: WorkerInput = {
        target: options.target,
        load: options.load,
        prompts: options.prompts,
        scenarioSet: options.scenarioSet ?? null,
        index,
        count,
        secrets: options.secrets ?? [],
        gracefulStopMs: options.gracefulStopMs ?? null,
        preconnect: options.preconnect ?? true,
        preloadTokenizer: options.preloadTokenizer ?? false,
        reconcileUsage: options.reconcileUsage ?? false,
        requestIdPrefix: options.requestIdPrefix ?? null,
        streamRecords: sink !== undefined,
        resultsFd: sink?.fd ?? null,
      };
      const worker = new Worker(entry, { workerData: input });
      workers.push(worker);
      let ready: () => void = () => undefined;
      let fail: (error: Error) => void = () => undefined;
      readiness.push(
        new Promise<void>((resolve, reject) => {
          ready = resolve;
          fail = reject;
        }),
      );
      results.push(
        new Promise((resolve, reject) => {
          const failWith = (message: string): void => {
            const error = new AppError('WORKER_FAILED', `worker thread ${index + 1} failed: ${message}`, {
              category: 'internal',
              stage: 'run',
              hint: 'rerun without --workers to see whether the failure is in the engine or in the target',
            });
            fail(error);
            reject(error);
          };
          worker.on('message', (message: FromWorker) => {
            switch (message.type) {
              case 'ready':
                ready();
                return;
              case 'records':
                sink?.writeBlock(message.block);
                return;
              case 'write-failed':
                sink?.markFailed?.(Object.assign(new Error(message.message), { code: message.code }));
                return;
              case 'live':
                lives[index] = message.live;
                return;
              case 'done':
                resolve({ snapshot: message.snapshot, outcome: message.outcome, generator: message.generator });
                return;
              case 'failed':
                failWith(message.message);
                return;
            }
          });
          worker.on('error', (error) => failWith(error.message));
          worker.on('exit', (code) => failWith(`exited with code ${code} before finishing`));
        }),
      );
    }
    try {
      await Promise.all(readiness);
      options.onReady?.();
      if (options.startGate !== undefined) await options.startGate;
      const runStartEpochMs = performance.timeOrigin + performance.now() + START_LEAD_MS;
      const startedAt = new Date(runStartEpochMs);
      send({ type: 'start', runStartEpochMs });
      if (stopRequested !== null) send({ type: 'stop', reason: stopRequested });
      markStarted();
      const finished = await Promise.all(results);
      const outcome = mergeOutcomes(finished.map((f) => f.outcome));
      return {
        snapshot: mergeSnapshots(finished.map((f) => f.snapshot)),
        outcome,
        generator: mergeHealth(finished.map((f) => f.generator)),
        startedAt,
        endedAt: new Date(),
        threads: count,
      };
    } finally {
      markStarted();
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  })();

  return {
    started,
    done,
    live: () => mergeLive(lives),
    stop: (reason) => {
      if (reason === 'interrupted') sink?.setImmediate(true);
      stopRequested ??= reason;
      send({ type: 'stop', reason });
    },
  };
}

function mergeOutcomes(list: readonly LoadOutcome[]): LoadOutcome {
  const sum = (pick: (o: LoadOutcome) => number): number => list.reduce((total, o) => total + pick(o), 0);
  // A thread that reached its share of --max-requests or the end says so; an interrupt wins.
  const reason = list.some((o) => o.stopReason === 'interrupted')
    ? 'interrupted'
    : list.every((o) => o.stopReason === 'max-requests')
      ? 'max-requests'
      : 'duration';
  return {
    stopReason: reason,
    started: sum((o) => o.started),
    finished: sum((o) => o.finished),
    failed: sum((o) => o.failed),
    incomplete: sum((o) => o.incomplete),
    droppedArrivals: sum((o) => o.droppedArrivals),
    // Each thread judged its own lag (its generator health): the merged health keeps the worst.
    scheduleLag: null,
    preconnected: sum((o) => o.preconnected),
    // Thread clocks differ: these two are only meaningful per thread.
    measureStartMs: Math.min(...list.map((o) => o.measureStartMs)),
    endedAtMs: Math.max(...list.map((o) => o.endedAtMs)),
  };
}

function mergeLive(lives: readonly (LiveStats | undefined)[]): LiveStats {
  const merged: LiveStats = {
    elapsedMs: 0,
    totalMs: 0,
    users: 0,
    inFlight: 0,
    started: 0,
    finished: 0,
    failed: 0,
    windowFinished: 0,
    windowOutputTokens: 0,
    windowMs: 0,
    recentTtftMs: [],
    stopping: null,
  };
  for (const live of lives) {
    if (live === undefined) continue;
    merged.elapsedMs = Math.max(merged.elapsedMs, live.elapsedMs);
    merged.totalMs = Math.max(merged.totalMs, live.totalMs);
    merged.users += live.users;
    merged.inFlight += live.inFlight;
    merged.started += live.started;
    merged.finished += live.finished;
    merged.failed += live.failed;
    merged.windowFinished += live.windowFinished;
    merged.windowOutputTokens += live.windowOutputTokens;
    merged.windowMs = Math.max(merged.windowMs, live.windowMs);
    merged.recentTtftMs.push(...live.recentTtftMs);
    merged.stopping ??= live.stopping;
  }
  return merged;
}

/** Combine the health of several threads: the worst verdict, every reason once, the largest delays. */
function mergeHealth(list: readonly GeneratorHealth[]): GeneratorHealth {
  const order = { ok: 0, degraded: 1, invalid: 2 } as const;
  const first = list[0];
  if (first === undefined) throw new Error('no generator health to merge');
  const maxOf = (pick: (h: GeneratorHealth) => number | null): number | null => {
    const values = list.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.max(...values);
  };
  const cpu = list.map((h) => h.cpuPct).filter((v): v is number => v !== null);
  const paced = list.some((h) => h.scheduleLagP99Ms !== undefined);
  return {
    eventLoopDelayP99Ms: maxOf((h) => h.eventLoopDelayP99Ms),
    maxMs: maxOf((h) => h.maxMs),
    // Each thread reports the process's CPU: the same figure, not a sum.
    cpuPct: cpu.length === 0 ? null : Math.max(...cpu),
    // The busiest thread, as documented (docs/metrics.md "Generator health").
    ...(list.some((h) => h.eventLoopUtilization !== undefined) ? { eventLoopUtilization: maxOf((h) => h.eventLoopUtilization ?? null) } : {}),
    // The latest thread's figures: the one that kept its share of the rate worst.
    ...(paced ? { scheduleLagP99Ms: maxOf((h) => h.scheduleLagP99Ms ?? null), scheduleLagMaxMs: maxOf((h) => h.scheduleLagMaxMs ?? null) } : {}),
    openFileLimit: first.openFileLimit,
    generatorErrors: list.reduce((sum, h) => sum + h.generatorErrors, 0),
    verdict: list.reduce((worst, h) => (order[h.verdict] > order[worst] ? h.verdict : worst), first.verdict),
    reasons: [...new Set(list.flatMap((h) => h.reasons))],
  };
}
