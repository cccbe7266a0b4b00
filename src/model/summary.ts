import type { ApiType, TokenSource } from './api.js';
import type { CapabilityReport } from './capability.js';
import type { Arrival, LoadMode, StepOptions } from './plan.js';

export type { RecordCategory, RequestRecord } from './record.js';

/** The load settings as `run` writes them into summary.json: the load flags, nothing secret. */
export interface RunConfig {
  name: string;
  concurrentUsers: number;
  spawnRate: number;
  durationS: number;
  warmupS: number;
  loadMode: LoadMode;
  step: StepOptions | null;
  /** Open loop: requests per second; null for a closed loop. */
  rate: number | null;
  /** Null for a closed loop. */
  arrival: Arrival | null;
  maxRequests: number | null;
  /** Threads that ran the users. */
  workers: number;
  testData: string;
  successThreshold: number;
  /** The `--slo` checks as written. */
  slo: string[];
  timeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * summary.json's `config` as read: a run of this version writes a whole RunConfig, but a summary from an
 * older version or written by hand may lack any field (and `report` of bare records knows only a name).
 */
export type SummaryConfig = Partial<RunConfig>;

/** Percentile summary of one latency metric, in milliseconds. */
export interface LatencyStats {
  count: number;
  mean: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

/** The counts of one second of the run, as kept in a snapshot and as written in the summary. */
export interface TimelineCounts {
  /** Seconds since the run started (0-based). */
  t: number;
  /** Users (virtual users / concurrency) at the end of this second. */
  users: number;
  started: number;
  finished: number;
  failed: number;
  outputTokens: number;
}

export interface TimelinePoint extends TimelineCounts {
  ttftP50: number | null;
  e2eP50: number | null;
}

export interface ThresholdCheck {
  name: string;
  value: number | null;
  limit: number;
  op: '>=' | '<=' | '<';
  passed: boolean;
  /** Why a check could not be judged (no data), in words; absent when it was. */
  note?: string;
}

export type GeneratorVerdict = 'ok' | 'degraded' | 'invalid';

/** What the load generator measured of itself over the measured window (docs/metrics.md "Generator health"). */
export interface GeneratorFigures {
  /** Event-loop delay beyond the sampling interval, p99 and max, in ms (null: not measured). */
  eventLoopDelayP99Ms: number | null;
  maxMs: number | null;
  /** Process CPU, percent of one core (may pass 100 with worker threads). */
  cpuPct: number | null;
  /** Share of the measured window the event loop was busy (0–1; the busiest thread with workers). */
  eventLoopUtilization?: number | null;
  openFileLimit: number | null;
  generatorErrors: number;
}

/** summary.json (docs/cli.md). Local `--json` prints this with `mode` and `outDir`. */
export interface Summary {
  tool: string;
  version: string;
  mode: 'local';
  target: {
    url: string;
    apiType: ApiType;
    model: string;
    stream: boolean;
    headers: Record<string, string>;
  };
  config: SummaryConfig;
  startedAt: string;
  endedAt: string;
  measuredSeconds: number;
  /** Seconds from the run's start to the start of measurement: timeline points before it are warmup. */
  measureStartS?: number;
  requests: { total: number; ok: number; failed: number; incomplete: number; successRate: number | null };
  rps: number;
  tokens: {
    input: number;
    output: number;
    outputPerSecond: number;
    totalPerSecond: number;
    source: TokenSource | 'mixed' | 'none';
  };
  latency: {
    ttft: LatencyStats;
    ttfo: LatencyStats;
    itl: LatencyStats;
    e2e: LatencyStats;
    chunkGap: LatencyStats;
    /** Open loop only: scheduled send → t0, and E2E measured from the scheduled time. */
    queue?: LatencyStats;
    e2eFromSchedule?: LatencyStats;
  };
  errors: {
    byCategory: Record<string, number>;
    byStatus: Record<string, number>;
    /** One sample message per category. */
    samples: Record<string, string>;
  };
  timeline: TimelinePoint[];
  generator: GeneratorFigures & {
    verdict: GeneratorVerdict;
    reasons: string[];
  };
  thresholds: { passed: boolean; checks: ThresholdCheck[] };
  /** Requests per second meeting every --slo (null without --slo). */
  goodput: number | null;
  /** Embeddings only (absent otherwise): the vectors answered, and per second of the measured window. */
  vectors?: { total: number; perSecond: number };
  /** The pre-check's capability report, when one ran. */
  precheck?: CapabilityReport;
  /** How percentiles were computed, for the report's legend. */
  percentileMethod: string;
  outDir?: string;
}
