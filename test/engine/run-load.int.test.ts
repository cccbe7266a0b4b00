import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLoad, type RunLoadResult } from '../../src/engine/run-load.js';
import type { LoadOptions } from '../../src/model/plan.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import type { PromptItem } from '../../src/protocol/types.js';
import { loadOptions, memorySink, mockTarget } from './helpers.js';

/** Generous: the machine is shared and loaded; the point is that TTFT tracks the server's delay. */
const TOLERANCE_MS = 40;

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 1 });
});
afterAll(async () => {
  await mock.close();
});

async function run(
  load: Partial<LoadOptions>,
  options: { headers?: Record<string, string>; stream?: boolean; apiType?: 'openai-chat' | 'anthropic-messages'; timeoutMs?: number; prompts?: PromptItem[] } = {},
): Promise<{ result: RunLoadResult; records: RequestRecord[] }> {
  mock.reset();
  const sink = memorySink();
  const handle = startLoad({
    target: mockTarget(mock.url, options),
    load: loadOptions(load),
    prompts: options.prompts ?? null,
    sink,
    gracefulStopMs: 2000,
  });
  const result = await handle.done;
  return { result, records: sink.records };
}

describe('closed loop against the bundled mock', () => {
  test("TTFT and E2E match the configured timing and the mock's own clock; token counts exact", async () => {
    mock.reset();
    const sink = memorySink();
    const truth: Array<{ ttftErrorMs: number; e2eErrorMs: number }> = [];
    const handle = startLoad({
      target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '100', 'x-mock-itl-ms': '5', 'x-mock-output-tokens': '20' } }),
      load: loadOptions({ concurrentUsers: 4, maxRequests: 12, durationS: 30 }),
      prompts: null,
      sink,
      requestIdHeader: 'x-mock-request-id',
      onRecord: (record, meta) => {
        const server = meta.requestId === null ? undefined : mock.findRecord(meta.requestId);
        if (server === undefined || server.firstTokenAt === null || server.endAt === null || record.ttftMs === null) return;
        // Same process, same clock: our stamp of the first token minus the moment the mock wrote it.
        truth.push({
          ttftErrorMs: meta.t0Ms + record.ttftMs - server.firstTokenAt,
          e2eErrorMs: meta.t0Ms + (record.e2eMs ?? 0) - server.endAt,
        });
      },
    });
    const result = await handle.done;
    const records = sink.records;
    expect(result.outcome.stopReason).toBe('max-requests');
    // No schedule, no schedule lag: the closed loop's health has no such figures.
    expect('scheduleLagP99Ms' in result.generator).toBe(false);
    expect(records).toHaveLength(12);
    expect(truth).toHaveLength(12);
    for (const { ttftErrorMs, e2eErrorMs } of truth) {
      expect(ttftErrorMs).toBeGreaterThanOrEqual(-0.01);
      expect(ttftErrorMs).toBeLessThan(TOLERANCE_MS);
      expect(e2eErrorMs).toBeGreaterThanOrEqual(-0.01);
      expect(e2eErrorMs).toBeLessThan(TOLERANCE_MS);
    }
    for (const record of records) {
      expect(record.ok).toBe(true);
      expect(record.phase).toBe('measure');
      expect(record.outputTokens).toBe(20);
      expect(record.tokenSource).toBe('usage');
      expect(record.chunks).toBe(20);
      // Node timers may fire up to 1 ms early, never much earlier.
      expect(record.ttftMs).toBeGreaterThanOrEqual(99);
      expect(record.e2eMs).toBeGreaterThanOrEqual(99 + 19 * 4);
    }
    // Against the configured timing, the median (a loaded machine delays the mock's own timers at times).
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    expect(median(records.map((r) => r.ttftMs ?? NaN))).toBeLessThan(100 + TOLERANCE_MS);
    expect(median(records.map((r) => r.e2eMs ?? NaN))).toBeLessThan(100 + 19 * 7 + TOLERANCE_MS);
    expect(median(records.map((r) => r.itlMs ?? NaN))).toBeLessThan(7 + TOLERANCE_MS / 19);
    const snapshot = result.snapshot;
    expect(snapshot.requests).toEqual({ started: 12, ok: 12, failed: 0, incomplete: 0 });
    expect(snapshot.tokens.output).toBe(12 * 20);
    expect(mock.stats().requests).toBe(12);
  });

  test('per-user sequence numbers are 1..n and every user took part', async () => {
    const { records } = await run({ concurrentUsers: 3, maxRequests: 9, durationS: 30 });
    const byUser = new Map<number, number[]>();
    for (const r of records) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r.seq]);
    expect([...byUser.keys()].sort()).toEqual([0, 1, 2]);
    for (const seqs of byUser.values()) expect(seqs.sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i + 1));
  });

  test('Anthropic streams and non-streamed JSON are measured too', async () => {
    const anthropic = await run(
      { concurrentUsers: 2, maxRequests: 4, durationS: 30 },
      { apiType: 'anthropic-messages', headers: { 'x-mock-ttft-ms': '50', 'x-mock-output-tokens': '7' } },
    );
    expect(anthropic.records.map((r) => [r.ok, r.outputTokens])).toEqual(Array(4).fill([true, 7]));
    const json = await run(
      { concurrentUsers: 2, maxRequests: 4, durationS: 30 },
      { stream: false, headers: { 'x-mock-ttft-ms': '50', 'x-mock-output-tokens': '9' } },
    );
    expect(json.records.map((r) => [r.ok, r.outputTokens, r.chunks])).toEqual(Array(4).fill([true, 9, 1]));
    for (const r of json.records) expect(r.e2eMs).toBeGreaterThanOrEqual(49);
  });

  test('test data: each request carries the next prompt, round robin', async () => {
    const prompts: PromptItem[] = [{ prompt: 'alpha' }, { prompt: 'beta' }, { prompt: 'gamma' }];
    const { records } = await run({ concurrentUsers: 1, maxRequests: 6, durationS: 30 }, { prompts });
    expect(records).toHaveLength(6);
    // The mock counts input tokens of the prompt it received: the same prompt gives the same count.
    const inputs = records.map((r) => r.inputTokens);
    expect(inputs.slice(0, 3)).toEqual(inputs.slice(3, 6));
  });
});

