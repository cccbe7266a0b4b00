import type { ServerKind } from '../model/server-metrics.js';

/**
 * Known servers' Prometheus names mapped to one vocabulary (docs/server-metrics.md "Vocabulary"). A
 * series whose name is in no row is kept raw (server-metrics.jsonl) but not interpreted.
 */
export type GaugeTerm = 'running' | 'waiting' | 'kvCacheUsage' | 'prefixCacheHitRate';
export type CounterTerm = 'promptTokens' | 'generationTokens' | 'prefixCacheHits' | 'prefixCacheQueries' | 'requestsFinished';
export type HistogramTerm = 'ttft' | 'e2e' | 'queueTime';

/** How a gauge combines over label sets and endpoints: counts add up, ratios average. */
export const GAUGE_COMBINE: Readonly<Record<GaugeTerm, 'sum' | 'mean'>> = {
  running: 'sum',
  waiting: 'sum',
  kvCacheUsage: 'mean',
  prefixCacheHitRate: 'mean',
};

/** Gauge names; ratios are 0..1 in every server listed (vLLM's `_perc` names too). */
export const GAUGES: ReadonlyArray<[string, GaugeTerm]> = [
  ['vllm:num_requests_running', 'running'],
  ['vllm:num_requests_waiting', 'waiting'],
  ['vllm:gpu_cache_usage_perc', 'kvCacheUsage'],
  ['vllm:kv_cache_usage_perc', 'kvCacheUsage'],
  ['vllm:gpu_prefix_cache_hit_rate', 'prefixCacheHitRate'],
  ['sglang:num_running_reqs', 'running'],
  ['sglang:num_queue_reqs', 'waiting'],
  ['sglang:token_usage', 'kvCacheUsage'],
  ['sglang:cache_hit_rate', 'prefixCacheHitRate'],
  ['tgi_batch_current_size', 'running'],
  ['tgi_queue_size', 'waiting'],
  ['llamacpp:requests_processing', 'running'],
  ['llamacpp:requests_deferred', 'waiting'],
  ['llamacpp:kv_cache_usage_ratio', 'kvCacheUsage'],
];

/** Counter sample names (with their `_total` where the server writes one). */
export const COUNTERS: ReadonlyArray<[string, CounterTerm]> = [
  ['vllm:prompt_tokens_total', 'promptTokens'],
  ['vllm:generation_tokens_total', 'generationTokens'],
  ['vllm:prefix_cache_hits_total', 'prefixCacheHits'],
  ['vllm:prefix_cache_queries_total', 'prefixCacheQueries'],
  ['vllm:gpu_prefix_cache_hits_total', 'prefixCacheHits'],
  ['vllm:gpu_prefix_cache_queries_total', 'prefixCacheQueries'],
  ['vllm:request_success_total', 'requestsFinished'],
  ['sglang:prompt_tokens_total', 'promptTokens'],
  ['sglang:generation_tokens_total', 'generationTokens'],
  ['sglang:num_requests_total', 'requestsFinished'],
  ['tgi_request_input_length_sum', 'promptTokens'],
  ['tgi_request_generated_tokens_sum', 'generationTokens'],
  ['tgi_request_success', 'requestsFinished'],
  ['llamacpp:prompt_tokens_total', 'promptTokens'],
  ['llamacpp:tokens_predicted_total', 'generationTokens'],
];

/** Histogram family names (samples `<name>_bucket`, `_sum`, `_count`), all in seconds. */
export const HISTOGRAMS: ReadonlyArray<[string, HistogramTerm]> = [
  ['vllm:time_to_first_token_seconds', 'ttft'],
  ['vllm:e2e_request_latency_seconds', 'e2e'],
  ['vllm:request_queue_time_seconds', 'queueTime'],
  ['sglang:time_to_first_token_seconds', 'ttft'],
  ['sglang:e2e_request_latency_seconds', 'e2e'],
  ['sglang:queue_time_seconds', 'queueTime'],
  ['tgi_request_duration', 'e2e'],
  ['tgi_request_queue_duration', 'queueTime'],
];

const GAUGE_BY_NAME = new Map(GAUGES);
const COUNTER_BY_NAME = new Map(COUNTERS);
const HISTOGRAM_BY_NAME = new Map(HISTOGRAMS);

export type Term =
  | { kind: 'gauge'; term: GaugeTerm }
  | { kind: 'counter'; term: CounterTerm }
  | { kind: 'histogram'; term: HistogramTerm; part: 'bucket' | 'sum' | 'count' };

/** The vocabulary term of a sample name, or null for a raw one. */
export function termOf(name: string): Term | null {
  const gauge = GAUGE_BY_NAME.get(name);
  if (gauge !== undefined) return { kind: 'gauge', term: gauge };
  const counter = COUNTER_BY_NAME.get(name);
  if (counter !== undefined) return { kind: 'counter', term: counter };
  for (const part of ['bucket', 'sum', 'count'] as const) {
    const suffix = `_${part}`;
    if (!name.endsWith(suffix)) continue;
    const histogram = HISTOGRAM_BY_NAME.get(name.slice(0, -suffix.length));
    if (histogram !== undefined) return { kind: 'histogram', term: histogram, part };
  }
  return null;
}

/** The family a sample belongs to (histogram suffixes and `_total` removed), for counting raw families. */
export function familyOf(name: string): string {
  return name.replace(/_(bucket|sum|count|total|created)$/, '');
}

const PREFIXES: ReadonlyArray<[string, ServerKind]> = [
  ['vllm:', 'vllm'],
  ['sglang:', 'sglang'],
  ['tgi_', 'tgi'],
  ['llamacpp:', 'llamacpp'],
];

/** Which server wrote these names (the first known prefix found), `unknown` when none. */
export function serverKindOf(names: Iterable<string>): ServerKind {
  for (const name of names) for (const [prefix, kind] of PREFIXES) if (name.startsWith(prefix)) return kind;
  return 'unknown';
}

/** How the server is named in text. */
export const SERVER_NAMES: Readonly<Record<ServerKind, string>> = {
  vllm: 'vLLM',
  sglang: 'SGLang',
  tgi: 'TGI',
  llamacpp: 'llama.cpp',
  unknown: 'an unknown server',
};
