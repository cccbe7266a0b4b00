import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildRunPlan, runLocal, startMockServer, type MockServer } from '../../src/index.js';
import type { RawRunOptions } from '../../src/input/options.js';
import { readRecords } from '../../src/metrics/from-records.js';
import type { ServerMetricsSummary } from '../../src/model/server-metrics.js';

/**
 * --server-metrics against the bundled mock's /metrics (vLLM names, from its own stamps): the server's TTFT
 * equals the mock's stamps, ours differs by what lies outside the server's clock, a queue is detected, and
 * a /metrics that hangs, fails or is malformed changes nothing in the load's numbers.
 */
const mocks: MockServer[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

async function mockWith(options: Parameters<typeof startMockServer>[0]): Promise<MockServer> {
  const mock = await startMockServer(options);
  mocks.push(mock);
  return mock;
}

async function run(target: MockServer, raw: RawRunOptions, precheck = false) {
  const out = join(mkdtempSync(join(tmpdir(), 'server-metrics-')), 'run');
  const plan = await buildRunPlan(
    { local: true, url: `${target.url}/v1/chat/completions`, model: 'mock-model', out, ...raw },
    { env: {}, cwd: process.cwd(), readStdin: async () => '' },
  );
  const startedAt = performance.now();
  const result = await runLocal({ plan: { ...plan, skipPrecheck: !precheck }, cwd: process.cwd(), tickMs: null }).done;
  return { ...result, out, wallMs: performance.now() - startedAt, server: result.summary.serverMetrics as ServerMetricsSummary };
}

/** The mock's own TTFT of each answered request, in ms (body received → first token written). */
function stampTtfts(mock: MockServer): number[] {
  return mock.records.filter((r) => r.firstTokenAt !== null).map((r) => (r.firstTokenAt as number) - r.receivedAt);
}

// A first run compiles the engine's code: its first requests would carry the JIT's milliseconds.
beforeAll(async () => {
  const mock = await startMockServer({});
  await run(mock, { concurrentUsers: '1', maxRequests: '20' });
  await mock.close();
});

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Our TTFT of each successful request, in the order they finished (results.jsonl). */
function clientTtfts(out: string): number[] {
  return readRecords(readFileSync(join(out, 'results.jsonl'), 'utf8')).records.filter((r) => r.ok && r.ttftMs !== null).map((r) => r.ttftMs as number);
}

describe('--server-metrics', () => {
  test('at low load the server TTFT is the mock’s stamps, and ours is within a millisecond of it', async () => {
    const mock = await mockWith({ ttftMs: 30, itlMs: 1, outputTokens: 5 });
    const { summary, server, out } = await run(mock, {
      concurrentUsers: '1',
      maxRequests: '20',
      duration: '30',
      serverMetrics: [`${mock.url}/metrics`],
      serverMetricsInterval: '0.2',
    });
    expect(summary.requests.ok).toBe(20);
    const stamps = stampTtfts(mock);
    expect(stamps).toHaveLength(20);
    expect(server.endpoints).toEqual([{ url: `${mock.url}/metrics`, server: 'vllm', scrapes: expect.any(Number), failed: 0, lastError: null, rawFamilies: 0 }]);
    // The window's histogram holds exactly the load's requests; its mean is exact (sum / count, rounded to 1 µs).
    expect(server.ttft?.count).toBe(20);
    expect(Math.abs((server.ttft?.mean as number) - mean(stamps))).toBeLessThan(0.001);
    // Percentiles are bucket-interpolated: inside vLLM's bucket that holds the stamps (20–40 ms).
    expect(server.ttft?.p50).toBeGreaterThan(20);
    expect(server.ttft?.p50).toBeLessThanOrEqual(40);
    // Ours minus the server's is the time outside its clock. One user: our records and the mock's pair up in
    // order, so each request's overhead is known from the stamps; a busy machine adds hiccups to a few of
    // them, so the millisecond holds for the typical request (the median) and the mean is what the stamps say.
    const comparison = server.comparison;
    const overheads = clientTtfts(out).map((ttft, i) => ttft - (stamps[i] as number));
    expect(overheads.every((o) => o > -0.01)).toBe(true);
    expect(Math.abs((comparison?.difference.mean as number) - mean(overheads))).toBeLessThan(0.01);
    expect(median(overheads), `per-request overheads from the stamps: ${overheads.map((o) => o.toFixed(2)).join(' ')} ms`).toBeLessThan(1);
    expect(comparison).toMatchObject({ serverRequests: 20, clientRequests: 20, serverQueueMeanMs: 0 });
    expect(comparison?.explanation).toMatch(/network both ways/);
    expect(server.saturation.state).toBe('not-queued');
    expect(server.saturation.maxRunning).toBe(1);
    expect(server.generationTokensPerSecond).toBeGreaterThan(0);
    // The raw series: one line per scrape, the vLLM samples as [name, labels, value].
    const lines = readFileSync(join(out, 'server-metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { ok: boolean; samples: unknown[][] });
    expect(lines.length).toBe(server.endpoints[0]?.scrapes);
    expect(lines.every((line) => line.ok)).toBe(true);
    expect(lines[0]?.samples.map((sample) => sample[0])).toContain('vllm:num_requests_running');
    expect(existsSync(join(out, 'server-metrics.spool.jsonl'))).toBe(false);
  });

  test('a server at its concurrency limit: waiting > 0 is detected while running = the limit', async () => {
    const mock = await mockWith({ ttftMs: 60, itlMs: 2, outputTokens: 5, maxConcurrent: 2 });
    const { server } = await run(mock, {
      concurrentUsers: '6',
      spawnRate: '100',
      duration: '1.5',
      serverMetrics: [`${mock.url}/metrics`],
      serverMetricsInterval: '0.1',
    });
    expect(server.saturation).toMatchObject({ state: 'queued', runningWhenQueued: 2, maxRunning: 2 });
    expect(server.saturation.maxWaiting).toBeGreaterThanOrEqual(1);
    expect(server.saturation.maxWaiting).toBeLessThanOrEqual(4);
    expect(server.saturation.verdict).toMatch(/^the server queued requests from \d+s: waiting > 0 while running = 2 /);
    // The KV-cache gauge follows the load: both slots in use is a full cache.
    expect(server.kvCacheUsage?.max).toBe(1);
    expect(server.queueTime?.mean).toBeGreaterThan(0);
    expect(server.comparison?.serverQueueMeanMs).toBe(server.queueTime?.mean);
    expect(server.comparison?.explanation).toMatch(/of queueing on average/);
  });

  test('without --server-metrics the pre-check offers a known /metrics, and nothing is scraped', async () => {
    const mock = await mockWith({ outputTokens: 3 });
    const { summary, out } = await run(mock, { concurrentUsers: '1', maxRequests: '2' }, true);
    expect(summary.precheck?.serverMetricsOffer).toEqual({ url: `${mock.url}/metrics`, server: 'vllm' });
    expect(summary.precheck?.notes).toContain(
      `${mock.url}/metrics serves vLLM's metrics: add --server-metrics ${mock.url}/metrics to scrape them during the run and see the server's side (queue, KV cache, its TTFT)`,
    );
    expect(summary.serverMetrics).toBeUndefined();
    expect(existsSync(join(out, 'server-metrics.jsonl'))).toBe(false);

    const failing = await mockWith({ outputTokens: 3, metricsFault: 'error' });
    expect((await run(failing, { concurrentUsers: '1', maxRequests: '1' }, true)).summary.precheck?.serverMetricsOffer).toBeUndefined();
    const asked = await run(mock, { concurrentUsers: '1', maxRequests: '1', serverMetrics: [`${mock.url}/metrics`] }, true);
    expect(asked.summary.precheck?.serverMetricsOffer).toBeUndefined();
    expect(asked.server.endpoints[0]?.failed).toBe(0);
  });

  test('a /metrics that hangs, fails or is malformed changes nothing in the load, and each failure is reported', async () => {
    const target = await mockWith({ ttftMs: 20, itlMs: 1, outputTokens: 5 });
    const hanging = await mockWith({ metricsFault: 'hang' });
    const failing = await mockWith({ metricsFault: 'error' });
    const malformed = await mockWith({ metricsFault: 'malformed' });
    const durationS = 1.5;
    const { summary, server, wallMs, out } = await run(target, {
      concurrentUsers: '1',
      duration: String(durationS),
      serverMetrics: [`${hanging.url}/metrics`, `${failing.url}/metrics`, `${malformed.url}/metrics`],
      serverMetricsInterval: '0.25',
    });
    // On time: the planned window, and at most the baseline's and the last scrape's deadlines (250 ms each) more.
    expect(summary.stop?.reason).toBe('duration');
    expect(summary.measuredSeconds).toBeGreaterThanOrEqual(durationS - 0.05);
    expect(summary.measuredSeconds).toBeLessThan(durationS + 0.5);
    expect(wallMs, 'the run waited for a hanging scrape beyond its deadline').toBeLessThan((durationS + 0.25 + 0.25 + 3) * 1000);
    // Counts and TTFT are those of the target's own stamps.
    const stamps = stampTtfts(target);
    expect(summary.requests.total).toBe(target.records.length);
    expect(summary.requests.ok).toBe(stamps.length);
    const overheads = clientTtfts(out).map((ttft, i) => ttft - (stamps[i] as number));
    expect(overheads.every((o) => o > -0.01)).toBe(true);
    expect(median(overheads), `our TTFT minus the mock’s stamps: ${overheads.map((o) => o.toFixed(2)).join(' ')} ms`).toBeLessThan(1);
    expect(server.endpoints.map((e) => [e.failed === e.scrapes, e.lastError])).toEqual([
      [true, 'timed out after 250 ms'],
      [true, 'HTTP 500'],
      [true, expect.stringMatching(/^malformed Prometheus text: Encountered invalid line/)],
    ]);
    expect(server.endpoints.every((e) => e.scrapes >= 2)).toBe(true);
    expect(server.ttft).toBeNull();
    expect(server.comparison).toBeNull();
    expect(server.saturation).toMatchObject({ state: 'unknown', verdict: 'saturation unknown: no scrape of the server metrics succeeded' });
  });
});
