/**
 * Synthetic prompts, cache control, request ids and trace replay against the bundled mock, which counts
 * every prompt with the model's tokenizer (countPrompt) and records what it received.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLoad } from '../../src/engine/run-load.js';
import { defaultWorkload } from '../../src/input/workload-options.js';
import type { TargetSpec } from '../../src/model/plan.js';
import type { RequestRecord } from '../../src/model/summary.js';
import type { TraceRequest, WorkloadOptions } from '../../src/model/workload.js';
import { startMockServer, type MockRequestRecord, type MockServer } from '../../src/mock/server.js';
import { loadOptions, memorySink, mockTarget } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 1, countPrompt: true, outputTokens: 24 });
});
afterAll(async () => {
  await mock.close();
});

function workload(overrides: Partial<WorkloadOptions>): WorkloadOptions {
  return { ...defaultWorkload('a1b2c3d4'), cacheBust: true, ...overrides };
}

/** A target on the mock naming another model (the tokenizer's encoding follows the model). */
function withModel(target: TargetSpec, model: string): TargetSpec {
  return { ...target, model, body: { ...target.body, model } };
}

async function run(
  target: TargetSpec,
  work: WorkloadOptions,
  load: { users?: number; requests?: number; durationS?: number } = {},
): Promise<{ records: RequestRecord[]; server: MockRequestRecord[]; stopReason: string; sentAt: Map<string, number> }> {
  mock.reset();
  const sink = memorySink();
  // When each request was sent (performance.now(), the mock's clock too: same process), by request id.
  const sentAt = new Map<string, number>();
  const handle = startLoad({
    target,
    load: loadOptions({ concurrentUsers: load.users ?? 3, maxRequests: load.requests ?? 9, durationS: load.durationS ?? 30, workload: work }),
    prompts: null,
    sink,
    gracefulStopMs: 2000,
    onRecord: (record, meta) => {
      if (record.requestId !== null && record.requestId !== undefined) sentAt.set(record.requestId, meta.t0Ms);
    },
  });
  const result = await handle.done;
  return { records: sink.records, server: mock.records, stopReason: result.outcome.stopReason, sentAt };
}

describe('sized synthetic prompts', () => {
  test.each([
    ['mock-model', 'o200k_base', 64],
    ['mock-model', 'o200k_base', 550],
    ['gpt-4', 'cl100k_base', 128],
    ['gpt-4', 'cl100k_base', 1000],
  ])('%s (%s): the mock counts exactly %s prompt tokens in every request', async (model, _encoding, tokens) => {
    const { records, server } = await run(withModel(mockTarget(mock.url), model), workload({ inputTokens: { mean: tokens, stddev: 0 }, outputTokens: { mean: 16, stddev: 0 } }));
    expect(server).toHaveLength(9);
    expect(server.map((r) => r.promptTokens)).toEqual(Array(9).fill(tokens));
    expect(server.map((r) => r.maxTokens)).toEqual(Array(9).fill(16));
    expect(server.map((r) => r.messages)).toEqual(Array(9).fill(1));
    expect(records.map((r) => [r.inputTokensSent, r.inputTokens, r.outputTokensAsked, r.outputTokens])).toEqual(Array(9).fill([tokens, tokens, 16, 16]));
  });

  test('a spread varies the sizes per request, each still exact, around the mean', async () => {
    const { records, server } = await run(mockTarget(mock.url), workload({ inputTokens: { mean: 200, stddev: 40 }, outputTokens: { mean: 12, stddev: 4 } }), { requests: 40 });
    const sent = new Map(records.map((r) => [r.requestId, r]));
    for (const received of server) {
      const record = sent.get(received.clientRequestId);
      expect(received.promptTokens).toBe(record?.inputTokensSent);
      expect(received.maxTokens).toBe(record?.outputTokensAsked);
    }
    const sizes = records.map((r) => r.inputTokensSent ?? 0);
    expect(new Set(sizes).size).toBeGreaterThan(10);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(200 - 4 * 40);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200 + 4 * 40);
  });

  test('Anthropic messages: the prompt and the shared system prompt add up exactly', async () => {
    const target = mockTarget(mock.url, { apiType: 'anthropic-messages' });
    const { records, server } = await run(target, workload({ inputTokens: { mean: 300, stddev: 0 }, outputTokens: { mean: 10, stddev: 0 }, sharedPrefixTokens: 1000 }));
    expect(server.map((r) => r.promptTokens)).toEqual(Array(9).fill(1300));
    expect(new Set(server.map((r) => r.systemHash)).size).toBe(1);
    expect(records.every((r) => r.inputTokensSent === 1300 && r.outputTokens === 10)).toBe(true);
  });
});

