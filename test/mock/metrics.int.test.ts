import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { parsePromText, PromTextError } from '../../src/metrics/prometheus-text.js';
import type { PromSample } from '../../src/model/server-metrics.js';

/** The mock's /metrics: vLLM's names and format, from its own stamps. */
const mocks: MockServer[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

async function mockWith(options: Parameters<typeof startMockServer>[0]): Promise<MockServer> {
  const mock = await startMockServer(options);
  mocks.push(mock);
  return mock;
}

async function chat(mock: MockServer, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock-model', stream: true, messages: [{ role: 'user', content: 'hello there' }], ...extra }),
  });
  await response.text();
}

async function scrape(mock: MockServer): Promise<PromSample[]> {
  const response = await fetch(`${mock.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePromText(await response.text());
}

const value = (samples: PromSample[], name: string, labels: Record<string, string> = {}): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('the mock’s /metrics', () => {
  it('times TTFT and E2E from its own stamps in vLLM’s histograms, with its token counters', async () => {
    const mock = await mockWith({ ttftMs: 15, itlMs: 1, outputTokens: 4, cachedTokens: 2 });
    for (let i = 0; i < 3; i += 1) await chat(mock);
    const samples = await scrape(mock);
    const records = mock.records;
    const ttftS = records.map((r) => ((r.firstTokenAt as number) - r.receivedAt) / 1000);
    const e2eS = records.map((r) => ((r.endAt as number) - r.receivedAt) / 1000);
    const labels = { model_name: 'mock-model', engine: '0' };
    expect(value(samples, 'vllm:time_to_first_token_seconds_count', labels)).toBe(3);
    expect(value(samples, 'vllm:time_to_first_token_seconds_sum', labels)).toBeCloseTo(ttftS.reduce((a, b) => a + b, 0), 12);
    expect(value(samples, 'vllm:e2e_request_latency_seconds_sum', labels)).toBeCloseTo(e2eS.reduce((a, b) => a + b, 0), 12);
    // Cumulative buckets: none at or below 5 ms (the TTFT is 15 ms), all by 1 s.
    expect(value(samples, 'vllm:time_to_first_token_seconds_bucket', { le: '0.005' })).toBe(0);
    expect(value(samples, 'vllm:time_to_first_token_seconds_bucket', { le: '1.0' })).toBe(3);
    expect(value(samples, 'vllm:time_to_first_token_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(value(samples, 'vllm:request_queue_time_seconds_sum')).toBe(0);
    expect(value(samples, 'vllm:generation_tokens_total')).toBe(12);
    expect(value(samples, 'vllm:prompt_tokens_total')).toBe(records.reduce((a, r) => a + (r.inputTokens ?? 0), 0));
    expect(value(samples, 'vllm:prefix_cache_hits_total')).toBe(6);
    expect(value(samples, 'vllm:request_success_total', { finished_reason: 'stop' })).toBe(3);
    expect(value(samples, 'vllm:num_requests_running')).toBe(0);
    expect(value(samples, 'vllm:num_requests_waiting')).toBe(0);
    expect(value(samples, 'vllm:kv_cache_usage_perc')).toBe(0);
  });

  it('with --max-concurrent: running = the limit, waiting = the queue, the KV cache full', async () => {
    const mock = await mockWith({ ttftMs: 400, outputTokens: 1, maxConcurrent: 2 });
    const requests = [chat(mock), chat(mock), chat(mock)];
    // Three requests received: two answering, one waiting for a slot.
    const deadline = Date.now() + 10_000;
    while (mock.stats().requests < 3) {
      if (Date.now() > deadline) throw new Error('the mock never received the three requests');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const samples = await scrape(mock);
    expect([value(samples, 'vllm:num_requests_running'), value(samples, 'vllm:num_requests_waiting'), value(samples, 'vllm:kv_cache_usage_perc')]).toEqual([2, 1, 1]);
    await Promise.all(requests);
    const after = await scrape(mock);
    expect(value(after, 'vllm:request_queue_time_seconds_count')).toBe(3);
    expect(value(after, 'vllm:request_queue_time_seconds_sum')).toBeCloseTo(mock.records.reduce((a, r) => a + (r.queuedMs as number), 0) / 1000, 12);
    expect(value(after, 'vllm:request_queue_time_seconds_sum')).toBeGreaterThan(0.3);
  });

  it.each([
    ['error', async (mock: MockServer) => {
      expect((await fetch(`${mock.url}/metrics`)).status).toBe(500);
    }],
    ['malformed', async (mock: MockServer) => {
      const text = await (await fetch(`${mock.url}/metrics`)).text();
      expect(() => parsePromText(text)).toThrow(PromTextError);
    }],
    ['hang', async (mock: MockServer) => {
      await expect(fetch(`${mock.url}/metrics`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/timeout|aborted/i);
    }],
  ] as const)('--metrics-fault %s', async (fault, check) => {
    const mock = await mockWith({ metricsFault: fault });
    await check(mock);
  });

  it('refuses an unknown fault', async () => {
    await expect(startMockServer({ metricsFault: 'slow' as never })).rejects.toThrow('mock option metricsFault: "slow" must be one of hang, error, malformed');
  });
});
