import type { ComparisonSummary, TargetOutcome } from './comparison.js';
import type { ApiType, TokenSource } from './api.js';
import type { CapabilityReport } from './capability.js';
import type { Arrival, LoadOptions } from './plan.js';
import type { ServerMetricsSummary } from './server-metrics.js';
import type { WorkloadConfig } from './workload.js';

export type { RecordCategory, RequestRecord } from './record.js';

/**
 * The load settings as `run` writes them into summary.json: the load flags (nothing secret), with the
 * `--slo` checks as written, `arrival` null for a closed loop, `workers` the threads that ran the users,
 * and the target's timeouts.
 */
export type RunConfig = Omit<LoadOptions, 'arrival' | 'slo' | 'workload'> & {
  /** What was sent beside the body (sizes, cache control, the trace as its path and length); absent before it existed. */
  workload?: WorkloadConfig;
  arrival: Arrival | null;
  slo: string[];
  timeoutMs: number;
  idleTimeoutMs: number;
};

/**
 * summary.json's `config` as read: a run of this version writes a whole RunConfig, but a summary from an
 * older version or written by hand may lack any field (and `report` of bare records knows only a name).
 */
export type SummaryConfig = Partial<RunConfig>;

/** Percentile summary of one latency metric, in milliseconds. */
export interface LatencyStats {
  count: number;
  /**
   * Present when the run could not measure this metric at all (TTFT, ITL and chunk gaps without
   * streaming): why, in words. The values are then null and count 0: not a measured zero.
   */
  notMeasured?: string;
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
  /**
   * Output tokens of the successful requests, spread evenly over each request's first-to-last-token span
   * (the seconds its tokens arrived in), so fractional.
   */
  outputTokens: number;
}

export interface TimelinePoint extends TimelineCounts {
  /** Median TTFT of the successful requests sent in this second. */
  ttftP50: number | null;
  /** Median E2E of the successful requests that finished in this second. */
  e2eP50: number | null;
}

export interface ThresholdCheck {
  name: string;
  value: number | null;
  limit: number;
  op: '>=' | '<=' | '<';
  /** True only for a check that was judged and met; false for a failed or a not-checked one. */
  passed: boolean;
  /**
   * `not_checked`: the run could not measure the metric at all (an ITL SLO on a non-streaming run); it
   * neither passes nor fails the run, and `note` says why. Absent in summaries of older versions.
   */
  result?: 'passed' | 'failed' | 'not_checked';
  /** Why a check could not be judged (no data), in words; absent when it was. */
  note?: string;
}

/** Why the load stopped sending: the end of --duration, --max-requests reached, or a stop from outside. */
export type RunStopReason = 'duration' | 'max-requests' | 'interrupted';

/** How and when the run ended (docs/metrics.md "How the run ended"). */
export interface RunStop {
  reason: RunStopReason;
  /** When the stop came: seconds since the run started, and as a wall-clock time. */
  atS: number | null;
  at: string | null;
  /** Why, in words: "interrupted by SIGINT (Ctrl-C)". */
  detail: string | null;
}

/** Rates of the measured window (docs/metrics.md "Rates and counts"); every one per second of the window. */
export interface RunRates {
  /** Open loop: the --rate asked for; null in a closed loop. */
  offered: number | null;
  /** Measured requests sent. */
  sent: number;
  /** Measured requests that finished, successful or failed. */
  completed: number;
  /** Successful measured requests (the same figure as `rps`). */
  ok: number;
}

/** Server usage compared with our own count of the same text (docs/metrics.md "Usage reconciliation"). */
export interface UsageReconciliation {
  /** Successful requests whose usage and text were both known. */
  requests: number;
  usageOutputTokens: number;
  countedOutputTokens: number;
  /** (usage − counted) / counted over the run, in percent; null when nothing was counted. */
  driftPct: number | null;
  tolerancePct: number;
  /** |driftPct| beyond tolerancePct. */
  flagged: boolean;
  /** The requests with the largest relative drift, worst first. */
  worst: Array<{ user: number; seq: number; usage: number; counted: number; driftPct: number }>;
}

/** Transport-level failures (no HTTP answer) and the backoff users took after them. */
export interface TransportFailures {
  /** Measured requests that failed before any HTTP answer: dns, connection_refused, connection_reset, tls. */
  failed: number;
  /** Times a user waited before its next request after such a failure, and the total wait. */
  backoffs: number;
  backoffWaitS: number;
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
  /**
   * Open loop only (absent otherwise): how late arrivals were sent behind their planned time when a user was
   * free, p99 and max in ms over the measured window (the busiest thread); null when none was sent.
   */
  scheduleLagP99Ms?: number | null;
  scheduleLagMaxMs?: number | null;
}

