import type { SloCheck } from '../model/plan.js';
import { isWithin } from '../metrics/math.js';
import type { ThresholdCheck } from '../model/summary.js';
import type { ResultRow } from './schema.js';

/**
 * The final figures of a platform task, read from its stored result rows the way the platform's own
 * results page reads them (docs/platform.md "The platform's figures"): totals from the `<api_path>` row,
 * failures from the `failure` row, TTFT from the first-reasoning row when present (TTFT ends at the first
 * generated content of any kind), else the first-output row; token rates from `token_metrics`.
 * The platform keeps only mean, min, max, median and p95, all in ms.
 */

export interface PlatformLatency {
  mean: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
}

export interface PlatformFigures {
  requests: { total: number; failed: number; successRate: number | null };
  ttftMs: PlatformLatency | null;
  ttfoMs: PlatformLatency | null;
  /** Whole request, successful ones only (the platform's `Total_time`). */
  totalTimeMs: PlatformLatency | null;
  /** Successful requests per second. */
  rps: number | null;
  outputTokensPerSecond: number | null;
  totalTokensPerSecond: number | null;
  avgOutputTokensPerRequest: number | null;
  avgTotalTokensPerRequest: number | null;
}

export function summarizeResultRows(rows: readonly ResultRow[]): PlatformFigures {
  const byType = new Map(rows.map((row) => [row.metric_type, row]));
  const entry = rows.find((row) => row.metric_type.startsWith('/'));
  const totalTime = byType.get('Total_time');
  const failureRow = byType.get('failure');
  const tokens = byType.get('token_metrics');

  const failed = count(failureRow?.request_count) ?? count(failureRow?.failure_count) ?? count(entry?.failure_count) ?? 0;
  const total = count(entry?.request_count) ?? (count(totalTime?.request_count) ?? 0) + failed;
  const successRate = total > 0 ? Math.max(0, total - failed) / total : null;
  const reasoning = byType.get('Time_to_first_reasoning_token');
  const output = byType.get('Time_to_first_output_token');

  return {
    requests: { total, failed, successRate },
    ttftMs: latencyOf(reasoning) ?? latencyOf(output),
    ttfoMs: latencyOf(output),
    totalTimeMs: latencyOf(totalTime),
    rps: totalTime?.rps ?? tokens?.rps ?? null,
    outputTokensPerSecond: tokens?.completion_tps ?? null,
    totalTokensPerSecond: tokens?.total_tps ?? null,
    avgOutputTokensPerRequest: tokens?.avg_completion_tokens_per_req ?? null,
    avgTotalTokensPerRequest: tokens?.avg_total_tokens_per_req ?? null,
  };
}

export interface PlatformThresholds {
  passed: boolean;
  checks: ThresholdCheck[];
  /** `--slo` checks the platform's figures cannot answer (no ITL, no p99), said plainly instead of guessed. */
  unchecked: string[];
}

/** `--success-threshold` (null: not checked) and each `--slo` check that the platform's figures allow. */
export function checkPlatformThresholds(
  figures: PlatformFigures,
  options: { successThreshold: number | null; slo: readonly SloCheck[] },
): PlatformThresholds {
  const checks: ThresholdCheck[] = [];
  const unchecked: string[] = [];
  const rate = figures.requests.successRate;
  if (options.successThreshold !== null) {
    checks.push({
      name: 'success_rate',
      value: rate,
      limit: options.successThreshold,
      op: '>=',
      passed: rate !== null && rate >= options.successThreshold,
    });
  }
  for (const slo of options.slo) {
    const latency = slo.metric === 'ttft' ? figures.ttftMs : slo.metric === 'ttfo' ? figures.ttfoMs : slo.metric === 'e2e' ? figures.totalTimeMs : null;
    if (latency === null) {
      unchecked.push(`${slo.raw}: the platform reports no ${slo.metric === 'itl' || slo.metric === 'chunk_gap' ? slo.metric : `${slo.metric} figures for this task`}`);
      continue;
    }
    const stat = slo.stat as string;
    if (!(stat in latency)) {
      unchecked.push(`${slo.raw}: the platform keeps only mean, min, max, p50 and p95`);
      continue;
    }
    const value = latency[stat as keyof PlatformLatency];
    if (value === null) {
      unchecked.push(`${slo.raw}: the platform reported no ${slo.stat}`);
      continue;
    }
    checks.push({ name: slo.raw, value, limit: slo.limit, op: slo.op, passed: isWithin(value, slo.op, slo.limit) });
  }
  return { passed: checks.every((check) => check.passed), checks, unchecked };
}

function latencyOf(row: ResultRow | undefined): PlatformLatency | null {
  if (row === undefined) return null;
  return {
    mean: row.avg_response_time ?? null,
    min: row.min_response_time ?? null,
    max: row.max_response_time ?? null,
    p50: row.median_response_time ?? null,
    p95: row.percentile_95_response_time ?? null,
  };
}

function count(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
