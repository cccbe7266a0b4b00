import { LATENCY_METRICS, LATENCY_STATS } from '../model/metric-catalog.js';
import type { LatencyStats, ScenarioResult, StepResult, Summary } from '../model/summary.js';
import { burstCsvRows } from './burst-figures.js';
import { serverCsvRows } from './server-metrics-csv.js';

/**
 * report.csv: one header, one `timeline` row per second of the run, then one `summary` row per metric
 * (latencies with their statistics, counts and rates in `value`), then for a stepped run `step` rows: per
 * step (`t_s` its counted start, `users` its users) one row per metric, as the summary rows are. One table, so a spreadsheet or
 * `csvkit` opens it without knowing our layout; the `row` column tells the kinds apart. Runs with scenarios
 * add `scenario` rows (the `scenario` column names each), as the step rows are.
 */
export const CSV_COLUMNS = [
  'row',
  't_s',
  'metric',
  'users',
  'started',
  'finished',
  'failed',
  'output_tokens',
  'ttft_p50_ms',
  'e2e_p50_ms',
  'value',
  'count',
  ...LATENCY_STATS.map((stat) => `${stat.id}_ms` as const),
  'scenario',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

export function renderCsv(summary: Summary): string {
  const rows: Row[] = summary.timeline.map((p) => ({
    row: 'timeline',
    t_s: p.t,
    users: p.users,
    started: p.started,
    finished: p.finished,
    failed: p.failed,
    output_tokens: p.outputTokens,
    ttft_p50_ms: p.ttftP50,
    e2e_p50_ms: p.e2eP50,
  }));
  for (const metric of LATENCY_METRICS) {
    const stats = summary.latency[metric.key];
    if (stats === undefined) continue;
    // Not measured is said in words, never as a count of 0 with empty statistics a sheet might average.
    if (stats.notMeasured !== undefined) rows.push({ row: 'summary', metric: `${metric.id}_ms`, value: 'not measured' });
    else rows.push({ row: 'summary', metric: `${metric.id}_ms`, ...statsColumns(stats) });
  }
  const rates = summary.rates;
  const reconciliation = summary.tokens.reconciliation ?? null;
  const values: Array<[string, number | string | null]> = [
    ['verdict', summary.verdict ?? (summary.thresholds.passed ? 'passed' : 'failed')],
    ['stop_reason', summary.stop?.reason ?? null],
    ['stopped_at', summary.stop?.at ?? null],
    ['requests_total', summary.requests.total],
    ['requests_ok', summary.requests.ok],
    ['requests_failed', summary.requests.failed],
    ['requests_incomplete', summary.requests.incomplete],
    ['success_rate', summary.requests.successRate],
    ['rps', summary.rps],
    ['offered_rps', rates?.offered ?? null],
    ['sent_rps', rates?.sent ?? null],
    ['completed_rps', rates?.completed ?? null],
    ['goodput_rps', summary.goodput],
    ['input_tokens', summary.tokens.input],
    ['output_tokens', summary.tokens.output],
    ['output_tokens_per_second', summary.tokens.outputPerSecond],
    ['total_tokens_per_second', summary.tokens.totalPerSecond],
    ['vectors', summary.vectors?.total ?? null],
    ['vectors_per_second', summary.vectors?.perSecond ?? null],
    ['input_token_source', summary.tokens.inputSource ?? null],
    ['cached_input_tokens', summary.tokens.cached?.input ?? null],
    ['cached_input_share_pct', summary.tokens.cached?.sharePct ?? null],
    ['usage_drift_pct', reconciliation?.driftPct ?? null],
    ['usage_drift_flagged', reconciliation === null ? null : reconciliation.flagged ? 1 : 0],
    ['transport_failures', summary.transport?.failed ?? null],
    ['transport_backoffs', summary.transport?.backoffs ?? null],
    ['measured_seconds', summary.measuredSeconds],
    ['drain_seconds', summary.drainSeconds ?? null],
  ];
  for (const [metric, value] of values) rows.push({ row: 'summary', metric, value });
  for (const note of summary.notes ?? []) rows.push({ row: 'summary', metric: 'note', value: note });
  for (const [category, n] of Object.entries(summary.errors.byCategory)) {
    rows.push({ row: 'summary', metric: `errors_${category}`, value: n });
  }
  rows.push(...serverCsvRows(summary.serverMetrics));
  for (const step of summary.steps ?? []) rows.push(...stepRows(step));
  for (const scenario of summary.scenarios ?? []) rows.push(...scenarioRows(scenario));
  rows.push(...burstCsvRows(summary));
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** One step's rows: its latencies with p50/p95/p99 (count: the successful requests), then its counts and rates. */
function stepRows(step: StepResult): Row[] {
  const base: Row = { row: 'step', t_s: step.startS, users: step.users };
  const count = step.requests.ok;
  const rows: Row[] = (['ttft', 'itl', 'e2e'] as const).map((metric) => ({
    ...base,
    metric: `${metric}_ms`,
    count,
    p50_ms: step[metric].p50,
    p95_ms: step[metric].p95,
    p99_ms: step[metric].p99,
  }));
  const values: Array<[string, number | null]> = [
    ['step', step.step],
    ['end_s', step.endS],
    ['settle_s', step.settleS],
    ['sustain', step.sustain ? 1 : 0],
    ['requests_ok', step.requests.ok],
    ['requests_failed', step.requests.failed],
    // A profile's stages only: incomplete apart from failed, and the rate asked for.
    ...(step.requests.incomplete === undefined ? [] : [['requests_incomplete', step.requests.incomplete] as [string, number]]),
    ...(step.rate === undefined ? [] : [['rate', step.rate] as [string, number]]),
    ['rps', step.rps],
    ['output_tokens_per_second', step.outputTokensPerSecond],
    ['goodput_rps', step.goodput],
    ...Object.entries(step.errors).map(([category, n]): [string, number] => [`errors_${category}`, n]),
  ];
  for (const [metric, value] of values) rows.push({ ...base, metric, value });
  return rows;
}

/** One scenario's rows (`scenario` names it): its latencies with p50/p95/p99, then its counts and rates. */
function scenarioRows(s: ScenarioResult): Row[] {
  const base: Row = { row: 'scenario', scenario: s.scenario };
  const rows: Row[] = (['ttft', 'itl', 'e2e'] as const).map((metric) => ({
    ...base,
    metric: `${metric}_ms`,
    count: s.requests.ok,
    p50_ms: s[metric].p50,
    p95_ms: s[metric].p95,
    p99_ms: s[metric].p99,
  }));
  const values: Array<[string, number | null]> = [
    ['weight_share', s.weightShare],
    ['conversations', s.conversations],
    ['conversation_share', s.conversationShare],
    ['requests_ok', s.requests.ok],
    ['requests_failed', s.requests.failed],
    ['requests_incomplete', s.requests.incomplete],
    ['rps', s.rps],
    ['output_tokens_per_second', s.outputTokensPerSecond],
    ['mean_input_tokens', s.meanInputTokens],
    ['mean_output_tokens', s.meanOutputTokens],
    ['goodput_rps', s.goodput],
    ...Object.entries(s.errors).map(([category, n]): [string, number] => [`errors_${category}`, n]),
  ];
  for (const [metric, value] of values) rows.push({ ...base, metric, value });
  return rows;
}

function statsColumns(s: LatencyStats): Row {
  const row: Row = { count: s.count };
  for (const stat of LATENCY_STATS) row[`${stat.id}_ms`] = s[stat.id];
  return row;
}

/** RFC 4180: quote a field holding a comma, quote or line break; empty for null. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
