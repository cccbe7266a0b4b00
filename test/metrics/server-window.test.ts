import { describe, expect, it } from 'vitest';
import { histogramQuantile, summarizeServerMetrics, type ServerWindowOptions } from '../../src/metrics/server-window.js';
import type { PromSample, Scrape } from '../../src/model/server-metrics.js';
import type { LatencyStats } from '../../src/model/summary.js';

const URL_A = 'http://127.0.0.1:8000/metrics';

function clientTtft(mean: number | null, count: number): LatencyStats {
  return { count, mean, min: mean, p50: mean, p90: mean, p95: mean, p99: mean, p999: mean, max: mean };
}

function options(extra: Partial<ServerWindowOptions> = {}): ServerWindowOptions {
  return { intervalS: 1, timeoutMs: 1000, urls: [URL_A], windowStartS: null, client: { ttft: clientTtft(30, 4), requests: 4 }, ...extra };
}

const s = (name: string, value: number, labels: Record<string, string> = {}): PromSample => ({ name, labels, value });

function ok(t: number, samples: PromSample[], url = URL_A): Scrape {
  return { url, t, ok: true, status: 200, durationMs: 1, samples };
}

/** A vLLM TTFT histogram (two engines) with cumulative counts per bound. */
function ttft(counts: Record<string, number>, sum: number, count: number): PromSample[] {
  return ['0', '1'].flatMap((engine) => [
    ...Object.entries(counts).map(([le, n]) => s('vllm:time_to_first_token_seconds_bucket', n / 2, { engine, le })),
    s('vllm:time_to_first_token_seconds_sum', sum / 2, { engine }),
    s('vllm:time_to_first_token_seconds_count', count / 2, { engine }),
  ]);
}

describe('histogramQuantile', () => {
  const buckets = new Map([
    [0.01, 2],
    [0.02, 6],
    [0.04, 8],
    [Number.POSITIVE_INFINITY, 10],
  ]);
  it.each([
    [0.1, 0.005], // rank 1 of 2 in [0, 0.01]
    [0.5, 0.0175], // rank 5: 3 of 4 into [0.01, 0.02]
    [0.8, 0.04], // rank 8: the top of [0.02, 0.04]
    [0.95, 0.04], // in +Inf: the largest finite bound
  ])('q=%s → %s s', (q, expected) => {
    expect(histogramQuantile({ buckets }, q)).toBeCloseTo(expected, 10);
  });
  it('is null without observations', () => {
    expect(histogramQuantile({ buckets: new Map([[Number.POSITIVE_INFINITY, 0]]) }, 0.5)).toBeNull();
  });
});

