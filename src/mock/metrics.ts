/**
 * The mock's `/metrics`: vLLM's Prometheus names and format, from the mock's own stamps
 * (docs/server-metrics.md "The mock's /metrics"): running and waiting gauges, a KV-cache gauge that follows the load, TTFT, E2E and
 * queue-time histograms, token and prefix-cache counters. Counters are cumulative for the server's life
 * (a /mock/reset does not clear them, as a real server's survive between runs).
 */

/** vLLM's own bucket bounds (seconds). */
const TTFT_BOUNDS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const REQUEST_BOUNDS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];
/** Without --max-concurrent, the KV cache is full at this many requests in flight. */
export const MOCK_KV_CACHE_REQUESTS = 256;

/** What `/metrics` answers: normally, hang (never answer), error (HTTP 500) or malformed (not Prometheus text). */
export type MetricsFault = 'hang' | 'error' | 'malformed';
export const METRICS_FAULTS: readonly MetricsFault[] = ['hang', 'error', 'malformed'];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(seconds: number): void {
    this.sum += seconds;
    this.count += 1;
    for (let i = 0; i < this.bounds.length; i += 1) {
      if (seconds <= (this.bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
}

export class MockMetrics {
  private readonly ttft = new Histogram(TTFT_BOUNDS);
  private readonly e2e = new Histogram(REQUEST_BOUNDS);
  private readonly queue = new Histogram(REQUEST_BOUNDS);
  private promptTokens = 0;
  private generationTokens = 0;
  private prefixQueries = 0;
  private prefixHits = 0;
  private readonly success = new Map<string, number>();

  /** Stamps are performance.now() milliseconds. */
  observeQueue(queuedMs: number): void {
    this.queue.observe(queuedMs / 1000);
  }

  observeFirstToken(receivedAt: number, firstTokenAt: number): void {
    this.ttft.observe((firstTokenAt - receivedAt) / 1000);
  }

  observePrompt(inputTokens: number, cachedTokens: number): void {
    this.prefixQueries += inputTokens;
    this.prefixHits += cachedTokens;
  }

  /** A request the mock answered to its end (not a fault, not aborted). */
  observeFinished(receivedAt: number, endAt: number, inputTokens: number, outputTokens: number, finishReason: string): void {
    this.e2e.observe((endAt - receivedAt) / 1000);
    this.promptTokens += inputTokens;
    this.generationTokens += outputTokens;
    this.success.set(finishReason, (this.success.get(finishReason) ?? 0) + 1);
  }

  render(model: string, running: number, waiting: number, slots: number | null): string {
    const labels = `engine="0",model_name="${model.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
    const kv = Math.min(1, running / (slots ?? MOCK_KV_CACHE_REQUESTS));
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const gauge = (name: string, help: string, value: number): void => {
      family(name, 'gauge', help);
      out.push(`${name}{${labels}} ${formatValue(value)}`);
    };
    const counter = (name: string, help: string, value: number): void => {
      family(name, 'counter', help);
      out.push(`${name}_total{${labels}} ${formatValue(value)}`);
    };
    const histogram = (name: string, help: string, h: Histogram): void => {
      family(name, 'histogram', help);
      let cumulative = 0;
      h.bounds.forEach((bound, i) => {
        cumulative += h.counts[i] as number;
        out.push(`${name}_bucket{${labels},le="${formatValue(bound)}"} ${formatValue(cumulative)}`);
      });
      out.push(`${name}_bucket{${labels},le="+Inf"} ${formatValue(h.count)}`);
      out.push(`${name}_count{${labels}} ${formatValue(h.count)}`);
      out.push(`${name}_sum{${labels}} ${String(h.sum)}`);
    };
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', running);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', waiting);
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', kv);
    counter('vllm:prefix_cache_queries', 'Prefix cache queries, in terms of number of queried tokens.', this.prefixQueries);
    counter('vllm:prefix_cache_hits', 'Prefix cache hits, in terms of number of cached tokens.', this.prefixHits);
    counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', this.promptTokens);
    counter('vllm:generation_tokens', 'Number of generation tokens processed.', this.generationTokens);
    family('vllm:request_success', 'counter', 'Count of successfully processed requests.');
    for (const [reason, count] of this.success) out.push(`vllm:request_success_total{${labels},finished_reason="${reason}"} ${formatValue(count)}`);
    histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', this.ttft);
    histogram('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', this.e2e);
    histogram('vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', this.queue);
    return `${out.join('\n')}\n`;
  }
}

/** Python's float repr, as vLLM's client writes them: 3.0, 0.25. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