describe('cache control', () => {
  test('cache-bust: every request (a conversation of one turn) starts with its own tag; the shared prefix is identical', async () => {
    const { server } = await run(mockTarget(mock.url), workload({ inputTokens: { mean: 100, stddev: 0 }, sharedPrefixTokens: 64 }), { requests: 30 });
    expect(new Set(server.map((r) => r.promptHead)).size).toBe(30);
    expect(new Set(server.map((r) => r.systemHash)).size).toBe(1);
    expect(server.every((r) => r.promptTokens === 164 && r.messages === 2)).toBe(true);
  });

  test('--no-cache-bust: every prompt is the same text', async () => {
    const { server } = await run(mockTarget(mock.url), workload({ inputTokens: { mean: 100, stddev: 0 }, cacheBust: false }));
    expect(new Set(server.map((r) => r.promptHead)).size).toBe(1);
    expect(server.every((r) => r.promptTokens === 100)).toBe(true);
  });

  test("cached tokens are read from the usage of OpenAI and Anthropic answers into the records", async () => {
    for (const apiType of ['openai-chat', 'anthropic-messages'] as const) {
      const target = mockTarget(mock.url, { apiType, headers: { 'x-mock-cached-tokens': '48' } });
      const { records } = await run(target, workload({ inputTokens: { mean: 100, stddev: 0 } }), { requests: 4 });
      expect(records.map((r) => r.cachedInputTokens), apiType).toEqual([48, 48, 48, 48]);
    }
  });
});

describe('output length', () => {
  test('ignore_eos and min_tokens make a server that stops early answer the full length; without them it stops', async () => {
    const target = mockTarget(mock.url, { headers: { 'x-mock-output-tokens': '5' } });
    const exact = await run(target, workload({ inputTokens: { mean: 50, stddev: 0 }, outputTokens: { mean: 40, stddev: 0 }, ignoreEos: true }), { requests: 3 });
    expect(exact.server.map((r) => [r.maxTokens, r.minTokens, r.ignoreEos])).toEqual(Array(3).fill([40, 40, true]));
    expect(exact.records.map((r) => r.outputTokens)).toEqual([40, 40, 40]);
    const natural = await run(target, workload({ inputTokens: { mean: 50, stddev: 0 }, outputTokens: { mean: 40, stddev: 0 } }), { requests: 3 });
    expect(natural.server.map((r) => [r.maxTokens, r.minTokens, r.ignoreEos])).toEqual(Array(3).fill([40, null, false]));
    expect(natural.records.map((r) => r.outputTokens)).toEqual([5, 5, 5]);
  });
});

describe('request ids', () => {
  test('every request carries x-request-id <run>-c<conversation>-t1, unique, and the record keeps it', async () => {
    const { records, server } = await run(mockTarget(mock.url), workload({ inputTokens: { mean: 20, stddev: 0 } }), { requests: 12 });
    const ids = records.map((r) => r.requestId);
    expect(new Set(ids).size).toBe(12);
    for (const id of ids) expect(id).toMatch(/^a1b2c3d4-c\d+-t1$/);
    expect(server.map((r) => r.clientRequestId).sort()).toEqual([...ids].sort());
  });

  test("the server's own request id is kept as serverRequestId; none when it sends none", async () => {
    const gateway = await startMockServer({ ttftMs: 1, outputTokens: 2, responseHeaders: { 'request-id': 'srv-{id}' } });
    try {
      const sink = memorySink();
      const load = loadOptions({ concurrentUsers: 2, maxRequests: 6, durationS: 30, workload: defaultWorkload('0badcafe') });
      await startLoad({ target: mockTarget(gateway.url), load, prompts: null, sink, gracefulStopMs: 2000 }).done;
      const byOurs = new Map(gateway.records.map((r) => [r.clientRequestId, `srv-${r.id}`]));
      expect(sink.records).toHaveLength(6);
      for (const record of sink.records) expect(record.serverRequestId).toBe(byOurs.get(record.requestId ?? ''));
    } finally {
      await gateway.close();
    }
    const { records } = await run(mockTarget(mock.url), defaultWorkload('feedbeef'), { requests: 2 });
    expect(records.map((r) => r.serverRequestId)).toEqual([undefined, undefined]);
  });

  test('the given body gets request ids too', async () => {
    const { records, server } = await run(mockTarget(mock.url), defaultWorkload('feedbeef'), { requests: 3 });
    expect(records.map((r) => r.requestId).sort()).toEqual(['feedbeef-c0-t1', 'feedbeef-c1-t1', 'feedbeef-c2-t1']);
    expect(server.map((r) => r.clientRequestId).sort()).toEqual(['feedbeef-c0-t1', 'feedbeef-c1-t1', 'feedbeef-c2-t1']);
  });
});

/**
 * Sent → received by the mock: loopback, and the mock's turn on this process's event loop (it counts
 * every prompt with the tokenizer). A few ms on an idle machine; a loaded one delays some requests by
 * far more, so the median is held tight and each one only to a bound.
 */
