import type { LatencyStats, Summary } from '../model/summary.js';

/**
 * report.csv: one header, one `timeline` row per second of the run, then one `summary` row per metric
 * (latencies with their statistics, counts and rates in `value`). One table, so a spreadsheet or
 * `csvkit` opens it without knowing our layout; the `row` column tells the two kinds apart.
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
  'mean_ms',
  'min_ms',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'p999_ms',
  'max_ms',
] as const;

type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

const LATENCY_METRICS: Array<[keyof Summary['latency'], string]> = [
  ['ttft', 'ttft_ms'],
  ['ttfo', 'ttfo_ms'],
  ['itl', 'itl_ms'],
  ['e2e', 'e2e_ms'],
  ['chunkGap', 'chunk_gap_ms'],
  ['queue', 'queue_ms'],
  ['e2eFromSchedule', 'e2e_from_schedule_ms'],
];

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
  for (const [key, metric] of LATENCY_METRICS) {
    const stats = summary.latency[key];
    if (stats !== undefined) rows.push({ row: 'summary', metric, ...statsColumns(stats) });
  }
  const values: Array<[string, number | null]> = [
    ['requests_total', summary.requests.total],
    ['requests_ok', summary.requests.ok],
    ['requests_failed', summary.requests.failed],
    ['requests_incomplete', summary.requests.incomplete],
    ['success_rate', summary.requests.successRate],
    ['rps', summary.rps],
    ['goodput_rps', summary.goodput],
    ['input_tokens', summary.tokens.input],
    ['output_tokens', summary.tokens.output],
    ['output_tokens_per_second', summary.tokens.outputPerSecond],
    ['total_tokens_per_second', summary.tokens.totalPerSecond],
    ['measured_seconds', summary.measuredSeconds],
  ];
  for (const [metric, value] of values) rows.push({ row: 'summary', metric, value });
  for (const [category, n] of Object.entries(summary.errors.byCategory)) {
    rows.push({ row: 'summary', metric: `errors_${category}`, value: n });
  }
  const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function statsColumns(s: LatencyStats): Row {
  return {
    count: s.count,
    mean_ms: s.mean,
    min_ms: s.min,
    p50_ms: s.p50,
    p90_ms: s.p90,
    p95_ms: s.p95,
    p99_ms: s.p99,
    p999_ms: s.p999,
    max_ms: s.max,
  };
}

/** RFC 4180: quote a field holding a comma, quote or line break; empty for null. */
function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