/** p50, p95 and p99 of one latency metric over a step's successful requests, in ms (null: none). */
export interface StepPercentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The figures of one step of a stepped run (docs/metrics.md "Per-step results"): the requests sent from
 * `startS` (the step's start plus its settle time) to `endS`, both seconds since the run started.
 */
export interface StepResult {
  /** 1-based, in the order of the plan. */
  step: number;
  users: number;
  /** A profile's rate stage: the requests per second asked for (users then cap concurrency); absent otherwise. */
  rate?: number;
  /** The sustain at the most users after the ramp. */
  sustain: boolean;
  startS: number;
  endS: number;
  /** Seconds at the step's start left out while the new users settle. */
  settleS: number;
  /**
   * Stages count every measured request (no settle time), so stages sum to the run's totals: `incomplete`
   * (cut off by the stop) is then apart from `failed`, as in the run's totals; steps count it as failed.
   */
  requests: { ok: number; failed: number; incomplete?: number };
  /** Successful requests per second of the counted span. */
  rps: number;
  /** Output tokens of the successful requests per second of the counted span. */
  outputTokensPerSecond: number;
  ttft: StepPercentiles;
  itl: StepPercentiles;
  e2e: StepPercentiles;
  /** Failed requests by category. */
  errors: Record<string, number>;
  /** Requests per second meeting every --slo (null without --slo). */
  goodput: number | null;
}

/**
 * One scenario's figures over the measured window (docs/profiles.md "Report"): its measured requests by
 * outcome (the scenarios sum to the run's totals), rates per second of the window, latencies of its
 * successful requests (exact, nearest rank) and its prompts' and answers' sizes.
 */
export interface ScenarioResult {
  scenario: string;
  /** weight / sum of weights: the share of conversations asked for. */
  weightShare: number;
  /** Conversations started in the measured window (their first turn was measured), and their share. */
  conversations: number;
  conversationShare: number | null;
  requests: { ok: number; failed: number; incomplete: number };
  /** Successful requests per second of the measured window. */
  rps: number;
  outputTokensPerSecond: number;
  /** Mean input and output tokens of the successful requests (null: none). */
  meanInputTokens: number | null;
  meanOutputTokens: number | null;
  ttft: StepPercentiles;
  itl: StepPercentiles;
  e2e: StepPercentiles;
  errors: Record<string, number>;
  goodput: number | null;
}

/** summary.json (docs/cli.md). Local `--json` prints this with `mode` and `outDir`. */
/** One latency's figures over a burst's successful requests (ms; docs/cli.md "Load"). */
export interface BurstStat {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  stddev: number;
  p90: number;
  p99: number;
}

/** One burst round's (or all rounds') outcome. */
export interface BurstRound {
  requests: number;
  succeeded: number;
  failed: number;
  /** succeeded / requests, 0..1. */
  successRate: number;
  e2eMs: BurstStat | null;
  ttftMs: BurstStat | null;
}

/** summary.json's `burst` section (burst runs only). */
export interface BurstSummary {
  users: number;
  rounds: number;
  pauseS: number;
  /** Per round, in order. */
  perRound: BurstRound[];
  /** Over every round's requests. */
  total: BurstRound;
}

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
  /** The measured window: start of measurement → end of sending (docs/metrics.md "The measured window"). */
  measuredSeconds: number;
  /** End of sending → the last measured completion: the drain, outside the window. */
  drainSeconds?: number;
  /** Seconds from the run's start to the start of measurement: timeline points before it are warmup. */
  measureStartS?: number;
  /** passed, failed (a check failed) or interrupted (stopped from outside: its figures cover part of the plan). */
  verdict?: 'passed' | 'failed' | 'interrupted';
  stop?: RunStop;
  /** Everything the run said about itself in words (dropped arrivals, backoff, estimates, drift). */
  notes?: string[];
  requests: { total: number; ok: number; failed: number; incomplete: number; successRate: number | null };
  /** Successful requests per second of the measured window. */
  rps: number;
  rates?: RunRates;
  tokens: {
    input: number;
    output: number;
    outputPerSecond: number;
    totalPerSecond: number;
    /** Where the output counts came from. */
    source: TokenSource | 'mixed' | 'none';
    /** Where the input counts came from ("tokenizer": the prompt text counted by us, an estimate). */
    inputSource?: TokenSource | 'mixed' | 'none';
    /**
     * Prompt tokens the server read from its prompt cache, as its usage reports them (docs/metrics.md
     * "Cached tokens"), and their share of the input tokens; absent when no answer reported any.
     */
    cached?: { input: number; requests: number; sharePct: number | null };
    reconciliation?: UsageReconciliation | null;
  };
  transport?: TransportFailures;
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
  /** `passed`: no check failed (a not-checked one does not fail the run). */
  thresholds: { passed: boolean; checks: ThresholdCheck[] };
  /** Requests per second meeting every --slo (null without --slo). */
  goodput: number | null;
  /** Stepped runs and a profile's stages only (absent otherwise): each step's or stage's figures, in the order of the plan. */
  steps?: StepResult[];
  /** Runs with scenarios only (a profile, --turns; absent otherwise): each scenario's figures, in the profile's order. */
  scenarios?: ScenarioResult[];
  /** Embeddings only (absent otherwise): the vectors answered, and per second of the measured window. */
  vectors?: { total: number; perSecond: number };
  /** The pre-check's capability report, when one ran. */
  precheck?: CapabilityReport;
  /** How percentiles were computed, for the report's legend. */
  percentileMethod: string;
  outDir?: string;
  /** Burst runs only (`--burst`): each round's and all rounds' figures. */
  burst?: BurstSummary;
  /** Merged runs only (`merge`): each host's run, its clock offset and its own generator verdict. */
  hosts?: MergedHost[];
  /** `--server-metrics` only: the server's own figures over the run, beside ours (docs/server-metrics.md). */
  serverMetrics?: ServerMetricsSummary;
  /**
   * Several targets only (`--target`, `--targets`): each target's outcome (its files under targets/<name>),
   * and the delta table against the baseline. The rest of the summary is the baseline's.
   */
  targets?: TargetOutcome[];
  comparison?: ComparisonSummary;
}

/** One run of a merged summary (docs/cli.md "Merging runs from several hosts"). */
export interface MergedHost {
  /** The run folder's name (made unique with #2, #3...). */
  label: string;
  dir: string;
  startedAt: string;
  endedAt: string;
  /** Seconds from the earliest host's first request to this host's first request (by wall clock). */
  offsetS: number;
  requests: { total: number; ok: number; failed: number };
  generator: { verdict: GeneratorVerdict; reasons: string[] };
}
