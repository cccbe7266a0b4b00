import type { ServerLatency, ServerMetricsSummary } from '../model/server-metrics.js';

/** A report.csv `summary` row of the server's figures (columns as report.csv names them). */
export interface ServerCsvRow {
  row: 'summary';
  metric: string;
  value?: string | number | null;
  count?: number;
  mean_ms?: number | null;
  p50_ms?: number | null;
  p90_ms?: number | null;
  p95_ms?: number | null;
  p99_ms?: number | null;
}

/** report.csv's `server_*` rows (--server-metrics runs only): latencies with their statistics, the rest in `value`. */
export function serverCsvRows(server: ServerMetricsSummary | undefined): ServerCsvRow[] {
  if (server === undefined) return [];
  const rows: ServerCsvRow[] = [];
  const latency = (metric: string, stats: ServerLatency | null): void => {
    if (stats !== null) rows.push({ row: 'summary', metric, count: stats.count, mean_ms: stats.mean, p50_ms: stats.p50, p90_ms: stats.p90, p95_ms: stats.p95, p99_ms: stats.p99 });
  };
  latency('server_ttft_ms', server.ttft);
  latency('server_e2e_ms', server.e2e);
  latency('server_queue_time_ms', server.queueTime);
  const values: Array<[string, string | number | null | undefined]> = [
    ['server_running_max', server.running?.max],
    ['server_waiting_max', server.waiting?.max],
    ['server_kv_cache_usage_max', server.kvCacheUsage?.max],
    ['server_kv_cache_usage_mean', server.kvCacheUsage?.mean],
    ['server_prefix_cache_hit_rate', server.prefixCacheHitRate],
    ['server_generation_tokens_per_second', server.generationTokensPerSecond],
    ['server_prompt_tokens_per_second', server.promptTokensPerSecond],
    ['server_ttft_gap_mean_ms', server.comparison?.difference.mean],
    ['server_saturation', server.saturation.state],
    ['server_queued_from_s', server.saturation.fromS],
    ['server_scrapes', server.endpoints.reduce((a, e) => a + e.scrapes, 0)],
    ['server_scrapes_failed', server.endpoints.reduce((a, e) => a + e.failed, 0)],
  ];
  for (const [metric, value] of values) if (value !== undefined && value !== null) rows.push({ row: 'summary', metric, value });
  return rows;
}
