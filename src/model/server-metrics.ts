/**
 * The server's own metrics, scraped from its Prometheus endpoint during a local run (docs/server-metrics.md):
 * what the plan asks for, what one scrape holds, and summary.json's `serverMetrics` section.
 */

/** `--server-metrics URL` (repeatable) and `--server-metrics-interval`. */
export interface ServerMetricsPlan {
  /** Absolute http(s) URLs of Prometheus text endpoints, e.g. http://h:8000/metrics. */
  urls: string[];
  intervalS: number;
}

/** The servers whose metric names we know (by prefix); `unknown`: only raw series. */
export type ServerKind = 'vllm' | 'sglang' | 'tgi' | 'llamacpp' | 'unknown';

/** One sample as the text format has it: name, labels, value (`+Inf`, `-Inf` and `NaN` kept as numbers). */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One scrape of one endpoint; `t` is seconds since the load started (the baseline is slightly negative). */
export type Scrape =
  | { url: string; t: number; ok: true; status: number; durationMs: number; samples: PromSample[] }
  | { url: string; t: number; ok: false; error: string; durationMs: number };

/** A server histogram over the run window: exact count and mean, bucket-interpolated percentiles (ms). */
export interface ServerLatency {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

/** One point of the server's gauges, summed over label sets and endpoints (KV-cache: their mean, 0..1). */
export interface ServerTimelinePoint {
  t: number;
  running: number | null;
  waiting: number | null;
  kvCacheUsage: number | null;
}

export interface ServerEndpointReport {
  /** Masked. */
  url: string;
  server: ServerKind;
  scrapes: number;
  failed: number;
  /** The last failure in words ("timed out after 2000 ms", "HTTP 500", "malformed Prometheus text: …"). */
  lastError: string | null;
  /** Metric families seen that are not in the vocabulary: kept raw in server-metrics.jsonl. */
  rawFamilies: number;
}

/** Client TTFT against the server's for the same window (ms); client − server. */
export interface TtftComparison {
  client: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  server: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  difference: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  /** The server's mean queue time inside its TTFT, when it reports one. */
  serverQueueMeanMs: number | null;
  /** Requests the server counted in the window, and ours (a mismatch: other traffic or warmup). */
  serverRequests: number;
  clientRequests: number;
  explanation: string;
}

export interface SaturationVerdict {
  /** `queued`: waiting > 0 seen; `not-queued`: the gauge stayed 0; `unknown`: no waiting gauge. */
  state: 'queued' | 'not-queued' | 'unknown';
  /** First scrape with waiting > 0, seconds since the load started. */
  fromS: number | null;
  maxWaiting: number | null;
  /** Running requests at that first scrape: about the server's batch limit. */
  runningWhenQueued: number | null;
  maxRunning: number | null;
  verdict: string;
}

/** summary.json `serverMetrics` (docs/server-metrics.md). */
export interface ServerMetricsSummary {
  intervalS: number;
  timeoutMs: number;
  endpoints: ServerEndpointReport[];
  /** The window the deltas cover: the first and last successful scrapes (seconds since the load started). */
  window: { fromS: number; toS: number } | null;
  ttft: ServerLatency | null;
  e2e: ServerLatency | null;
  queueTime: ServerLatency | null;
  /** Mean and max over the scrapes. */
  running: { mean: number; max: number } | null;
  waiting: { mean: number; max: number } | null;
  kvCacheUsage: { mean: number; max: number } | null;
  /** Prefix-cache hits / queries over the window (0..1). */
  prefixCacheHitRate: number | null;
  promptTokensPerSecond: number | null;
  generationTokensPerSecond: number | null;
  /** Requests the server finished in the window. */
  requestsFinished: number | null;
  comparison: TtftComparison | null;
  saturation: SaturationVerdict;
  /** At most MAX_TIMELINE_POINTS points (evenly thinned); the full series is in server-metrics.jsonl. */
  timeline: ServerTimelinePoint[];
  percentileMethod: string;
}

export const MAX_TIMELINE_POINTS = 600;
