/**
 * The latency metrics and their statistics, said once: recording, the summary, every renderer, `--slo` and
 * `compare` read their ids, keys, labels and order from here. The order is the order of summary.json, the
 * CSV rows, the console table and the report page.
 */
import { AppError } from '../failures/errors.js';
import type { LatencyStats, Summary } from './summary.js';

/** A per-request latency field of results.jsonl. */
export type RecordLatencyField = 'ttftMs' | 'ttfoMs' | 'itlMs' | 'e2eMs' | 'queueMs';

export interface LatencyMetric {
  /** As `--slo`, the CSV (`<id>_ms`) and metrics.prom (`llm_loadtest_<id>_seconds`) name it. */
  id: string;
  /** The key under `latency` in summary.json and the recorder's snapshot. */
  key: keyof Summary['latency'];
  /** Short, for table rows and compare: "TTFT". */
  label: string;
  /** Spelled out, for the report page: "TTFT (time to first token)". */
  title: string;
  unit: 'ms';
  /** Meaningful only when streaming: without it TTFT and TTFO equal E2E, and ITL and chunk gaps are not measured. */
  streamingOnly: boolean;
  /** Only in an open-loop (`--rate`) run: absent from the summary otherwise. */
  openLoopOnly: boolean;
  /** `--slo` accepts it. */
  slo: boolean;
  /** The field of results.jsonl holding one request's value; null when the records keep none (chunk gaps). */
  recordField: RecordLatencyField | null;
  /** What is measured, in one line. */
  definition: string;
  /** Why a run can have no values of it (said by a check that has nothing to judge). */
  noValuesWhy: string;
}

export const LATENCY_METRICS = [
  {
    id: 'ttft',
    key: 'ttft',
    label: 'TTFT',
    title: 'TTFT (time to first token)',
    unit: 'ms',
    streamingOnly: true,
    openLoopOnly: false,
    slo: true,
    recordField: 'ttftMs',
    definition:
      'request sent → first chunk with generated content (text, reasoning or a tool call); role-only, empty and usage-only chunks do not count.',
    noValuesWhy: 'no successful measured request',
  },
  {
    id: 'ttfo',
    key: 'ttfo',
    label: 'TTFO',
    title: 'TTFO (time to first output)',
    unit: 'ms',
    streamingOnly: true,
    openLoopOnly: false,
    slo: true,
    recordField: 'ttfoMs',
    definition: 'request sent → first non-reasoning output (differs from TTFT for reasoning models).',
    noValuesWhy: 'no successful request produced non-reasoning output',
  },
  {
    id: 'itl',
    key: 'itl',
    label: 'ITL',
    title: 'ITL (inter-token latency)',
    unit: 'ms',
    streamingOnly: true,
    openLoopOnly: false,
    slo: true,
    recordField: 'itlMs',
    definition: '(E2E − TTFT) / (output tokens − 1), for requests with at least 2 output tokens. vLLM calls this TPOT, AIPerf calls it ITL.',
    noValuesWhy: 'no successful request had 2 or more output tokens',
  },
  {
    id: 'e2e',
    key: 'e2e',
    label: 'E2E',
    title: 'E2E (end-to-end)',
    unit: 'ms',
    streamingOnly: false,
    openLoopOnly: false,
    slo: true,
    recordField: 'e2eMs',
    definition: 'request sent → end of the response ([DONE], message_stop or end of body).',
    noValuesWhy: 'no successful measured request',
  },
  {
    id: 'chunk_gap',
    key: 'chunkGap',
    label: 'Chunk gap',
    title: 'Chunk gap',
    unit: 'ms',
    streamingOnly: true,
    openLoopOnly: false,
    slo: true,
    recordField: null,
    definition:
      'every gap between consecutive content chunks, pooled over requests (vLLM\'s "ITL", AIPerf\'s "ICL"); a chunk can hold several tokens.',
    noValuesWhy:
      'no request streamed 2 or more content chunks (or the figures were re-computed from results.jsonl, which does not keep chunk gaps)',
  },
  {
    id: 'queue',
    key: 'queue',
    label: 'Queue',
    title: 'Queue (open loop)',
    unit: 'ms',
    streamingOnly: false,
    openLoopOnly: true,
    slo: false,
    recordField: 'queueMs',
    definition: 'scheduled send → request sent, in an open-loop run (the wait for a free slot).',
    noValuesWhy: 'a closed-loop run schedules no sends',
  },
  {
    id: 'e2e_from_schedule',
    key: 'e2eFromSchedule',
    label: 'E2E sched.',
    title: 'E2E from schedule',
    unit: 'ms',
    streamingOnly: false,
    openLoopOnly: true,
    slo: false,
    recordField: null,
    definition: 'scheduled send → end of the response: E2E with the queue wait, so no coordinated omission.',
    noValuesWhy: 'a closed-loop run schedules no sends',
  },
] as const satisfies readonly LatencyMetric[];

export type LatencyMetricId = (typeof LATENCY_METRICS)[number]['id'];
export type LatencyKey = (typeof LATENCY_METRICS)[number]['key'];
/** The metrics `--slo` accepts. */
export type SloMetricId = Extract<(typeof LATENCY_METRICS)[number], { slo: true }>['id'];

export type StatId = Exclude<keyof LatencyStats, 'count' | 'notMeasured'>;

