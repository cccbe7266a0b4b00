import { LATENCY_METRICS, LATENCY_STATS } from '../model/metric-catalog.js';
import type { LatencyStats, RequestRecord, Summary } from '../model/summary.js';
import { burstPromLines } from './burst-figures.js';
import { maskUrlOnce } from './mask-once.js';
import { renderStepSeries } from './prom-steps.js';
import { collectSortedValues } from './record-series.js';

/**
 * metrics.prom: the run in Prometheus text exposition format (0.0.4), base units (seconds), counters
 * ending in `_total`. Latencies are histograms when the records are at hand (exact bucket counts, so
 * several runs can be aggregated) and summaries of the run's percentiles otherwise.
 */
export function renderProm(summary: Summary, records?: readonly RequestRecord[]): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const sample = (name: string, labels: Record<string, string>, value: number | null): void => {
    out.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
  };

  family('llm_loadtest_run_info', 'gauge', 'The run this file describes (value is always 1).');
  sample(
    'llm_loadtest_run_info',
    {
      target: maskUrlOnce(summary.target.url),
      model: summary.target.model,
      api_type: summary.target.apiType,
      stream: String(summary.target.stream),
      started_at: summary.startedAt,
      version: summary.version,
    },
    1,
  );

  for (const metric of PROM_LATENCIES) {
    const name = `llm_loadtest_${metric.id}_seconds`;
    const help = PROM_HELP[metric.key];
    const stats = summary.latency[metric.key];
    if (stats.notMeasured !== undefined) {
      // The same series in every run's file, but NaN and count 0: not measured, never a measured 0.
      family(name, 'summary', `${help} Not measured in this run: ${stats.notMeasured}.`);
      out.push(...renderSummarySamples(name, stats));
    } else if (records !== undefined && metric.recordField !== null) {
      family(name, 'histogram', help);
      out.push(...renderHistogramSamples(name, collectSortedValues(records, metric.recordField)));
    } else {
      family(name, 'summary', `${help} Quantiles from the run's summary.`);
      out.push(...renderSummarySamples(name, summary.latency[metric.key]));
    }
  }

  family('llm_loadtest_requests_total', 'counter', 'Measured requests by outcome.');
  sample('llm_loadtest_requests_total', { outcome: 'ok' }, summary.requests.ok);
  sample('llm_loadtest_requests_total', { outcome: 'failed' }, summary.requests.failed);
  sample('llm_loadtest_requests_total', { outcome: 'incomplete' }, summary.requests.incomplete);

  family('llm_loadtest_errors_total', 'counter', 'Measured requests that did not succeed, by category.');
  for (const [category, n] of Object.entries(summary.errors.byCategory)) sample('llm_loadtest_errors_total', { category }, n);

  family('llm_loadtest_error_responses_total', 'counter', 'Failed requests by HTTP status.');
  for (const [status, n] of Object.entries(summary.errors.byStatus)) sample('llm_loadtest_error_responses_total', { status }, n);

  family('llm_loadtest_tokens_total', 'counter', 'Tokens of successful measured requests.');
  sample('llm_loadtest_tokens_total', { kind: 'input' }, summary.tokens.input);
  sample('llm_loadtest_tokens_total', { kind: 'output' }, summary.tokens.output);

  const gauges: Array<[string, string, number | null]> = [
    ['llm_loadtest_requests_per_second', 'Successful requests per second of the measured window.', summary.rps],
    ['llm_loadtest_sent_requests_per_second', 'Measured requests sent per second of the measured window (achieved send rate).', summary.rates?.sent ?? null],
    ['llm_loadtest_completed_requests_per_second', 'Measured requests finished (ok or failed) per second of the measured window.', summary.rates?.completed ?? null],
    ['llm_loadtest_offered_requests_per_second', 'Open loop: the --rate asked for (NaN in a closed loop).', summary.rates?.offered ?? null],
    ['llm_loadtest_output_tokens_per_second', 'Output tokens per second of the measured window.', summary.tokens.outputPerSecond],
    ['llm_loadtest_total_tokens_per_second', 'Input plus output tokens per second of the measured window.', summary.tokens.totalPerSecond],
    ['llm_loadtest_vectors_per_second', 'Embeddings: vectors answered per second of the measured window (NaN for other APIs).', summary.vectors?.perSecond ?? null],
    ['llm_loadtest_success_ratio', 'ok / (ok + failed).', summary.requests.successRate],
    ['llm_loadtest_goodput_requests_per_second', 'Successful requests meeting every SLO, per second (NaN without --slo).', summary.goodput],
    ['llm_loadtest_measured_seconds', 'Length of the measured window.', summary.measuredSeconds],
    ['llm_loadtest_thresholds_passed', '1 when no threshold or SLO failed (a not-checked one does not fail), else 0.', summary.thresholds.passed ? 1 : 0],
    ['llm_loadtest_interrupted', '1 when the run was interrupted (its figures cover part of the plan), else 0.', summary.verdict === 'interrupted' ? 1 : 0],
    ['llm_loadtest_usage_drift_ratio', 'Server usage vs our count of the same output text, (usage - counted) / counted (NaN when not reconciled).', summary.tokens.reconciliation?.driftPct === undefined || summary.tokens.reconciliation.driftPct === null ? null : summary.tokens.reconciliation.driftPct / 100],
    [
      'llm_loadtest_generator_event_loop_delay_p99_seconds',
      'Event-loop delay p99 of the load generator during the measured window.',
      summary.generator.eventLoopDelayP99Ms === null ? null : summary.generator.eventLoopDelayP99Ms / 1000,
    ],
  ];
  for (const [name, help, value] of gauges) {
    family(name, 'gauge', help);
    sample(name, {}, value);
  }
  out.push(...burstPromLines(summary));
  out.push(...renderStepSeries(summary.steps));
  return `${out.join('\n')}\n`;
}