const TRANSPORT_MEDIAN_MS = 20;
const TRANSPORT_MAX_MS = 1000;

/**
 * The arrivals against the trace: the engine's schedule is the trace's offsets exactly (each send's
 * planned time is its send time minus its queueMs, the lateness the engine reports itself), and the mock
 * receives each request right after its send (its own receive stamp, same clock).
 */
function checkArrivals(run: { records: RequestRecord[]; server: MockRequestRecord[]; sentAt: Map<string, number> }, plannedMs: readonly number[]): void {
  const scheduled = run.records.map((record) => (run.sentAt.get(record.requestId ?? '') as number) - (record.queueMs ?? 0)).sort((a, b) => a - b);
  const origin = scheduled[0] as number;
  scheduled.forEach((at, i) => expect(at - origin, `planned time of request ${i}`).toBeCloseTo(plannedMs[i] as number, 0));
  const transport = run.server.map((received) => received.receivedAt - (run.sentAt.get(received.clientRequestId ?? '') as number)).sort((a, b) => a - b);
  expect(transport).toHaveLength(plannedMs.length);
  expect(transport[0]).toBeGreaterThanOrEqual(0);
  expect(transport[Math.floor(transport.length / 2)], `median transport of ${transport.map((t) => t.toFixed(1)).join(', ')} ms`).toBeLessThanOrEqual(TRANSPORT_MEDIAN_MS);
  expect(transport[transport.length - 1]).toBeLessThanOrEqual(TRANSPORT_MAX_MS);
}

function conversationOf(record: MockRequestRecord): number {
  return Number(/-c(\d+)-t/.exec(record.clientRequestId ?? '')?.[1]);
}

describe('trace replay', () => {
  const trace: TraceRequest[] = [
    { atMs: 0, inputTokens: 1100, outputTokens: 8, hashIds: [7, 8, 9] },
    { atMs: 60, inputTokens: 300, outputTokens: 4, hashIds: [] },
    { atMs: 150, inputTokens: 1100, outputTokens: 8, hashIds: [7, 8, 9] },
    { atMs: 160, inputTokens: 700, outputTokens: 6, hashIds: [3, 4] },
    { atMs: 400, inputTokens: 90, outputTokens: 2, hashIds: [] },
    { atMs: 410, inputTokens: 512, outputTokens: 3, hashIds: [7] },
    { atMs: 700, inputTokens: 40, outputTokens: 1, hashIds: [] },
  ];

  test('the live figures count down to the last send (sped up), not to the --duration bound', async () => {
    const work = workload({ trace: { path: 'trace.jsonl', speedup: 2, requests: trace } });
    const handle = startLoad({ target: mockTarget(mock.url), load: loadOptions({ concurrentUsers: 8, maxRequests: trace.length, durationS: 600, workload: work }), prompts: null, sink: memorySink(), gracefulStopMs: 2000 });
    await handle.started;
    expect(handle.live().totalMs).toBe(350);
    await handle.done;
  });

  test('requests are scheduled at their timestamps exactly and reach the mock right after, with their sizes, then the run ends', async () => {
    const work = workload({ trace: { path: 'trace.jsonl', speedup: 1, requests: trace } });
    const replay = await run(mockTarget(mock.url), work, { users: 8, requests: trace.length, durationS: 60 });
    const { records, server, stopReason } = replay;
    expect(stopReason).toBe('max-requests');
    expect(server).toHaveLength(trace.length);
    checkArrivals(replay, trace.map((t) => t.atMs));
    // One thread sends the trace in order: conversation k is line k.
    const byLine = [...server].sort((a, b) => conversationOf(a) - conversationOf(b));
    expect(byLine.map((r) => r.promptTokens)).toEqual(trace.map((t) => t.inputTokens));
    expect(byLine.map((r) => r.maxTokens)).toEqual(trace.map((t) => t.outputTokens));
    expect(records.map((r) => r.outputTokens).sort()).toEqual(trace.map((t) => t.outputTokens).sort());
    // Hash ids 7, 8, 9 repeat: the same text; the prompt after the shared blocks still differs (cache-bust tag).
    const [a, , c, d, , f] = byLine as MockRequestRecord[];
    expect(a?.promptHead).toBe(c?.promptHead);
    expect(a?.promptHead).toBe(f?.promptHead);
    expect(a?.promptHead).not.toBe(d?.promptHead);
  });

  test('--trace-speedup 4 sends four times as fast', async () => {
    const work = workload({ trace: { path: 'trace.jsonl', speedup: 4, requests: trace } });
    checkArrivals(await run(mockTarget(mock.url), work, { users: 8, requests: trace.length, durationS: 60 }), trace.map((t) => t.atMs / 4));
  });
});
