import type { LoadOptions, TargetSpec } from '../model/plan.js';
import type { RecorderSnapshot } from '../metrics/recorder.js';
import type { Summary } from '../model/summary.js';
import type { PromptItem } from '../protocol/types.js';
import type { ScenarioSet } from '../model/scenarios.js';
import type { LiveStats } from './live-stats.js';
import type { LoadOutcome } from './load-thread.js';
import type { StopReason } from './stop-rules.js';

/** The messages between the main thread and a load worker (structured clone, JSON-able). */

export interface WorkerInput {
  target: TargetSpec;
  load: LoadOptions;
  prompts: readonly PromptItem[] | null;
  scenarioSet: ScenarioSet | null;
  index: number;
  count: number;
  secrets: readonly string[];
  gracefulStopMs: number | null;
  preconnect: boolean;
  preloadTokenizer: boolean;
  reconcileUsage: boolean;
  requestIdPrefix: string | null;
  /** Whether the main thread writes records (a results file): without one, records are not serialized. */
  streamRecords: boolean;
  /** The results file, open for appending: the worker writes its records to it directly (none lost to a hard kill). */
  resultsFd: number | null;
}

export type ToWorker =
  /** Start at this epoch time (ms, sub-ms precision): the same instant on every thread. */
  | { type: 'start'; runStartEpochMs: number }
  | { type: 'stop'; reason: StopReason };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'records'; block: string }
  /** Writing to resultsFd failed (a full disk): `code` is the errno code. */
  | { type: 'write-failed'; code: string; message: string }
  | { type: 'live'; live: LiveStats }
  | { type: 'done'; snapshot: RecorderSnapshot; outcome: LoadOutcome; generator: Summary['generator'] }
  | { type: 'failed'; message: string };