type PromLatency = Extract<(typeof LATENCY_METRICS)[number], { openLoopOnly: false }>;

/** Every metric a closed-loop run has; the open-loop ones are left out, so every run's file has the same series. */
const PROM_LATENCIES = LATENCY_METRICS.filter((metric): metric is PromLatency => !metric.openLoopOnly);

/** HELP lines: what a Prometheus user needs to read the series, shorter than the catalog's definitions. */
const PROM_HELP: Record<PromLatency['key'], string> = {
  ttft: 'Time to first token of successful measured requests.',
  ttfo: 'Time to first non-reasoning output of successful measured requests.',
  itl: 'Inter-token latency, (e2e - ttft) / (output tokens - 1).',
  e2e: 'End-to-end latency of successful measured requests.',
  chunkGap: 'Gaps between consecutive content chunks, pooled.',
};

/** Bucket bounds in seconds: from sub-millisecond token gaps to multi-minute generations. */
export const HISTOGRAM_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
] as const;

function renderHistogramSamples(name: string, sortedMs: Float64Array): string[] {
  const lines: string[] = [];
  let i = 0;
  let sumMs = 0;
  for (const v of sortedMs) sumMs += v;
  for (const le of HISTOGRAM_BUCKETS_S) {
    while (i < sortedMs.length && (sortedMs[i] as number) / 1000 <= le) i++;
    lines.push(`${name}_bucket{le="${le}"} ${i}`);
  }
  lines.push(`${name}_bucket{le="+Inf"} ${sortedMs.length}`);
  lines.push(`${name}_sum ${formatValue(sumMs / 1000)}`, `${name}_count ${sortedMs.length}`);
  return lines;
}

function renderSummarySamples(name: string, s: LatencyStats): string[] {
  const quantiles = LATENCY_STATS.flatMap((stat): Array<[string, number | null]> =>
    stat.percentile === null ? [] : [[String(Number((stat.percentile / 100).toPrecision(6))), s[stat.id]]],
  );
  const toS = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
  return [
    ...quantiles.map(([q, v]) => `${name}{quantile="${q}"} ${formatValue(toS(v))}`),
    `${name}_sum ${formatValue(s.mean === null ? 0 : (s.mean * s.count) / 1000)}`,
    `${name}_count ${s.count}`,
  ];
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** The exposition format escapes backslash, double quote and line feed in label values. */
function escapeLabelValue(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatValue(v: number | null): string {
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