describe('summarizeServerMetrics', () => {
  it('takes deltas of vLLM histograms and counters over the window, summing label sets', () => {
    const first = ok(-0.01, [...ttft({ '0.02': 10, '0.04': 10, '+Inf': 10 }, 0.15, 10), s('vllm:generation_tokens_total', 100, { engine: '0' }), s('vllm:unknown_thing', 1)]);
    const last = ok(2, [...ttft({ '0.02': 10, '0.04': 14, '+Inf': 14 }, 0.27, 14), s('vllm:generation_tokens_total', 300, { engine: '0' }), s('vllm:unknown_thing', 1)]);
    const summary = summarizeServerMetrics([first, last], options());
    expect(summary.window).toEqual({ fromS: -0.01, toS: 2 });
    // 4 new observations, all in (0.02, 0.04]: mean (0.27 − 0.15) / 4 = 30 ms exactly.
    expect(summary.ttft).toEqual({ count: 4, mean: 30, p50: 30, p90: 38, p95: 39, p99: 39.8 });
    // Per second from the load’s start (the baseline came 10 ms before it).
    expect(summary.generationTokensPerSecond).toBe(100);
    expect(summary.endpoints).toEqual([{ url: URL_A, server: 'vllm', scrapes: 2, failed: 0, lastError: null, rawFamilies: 1 }]);
    expect(summary.comparison?.difference.mean).toBe(0);
    expect(summary.comparison?.explanation).not.toMatch(/approximate/);
  });

  it('percentiles never pass mean / (1 − q): queue times all 0 s in a [0, 0.3] bucket read 0, not 150 ms', () => {
    const queue = (count: number, sum: number): ReturnType<typeof s>[] => [
      s('vllm:request_queue_time_seconds_bucket', count, { le: '0.3' }),
      s('vllm:request_queue_time_seconds_bucket', count, { le: '+Inf' }),
      s('vllm:request_queue_time_seconds_sum', sum),
      s('vllm:request_queue_time_seconds_count', count),
    ];
    const zero = summarizeServerMetrics([ok(0, queue(0, 0)), ok(2, queue(40, 0))], options());
    expect(zero.queueTime).toEqual({ count: 40, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0 });
    // Mean 10 ms: p50 at most 20 ms, p90 at most 100 ms; p95 and p99 keep the interpolation (under their caps).
    const small = summarizeServerMetrics([ok(0, queue(0, 0)), ok(2, queue(40, 0.4))], options());
    expect(small.queueTime).toEqual({ count: 40, mean: 10, p50: 20, p90: 100, p95: 200, p99: 297 });
  });

  it('a counter that went down was reset: what it counted since', () => {
    const summary = summarizeServerMetrics(
      [ok(0, [s('vllm:prompt_tokens_total', 500)]), ok(10, [s('vllm:prompt_tokens_total', 40)])],
      options(),
    );
    expect(summary.promptTokensPerSecond).toBe(4);
  });

  it('starts the window at the first scrape from the end of our warmup', () => {
    const scrapes = [ok(-0.01, ttft({ '+Inf': 0 }, 0, 0)), ok(1.002, ttft({ '+Inf': 6 }, 0.6, 6)), ok(3, ttft({ '+Inf': 10 }, 1.0, 10))];
    const summary = summarizeServerMetrics(scrapes, options({ windowStartS: 1 }));
    expect(summary.window).toEqual({ fromS: 1.002, toS: 3 });
    expect(summary.ttft?.count).toBe(4);
  });

  it.each([
    ['SGLang', ['sglang:num_running_reqs', 'sglang:num_queue_reqs', 'sglang:token_usage'], 'sglang'],
    ['TGI', ['tgi_batch_current_size', 'tgi_queue_size', null], 'tgi'],
    ['llama.cpp', ['llamacpp:requests_processing', 'llamacpp:requests_deferred', 'llamacpp:kv_cache_usage_ratio'], 'llamacpp'],
    ['vLLM (old KV name)', ['vllm:num_requests_running', 'vllm:num_requests_waiting', 'vllm:gpu_cache_usage_perc'], 'vllm'],
  ] as const)('maps %s gauges to running, waiting and KV-cache use', (_server, [running, waiting, kv], kind) => {
    const at = (t: number, r: number, w: number, k: number): Scrape =>
      ok(t, [s(running, r, { a: '1' }), s(running, r, { a: '2' }), s(waiting, w), ...(kv === null ? [] : [s(kv, k, { a: '1' }), s(kv, k + 0.2, { a: '2' })])]);
    const summary = summarizeServerMetrics([at(0, 1, 0, 0.1), at(1, 4, 0, 0.3), at(2, 4, 3, 0.5)], options());
    expect(summary.endpoints[0]?.server).toBe(kind);
    expect(summary.timeline.map((p) => [p.t, p.running, p.waiting, p.kvCacheUsage])).toEqual([
      [0, 2, 0, kv === null ? null : 0.2],
      [1, 8, 0, kv === null ? null : 0.4],
      [2, 8, 3, kv === null ? null : 0.6],
    ]);
    expect(summary.saturation).toMatchObject({ state: 'queued', fromS: 2, runningWhenQueued: 8, maxWaiting: 3, maxRunning: 8 });
    expect(summary.saturation.verdict).toBe('the server queued requests from 2s: waiting > 0 while running = 8 (at most 3 waiting, 8 running): it was at its batch limit');
  });

  it.each([
    ['waiting stayed 0', [ok(0, [s('vllm:num_requests_waiting', 0), s('vllm:num_requests_running', 3)])], 'not-queued', 'the server never queued a request: waiting stayed 0 in 1 scrapes (at most 3 running)'],
    ['no waiting gauge', [ok(0, [s('vllm:num_requests_running', 3)])], 'unknown', 'saturation unknown: vLLM exposes no waiting-requests gauge we know'],
    ['no scrape succeeded', [{ url: URL_A, t: 0, ok: false, error: 'HTTP 500', durationMs: 1 } as Scrape], 'unknown', 'saturation unknown: no scrape of the server metrics succeeded'],
  ] as const)('saturation when %s', (_what, scrapes, state, verdict) => {
    expect(summarizeServerMetrics(scrapes, options()).saturation).toMatchObject({ state, verdict });
  });

  it('says when the server timed other requests than ours, and names its queueing', () => {
    const queue = (n: number, sum: number): PromSample[] => [s('vllm:request_queue_time_seconds_bucket', n, { le: '+Inf' }), s('vllm:request_queue_time_seconds_sum', sum), s('vllm:request_queue_time_seconds_count', n)];
    const summary = summarizeServerMetrics(
      [ok(0, [...ttft({ '+Inf': 0 }, 0, 0), ...queue(0, 0)]), ok(5, [...ttft({ '0.04': 6, '+Inf': 6 }, 0.12, 6), ...queue(6, 0.06)])],
      options({ client: { ttft: clientTtft(30, 4), requests: 4 } }),
    );
    expect(summary.comparison).toMatchObject({ serverRequests: 6, clientRequests: 4, serverQueueMeanMs: 10, difference: { mean: 10 } });
    expect(summary.comparison?.explanation).toContain("the server's TTFT includes 10.0 ms of queueing on average (33.3% of our TTFT)");
    expect(summary.comparison?.explanation).toContain('the server timed 6 first tokens in the window and we 4');
  });

  it('keeps each endpoint’s failures and thins a long timeline to 600 points', () => {
    const scrapes: Scrape[] = [];
    for (let i = 0; i < 1000; i += 1) scrapes.push(ok(i, [s('vllm:num_requests_running', i % 7)]));
    scrapes.push({ url: URL_A, t: 1000, ok: false, error: 'timed out after 1000 ms', durationMs: 1000 });
    const summary = summarizeServerMetrics(scrapes, options());
    expect(summary.timeline).toHaveLength(600);
    expect(summary.timeline.at(-1)?.t).toBe(999);
    expect(summary.endpoints[0]).toMatchObject({ scrapes: 1001, failed: 1, lastError: 'timed out after 1000 ms' });
    expect(summary.running).toEqual({ mean: expect.closeTo(2.997, 3), max: 6 });
  });
});
