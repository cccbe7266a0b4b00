import type { LoadOptions, TargetSpec } from '../model/plan.js';
import { Recorder, type RecorderSnapshot } from '../metrics/recorder.js';
import type { GeneratorHealth } from '../metrics/generator-verdict.js';
import type { RequestRecord } from '../model/summary.js';
import { getAdapter } from '../protocol/registry.js';
import type { PromptItem } from '../protocol/types.js';
import type { ScenarioSet } from '../model/scenarios.js';
import { startHealthMonitor } from './health.js';
import type { LiveStats } from './live-stats.js';
import { LoadThread, type LoadOutcome, type LoadRunOptions, type RecordMeta } from './load-thread.js';
import type { StopReason } from './stop-rules.js';
import { warmUp } from './warm-up.js';
import { startWorkerLoad } from './workers.js';

/** Where finished records go: results.jsonl (ResultsWriter) or a test's array. */
export interface RecordSink {
  writeLine(line: string): void;
  /** Several lines, each ending with a newline (a worker's batch). */
  writeBlock(block: string): void;
  /** One write per line from now on (after the first Ctrl-C). */
  setImmediate(on: boolean): void;
  /** Write what is buffered now (before the engine's next batch of sends). */
  flush?(): void;
  /** The results file, open for appending: worker threads write to it directly. */
  readonly fd?: number;
  /** A worker thread could not write (a full disk): stop writing, remember why. */
  markFailed?(error: Error): void;
}

export interface RunLoadOptions {
  target: TargetSpec;
  load: LoadOptions;
  prompts: readonly PromptItem[] | null;
  /** Scenarios of conversations; null or absent: the bodies in turn. */
  scenarioSet?: ScenarioSet | null;
  sink?: RecordSink;
  /** Secret values to mask in error messages. */
  secrets?: readonly string[];
  gracefulStopMs?: number;
  preconnect?: boolean;
  /** Build the tokenizer before the clock starts (the target may not report usage). */
  preloadTokenizer?: boolean;
  /** Count the text of answers whose usage the server reported, to reconcile the two (loads the tokenizer). */
  reconcileUsage?: boolean;
  /** Single thread only (benchmarks): every record with its request id and clock times. */
  onRecord?: (record: RequestRecord, meta: RecordMeta) => void;
  requestIdHeader?: string | null;
  /** What each `x-request-id` starts with (default the run id): several targets each have their own. */
  requestIdPrefix?: string;
  /**
   * Several engines started together (one per target): `onReady` once this one's connections are open
   * (workers: every worker ready), then its clock starts when `startGate` resolves.
   */
  onReady?: () => void;
  startGate?: Promise<void>;
}

export interface RunLoadResult {
  snapshot: RecorderSnapshot;
  outcome: LoadOutcome;
  generator: GeneratorHealth;
  startedAt: Date;
  endedAt: Date;
  /** Threads that ran the users (1 without --workers). */
  threads: number;
}

/** A running load test: its live figures, a way to stop it, and its end. */
export interface LoadHandle {
  /** Resolves once the run has started (connections open): the progress line starts here. */
  readonly started: Promise<void>;
  readonly done: Promise<RunLoadResult>;
  live(): LiveStats;
  /** Stop starting requests; in-flight ones get the grace period, then are recorded as incomplete. */
  stop(reason: StopReason): void;
}

/**
 * Run a local load test: one thread, or `load.workers` worker threads sharing the users (their records
 * streamed back, their histograms and counters merged). Records are written as requests finish.
 */
export function startLoad(options: RunLoadOptions): LoadHandle {
  if (options.load.workers > 1) return startWorkerLoad(options);
  return startThreadLoad(options);
}

function startThreadLoad(options: RunLoadOptions): LoadHandle {
  const sink = options.sink;
  const threadOptions: LoadRunOptions = {
    target: options.target,
    load: options.load,
    adapter: getAdapter(options.target.apiType),
    prompts: options.prompts,
    scenarioSet: options.scenarioSet ?? null,
    secrets: options.secrets ?? [],
    requestIdHeader: options.requestIdHeader ?? null,
    ...(options.requestIdPrefix === undefined ? {} : { requestIdPrefix: options.requestIdPrefix }),
    ...(options.gracefulStopMs === undefined ? {} : { gracefulStopMs: options.gracefulStopMs }),
    ...(options.preconnect === undefined ? {} : { preconnect: options.preconnect }),
    preloadTokenizer: options.preloadTokenizer ?? false,
    reconcileUsage: options.reconcileUsage ?? false,
    onRecord: (record, meta) => {
      sink?.writeLine(JSON.stringify(record));
      options.onRecord?.(record, meta);
    },
    onGeneratorError: () => health?.recordGeneratorError(),
    onMeasureStart: () => health?.markMeasureStart(),
    ...(sink?.flush === undefined ? {} : { flushRecords: () => sink?.flush?.() }),
  };
  const thread = new LoadThread(threadOptions);
  let health: ReturnType<typeof startHealthMonitor> | null = null;
  let stopRequested: StopReason | null = null;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const done = (async (): Promise<RunLoadResult> => {
    try {
      await warmUp(threadOptions);
      await thread.prepare();
      options.onReady?.();
      if (options.startGate !== undefined) await options.startGate;
      const runStartMs = performance.now();
      const startedAt = new Date();
      const recorder = new Recorder({ runStartMs, slo: options.load.slo });
      health = startHealthMonitor();
      const running = thread.start(runStartMs, recorder);
      if (stopRequested !== null) thread.stop(stopRequested);
      markStarted();
      const outcome = await running;
      const generator = health.stop(outcome.scheduleLag);
      return { snapshot: recorder.snapshot(), outcome, generator, startedAt, endedAt: new Date(), threads: 1 };
    } finally {
      markStarted();
      await thread.close();
    }
  })();
  return {
    started,
    done,
    live: () => thread.live(),
    stop: (reason) => {
      if (reason === 'interrupted') sink?.setImmediate(true);
      stopRequested ??= reason;
      thread.stop(reason);
    },
  };
}
