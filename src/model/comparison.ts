import type { ApiType } from './api.js';
import type { PrecheckFailure } from '../failures/precheck-failed.js';

/** Several targets in one run (docs/cli.md "Several targets"; summary.json `targets` and `comparison`). */

/** A metric of the delta table; `better` says which way an improvement goes. */
export type DeltaMetricId = 'ttft_p50' | 'ttft_p95' | 'itl_p50' | 'e2e_p95' | 'output_tokens_per_s' | 'rps' | 'errors';

export interface DeltaMetric {
  id: DeltaMetricId;
  label: string;
  /** `ms`, `tok/s`, `req/s` or `errors` (a count). */
  unit: 'ms' | 'tok/s' | 'req/s' | 'errors';
  better: 'lower' | 'higher';
}

export const DELTA_METRICS: readonly DeltaMetric[] = [
  { id: 'ttft_p50', label: 'TTFT p50', unit: 'ms', better: 'lower' },
  { id: 'ttft_p95', label: 'TTFT p95', unit: 'ms', better: 'lower' },
  { id: 'itl_p50', label: 'ITL p50', unit: 'ms', better: 'lower' },
  { id: 'e2e_p95', label: 'E2E p95', unit: 'ms', better: 'lower' },
  { id: 'output_tokens_per_s', label: 'Output tok/s', unit: 'tok/s', better: 'higher' },
  { id: 'rps', label: 'RPS', unit: 'req/s', better: 'higher' },
  { id: 'errors', label: 'Errors', unit: 'errors', better: 'lower' },
];

/** Mean ± a t-based 95% interval of the per-round differences (docs/metrics.md "Delta table"). */
export interface RoundInterval {
  /** Rounds in which both the target and the baseline had a value. */
  rounds: number;
  mean: number;
  /** Half the interval's width; null with fewer than two rounds. */
  halfWidth: number | null;
  low: number | null;
  high: number | null;
  /** Standard deviation of the per-round differences (the spread); null with fewer than two rounds. */
  stdDev: number | null;
}

export interface DeltaCell {
  target: string;
  value: number | null;
  /** value − the baseline's value, in the metric's unit; 0 for the baseline itself. */
  diff: number | null;
  /** diff as a percentage of the baseline's value; null when that is 0 or unknown. */
  pct: number | null;
  /** Over the rounds; null for the baseline. */
  interval: RoundInterval | null;
  /** The metric in each round (the chart's series). */
  perRound: Array<number | null>;
}

export interface DeltaRow {
  metric: DeltaMetricId;
  label: string;
  unit: DeltaMetric['unit'];
  better: DeltaMetric['better'];
  cells: DeltaCell[];
}

/** What a gateway's response headers said over a target's answers (docs/metrics.md "Gateway headers"). */
export interface GatewayFigures {
  /** Answers that carried at least one recorded header. */
  answersWithHeaders: number;
  /** Durations the headers reported, by source (`x-litellm-overhead-duration-ms`, `server-timing:gateway`...). */
  durations: Array<{ source: string; count: number; meanMs: number; p50Ms: number; p95Ms: number }>;
  /** Retries the gateway reported (sum of its retry counts), and the answers that needed any. */
  retries: number;
  retriedAnswers: number;
  /** Answers the gateway served from its cache, and every cache status seen with its count. */
  cacheHits: number;
  cacheStatus: Record<string, number>;
  /** Portkey's chosen option (x-portkey-last-used-option-index) with its count. */
  chosenOptions: Record<string, number>;
  /** Answers carrying the server's request id, and one of them (for finding a request in the gateway's logs). */
  requestIds: number;
  sampleRequestId: string | null;
  /** Every recorded header seen: answers carrying it and up to 3 distinct values (masked). */
  headers: Record<string, { count: number; values: string[] }>;
}

/** A failed answer's layer where the gateway says so. */
export interface FailuresByLayer {
  gateway: number;
  upstream: number;
  /** Failed answers nothing attributed (no gateway words, or no answer at all). */
  unknown: number;
}

export interface TargetOutcome {
  name: string;
  url: string;
  apiType: ApiType;
  model: string;
  /** `ran`, or `dropped` (its pre-check failed and --on-target-failure drop left it out). */
  status: 'ran' | 'dropped';
  precheckFailure?: PrecheckFailure;
  /** Its folder, relative to the run folder: `targets/<name>` (its results.jsonl, summary.json, reports). */
  dir: string;
  requests: { total: number; ok: number; failed: number; incomplete: number; successRate: number | null } | null;
  /** First measured send and last measured end (ISO), from its records. */
  window: { start: string | null; end: string | null };
  failuresByLayer: FailuresByLayer | null;
  gateway: GatewayFigures | null;
  thresholdsPassed: boolean | null;
}

export interface ComparisonSummary {
  baseline: string;
  rounds: number;
  /** The common window the delta table covers, and each round's length. */
  windowSeconds: number;
  roundSeconds: number;
  /** Shared time of the targets' windows over their union (1: every target ran the whole time). */
  overlap: number | null;
  rows: DeltaRow[];
  /** Why two targets cannot be compared fairly, when they cannot. */
  notes: string[];
}