describe('faults: categories and counts are exact', () => {
  test('a 10% error rate of 429 gives exactly 10 rate_limited failures in 100 requests', async () => {
    const { result, records } = await run(
      { concurrentUsers: 4, maxRequests: 100, durationS: 30 },
      { headers: { 'x-mock-error-rate': '0.1', 'x-mock-fail-status': '429', 'x-mock-output-tokens': '5' } },
    );
    const failed = records.filter((r) => !r.ok);
    expect(records).toHaveLength(100);
    expect(failed).toHaveLength(10);
    for (const r of failed) {
      expect(r.errorCategory).toBe('rate_limited');
      expect(r.status).toBe(429);
    }
    expect(result.snapshot.errors.byCategory).toEqual({ rate_limited: 10 });
    expect(result.snapshot.errors.byStatus).toEqual({ '429': 10 });
  });

  test.each([
    [{ 'x-mock-fail-status': '401' }, 'auth', 401],
    [{ 'x-mock-fail-status': '404' }, 'not_found', 404],
    [{ 'x-mock-fail-status': '500' }, 'server_error', 500],
    [{ 'x-mock-fail-status': '503' }, 'server_error', 503],
  ])('status fault %j → %s', async (headers, category, status) => {
    const { records } = await run({ concurrentUsers: 2, maxRequests: 6, durationS: 30 }, { headers });
    expect(records.map((r) => [r.ok, r.errorCategory, r.status])).toEqual(Array(6).fill([false, category, status]));
  });

  test('Anthropic 529 → overloaded', async () => {
    const { records } = await run(
      { concurrentUsers: 1, maxRequests: 3, durationS: 30 },
      { apiType: 'anthropic-messages', headers: { 'x-mock-fail-status': '529' } },
    );
    expect(records.map((r) => r.errorCategory)).toEqual(['overloaded', 'overloaded', 'overloaded']);
  });

  test('a dropped connection mid-stream and an error event in a 200 stream are failures', async () => {
    const dropped = await run(
      { concurrentUsers: 1, maxRequests: 3, durationS: 30 },
      { headers: { 'x-mock-drop-after-tokens': '3' } },
    );
    for (const r of dropped.records) {
      expect(r.ok).toBe(false);
      expect(['connection_reset', 'invalid_response']).toContain(r.errorCategory);
    }
    const midStream = await run(
      { concurrentUsers: 1, maxRequests: 3, durationS: 30 },
      { headers: { 'x-mock-mid-stream-error-after-tokens': '3' } },
    );
    for (const r of midStream.records) {
      expect(r.ok).toBe(false);
      expect(r.status).toBe(200);
      expect(['server_error', 'overloaded']).toContain(r.errorCategory);
    }
  });

  test('a server that never answers hits --timeout: category timeout', async () => {
    const { records } = await run(
      { concurrentUsers: 2, maxRequests: 2, durationS: 30 },
      { headers: { 'x-mock-hang': 'true' }, timeoutMs: 300 },
    );
    expect(records.map((r) => r.errorCategory)).toEqual(['timeout', 'timeout']);
  });
});