export interface LatencyStat {
  id: StatId;
  /** As column heads show it: "p99.9". */
  label: string;
  /** The percentile (0–100) it is; null for mean, min and max. */
  percentile: number | null;
}

/** The statistics of every latency metric, in summary.json's order. */
export const LATENCY_STATS = [
  { id: 'mean', label: 'mean', percentile: null },
  { id: 'min', label: 'min', percentile: null },
  { id: 'p50', label: 'p50', percentile: 50 },
  { id: 'p90', label: 'p90', percentile: 90 },
  { id: 'p95', label: 'p95', percentile: 95 },
  { id: 'p99', label: 'p99', percentile: 99 },
  { id: 'p999', label: 'p99.9', percentile: 99.9 },
  { id: 'max', label: 'max', percentile: null },
] as const satisfies readonly LatencyStat[];

export const LATENCY_KEYS: readonly LatencyKey[] = LATENCY_METRICS.map((metric) => metric.key);
export const SLO_METRICS: readonly SloMetricId[] = LATENCY_METRICS.filter((metric) => metric.slo).map((metric) => metric.id as SloMetricId);
/** As `--slo` lists them: the aggregates, then the percentiles. */
export const SLO_STATS: readonly StatId[] = [
  ...LATENCY_STATS.filter((stat) => stat.percentile === null),
  ...LATENCY_STATS.filter((stat) => stat.percentile !== null),
].map((stat) => stat.id);

const BY_ID = new Map<string, LatencyMetric>(LATENCY_METRICS.map((metric) => [metric.id, metric]));

/** The catalog entry of a metric id (`chunk_gap`); throws on an id the catalog does not have. */
export function latencyMetric(id: LatencyMetricId): LatencyMetric {
  const metric = BY_ID.get(id);
  if (metric === undefined) throw new AppError('INTERNAL', `no latency metric "${id}"`, { category: 'internal' });
  return metric;
}

/** A run-level figure or a timeline series, as the report's legend and docs/metrics.md define it. */
export interface FigureDefinition {
  /** Where it is in summary.json (`rates.sent`) or in a timeline point (`started`). */
  id: string;
  label: string;
  definition: string;
}

/**
 * Usage drift beyond this, over a run, is flagged. Our count uses o200k_base / cl100k_base: a model with
 * another tokenizer can differ by several percent on the same text without any error, so the tolerance
 * is wide enough for that and still catches a server that inflates or truncates its usage.
 */
export const USAGE_DRIFT_TOLERANCE_PCT = 20;

/** The rates and counts of a run, in the report's order. */
export const RUN_FIGURES = [
  {
    id: 'measuredSeconds',
    label: 'Measured window',
    definition:
      'from the start of measurement (after warmup) to the end of sending (the end of --duration, or the stop); after --max-requests, to the last completion. The drain after it, while in-flight requests finish, is not part of it.',
  },
  {
    id: 'rates.offered',
    label: 'Offered req/s',
    definition: 'open loop only: the --rate asked for; arrivals are scheduled at it whether or not the server keeps up.',
  },
  { id: 'rates.sent', label: 'Sent req/s', definition: 'measured requests sent / measured window: the achieved send rate.' },
  {
    id: 'rates.completed',
    label: 'Completed req/s (total)',
    definition: 'measured requests that finished, successful or failed / measured window (requests finishing in the drain count; the drain time does not).',
  },
  { id: 'rps', label: 'Requests/s (successful)', definition: 'successful measured requests / measured window (also rates.ok).' },
  {
    id: 'tokens.outputPerSecond',
    label: 'Output tokens/s',
    definition: "output tokens of successful measured requests / measured window; from the server's usage, else counted with a tokenizer.",
  },
  {
    id: 'tokens.totalPerSecond',
    label: 'Total tokens/s',
    definition:
      '(input + output) tokens of successful measured requests / measured window; input tokens the server did not report are counted from the prompt text with the tokenizer (an estimate without the chat template).',
  },
  { id: 'requests.successRate', label: 'Success rate', definition: 'ok / (ok + failed); incomplete requests (in flight at the stop) are counted apart.' },
  { id: 'goodput', label: 'Goodput', definition: 'successful measured requests meeting every --slo / measured window.' },
  {
    id: 'tokens.reconciliation',
    label: 'Usage drift',
    definition: `(usage output tokens − our tokenizer's count of the same text) / our count, over the successful requests with both; flagged beyond ±${USAGE_DRIFT_TOLERANCE_PCT}%.`,
  },
] as const satisfies readonly FigureDefinition[];

/** The per-second series of the timeline (summary.json `timeline`, report.csv, the report's charts). */
export const TIMELINE_SERIES = [
  { id: 'started', label: 'started', definition: 'requests sent in the second.' },
  { id: 'finished', label: 'finished', definition: 'requests that ended in the second, successful or failed (`failed` counts the failures apart).' },
  {
    id: 'outputTokens',
    label: 'output tokens',
    definition: "each successful request's output tokens spread evenly over its first-to-last-token span, so a second gets the tokens that arrived in it at the request's average pace.",
  },
  { id: 'ttftP50', label: 'TTFT p50', definition: 'median TTFT of the successful requests sent in the second.' },
  { id: 'e2eP50', label: 'E2E p50', definition: 'median E2E of the successful requests that ended in the second.' },
] as const satisfies readonly FigureDefinition[];