describe('shapes and stop rules', () => {
  test('warmup requests are sent and recorded but excluded from the figures', async () => {
    const { result, records } = await run(
      { concurrentUsers: 2, warmupS: 0.5, durationS: 0.6 },
      { headers: { 'x-mock-ttft-ms': '40', 'x-mock-output-tokens': '3' } },
    );
    const warmup = records.filter((r) => r.phase === 'warmup');
    const measured = records.filter((r) => r.phase === 'measure' && r.errorCategory !== 'incomplete');
    expect(warmup.length).toBeGreaterThanOrEqual(4);
    expect(measured.length).toBeGreaterThanOrEqual(4);
    expect(result.snapshot.requests.ok).toBe(measured.filter((r) => r.ok).length);
    expect(result.snapshot.latency.ttft).toBeDefined();
  });

  test('duration: stops starting at the end; in-flight requests past the grace are incomplete', async () => {
    mock.reset();
    const sink = memorySink();
    const handle = startLoad({
      target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '2000' } }),
      load: loadOptions({ concurrentUsers: 3, durationS: 0.3 }),
      prompts: null,
      sink,
      gracefulStopMs: 200,
    });
    const result = await handle.done;
    expect(result.outcome.stopReason).toBe('duration');
    expect(sink.records.map((r) => r.errorCategory)).toEqual(['incomplete', 'incomplete', 'incomplete']);
    expect(result.snapshot.requests).toMatchObject({ ok: 0, failed: 0, incomplete: 3 });
  });

  test('stop("interrupted") ends a long run within the grace and keeps what finished', async () => {
    mock.reset();
    const sink = memorySink();
    const handle = startLoad({
      target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '30', 'x-mock-output-tokens': '2' } }),
      load: loadOptions({ concurrentUsers: 2, durationS: 600 }),
      prompts: null,
      sink,
      gracefulStopMs: 1000,
    });
    await handle.started;
    await new Promise((resolve) => setTimeout(resolve, 400));
    handle.stop('interrupted');
    const result = await handle.done;
    expect(result.outcome.stopReason).toBe('interrupted');
    const ok = sink.records.filter((r) => r.ok).length;
    expect(ok).toBeGreaterThan(4);
    expect(result.snapshot.requests.ok).toBe(ok);
  });

  test('stepped load reaches each step: 1 → 2 → 3 users', async () => {
    const { result, records } = await run(
      {
        loadMode: 'stepped',
        step: { startUsers: 1, increment: 1, durationS: 0.5, maxUsers: 3, sustainS: 0.5 },
        concurrentUsers: 3,
      },
      { headers: { 'x-mock-ttft-ms': '20', 'x-mock-output-tokens': '2' } },
    );
    const users = new Set(records.map((r) => r.user));
    expect([...users].sort()).toEqual([0, 1, 2]);
    // User 1 joins at 0.5 s and user 2 at 1 s after the run's start: their first requests start no earlier.
    // Measured from the run's start, not user 0's first send (which a busy machine may delay).
    const firstStart = (user: number): number =>
      Math.min(...records.filter((r) => r.user === user).map((r) => Date.parse(r.ts)));
    const t0 = result.startedAt.getTime();
    expect(firstStart(1) - t0).toBeGreaterThanOrEqual(490);
    expect(firstStart(2) - t0).toBeGreaterThanOrEqual(990);
    expect(result.snapshot.maxUsers).toBe(3);
    const usersByTime = result.snapshot.timeline.map((p) => p.users);
    expect(usersByTime[0]).toBe(2);
    expect(Math.max(...usersByTime)).toBe(3);
  });

  test('open loop: the achieved rate is within 5% of the rate asked, with queue time recorded', async () => {
    const { records, result } = await run(
      { rate: 40, arrival: 'constant', concurrentUsers: 20, durationS: 2 },
      { headers: { 'x-mock-ttft-ms': '10', 'x-mock-output-tokens': '2' } },
    );
    const started = records.length;
    expect(started).toBeGreaterThanOrEqual(80 * 0.95);
    expect(started).toBeLessThanOrEqual(80 * 1.05);
    for (const r of records) expect(r.queueMs).not.toBeNull();
    // 20 users for about one request in flight: no arrival waits for a user, so the generator's own schedule
    // lag is the records' queue time, taken a few microseconds earlier in the same send.
    const lags = records.filter((r) => r.phase === 'measure').map((r) => r.queueMs as number);
    const { scheduleLagP99Ms, scheduleLagMaxMs } = result.generator;
    expect(scheduleLagMaxMs).not.toBeNull();
    expect(scheduleLagMaxMs as number).toBeLessThanOrEqual(Math.max(...lags) + 0.001);
    expect(scheduleLagMaxMs as number).toBeGreaterThan(Math.max(...lags) - 1);
    expect(scheduleLagP99Ms as number).toBeLessThanOrEqual(scheduleLagMaxMs as number);
  });

  test('open loop, poisson: rate within 5% over 3 s at 60/s', async () => {
    const { records, result } = await run(
      { rate: 60, arrival: 'poisson', concurrentUsers: 30, durationS: 3 },
      { headers: { 'x-mock-ttft-ms': '5', 'x-mock-output-tokens': '2' } },
    );
    expect('scheduleLagP99Ms' in result.generator).toBe(true);
    // The seeded generator gives a fixed sequence; 180 expected.
    expect(records.length).toBeGreaterThanOrEqual(180 * 0.95);
    expect(records.length).toBeLessThanOrEqual(180 * 1.05);
  });
});

test('a stop before the run started (Ctrl-C while connecting) still ends it, with nothing sent', async () => {
  mock.reset();
  const sink = memorySink();
  const handle = startLoad({ target: mockTarget(mock.url), load: loadOptions({ durationS: 60 }), prompts: null, sink });
  handle.stop('interrupted');
  const result = await handle.done;
  expect(result.outcome.stopReason).toBe('interrupted');
  expect(result.outcome.started).toBe(0);
  expect(sink.records).toHaveLength(0);
});
