import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLoad } from '../../src/engine/run-load.js';
import type { LoadOptions } from '../../src/model/plan.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { DEFAULT_REPLY_CAP_CHARS, type Scenario, type ScenarioSet } from '../../src/model/scenarios.js';
import { startMockServer, type MockRequestRecord, type MockServer } from '../../src/mock/server.js';
import { loadOptions, memorySink, mockTarget } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 1 });
});
afterAll(async () => {
  await mock.close();
});

function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'chat',
    weight: 1,
    scripts: [{ first: { prompt: 'Hello there, first question.' }, next: ['Second question?', 'Third question?'] }],
    turns: null,
    stream: null,
    maxOutputTokens: null,
    thinkTime: null,
    ...overrides,
  };
}

function workload(scenarios: Scenario[], seed = 7): ScenarioSet {
  return { scenarios, order: 'round-robin', seed, replyCapChars: DEFAULT_REPLY_CAP_CHARS };
}

async function run(
  load: Partial<LoadOptions>,
  work: ScenarioSet,
  options: { stream?: boolean; headers?: Record<string, string>; apiType?: 'openai-chat' | 'anthropic-messages' } = {},
): Promise<{ records: RequestRecord[]; server: Map<string, MockRequestRecord> }> {
  mock.reset();
  const sink = memorySink();
  const server = new Map<string, MockRequestRecord>();
  const handle = startLoad({
    target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '2', 'x-mock-itl-ms': '1', 'x-mock-output-tokens': '8', ...options.headers }, ...(options.stream === undefined ? {} : { stream: options.stream }), ...(options.apiType === undefined ? {} : { apiType: options.apiType }) }),
    load: loadOptions({ durationS: 30, ...load }),
    prompts: null,
    scenarioSet: work,
    sink,
    gracefulStopMs: 2000,
    requestIdHeader: 'x-mock-request-id',
    onRecord: (record, meta) => {
      const found = meta.requestId === null ? undefined : mock.findRecord(meta.requestId);
      if (found !== undefined) server.set(`${record.user}/${record.seq}`, found);
    },
  });
  await handle.done;
  return { records: sink.records, server };
}

/** The text the mock answers with for the headers above (its answers are deterministic). */
async function mockReplyText(): Promise<string> {
  const response = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mock-output-tokens': '8', 'x-mock-ttft-ms': '0', 'x-mock-itl-ms': '0' },
    body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  return body.choices[0]?.message.content ?? '';
}

describe('multi-turn conversations against the bundled mock', () => {
  for (const [apiType, stream] of [['openai-chat', true], ['openai-chat', false], ['anthropic-messages', true]] as const) {
    test(`the context grows turn by turn with the actual reply (${apiType}, stream ${stream})`, async () => {
      const reply = await mockReplyText();
      expect(reply.length).toBeGreaterThan(0);
      const { records, server } = await run({ concurrentUsers: 1, maxRequests: 6 }, workload([scenario()]), { stream, apiType });
      expect(records.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
      expect(records.map((r) => r.turn)).toEqual([1, 2, 3, 1, 2, 3]);
      expect(records.map((r) => r.conversation)).toEqual([0, 0, 0, 1, 1, 1]);
      // The request id names the conversation and turn (the mock saw the same header).
      expect(records.map((r) => r.requestId?.replace(/^.*?-c/, 'c'))).toEqual(['c0-t1', 'c0-t2', 'c0-t3', 'c1-t1', 'c1-t2', 'c1-t3']);
      expect(records.map((r) => r.scenario)).toEqual(['chat', 'chat', 'chat', 'chat', 'chat', 'chat']);
      const seen = records.map((r) => server.get(`${r.user}/${r.seq}`));
      expect(seen.map((s) => s?.messages)).toEqual([1, 3, 5, 1, 3, 5]);
      // Turn 2 and 3 carry the reply the server actually gave to the turn before.
      expect(seen.map((s) => s?.lastAssistant)).toEqual([null, reply.slice(0, 200), reply.slice(0, 200), null, reply.slice(0, 200), reply.slice(0, 200)]);
      // Input grows with the context: each turn's prompt is longer than the one before.
      const inputs = seen.map((s) => s?.inputTokens ?? 0);
      expect(inputs[1]).toBeGreaterThan(inputs[0] as number);
      expect(inputs[2]).toBeGreaterThan(inputs[1] as number);
      expect(inputs[3]).toBe(inputs[0]);
    });
  }

  test('a reply over the cap is cut to it in the history', async () => {
    const work = { ...workload([scenario({ turns: 2 })]), replyCapChars: 10 };
    const { records, server } = await run({ concurrentUsers: 1, maxRequests: 2 }, work);
    const second = server.get(`${records[1]?.user}/${records[1]?.seq}`);
    expect(second?.lastAssistant?.length).toBe(10);
  });

  test('think time between turns: the mock receives each next turn at least the think time after the answer ended', async () => {
    const thinkMs = 150;
    const { records, server } = await run({ concurrentUsers: 1, maxRequests: 3 }, workload([scenario({ thinkTime: { kind: 'fixed', ms: thinkMs } })]));
    const seen = records.map((r) => server.get(`${r.user}/${r.seq}`) as MockRequestRecord);
    for (let i = 1; i < 3; i += 1) {
      const gap = (seen[i]?.receivedAtEpochMs ?? 0) - (seen[i - 1]?.endAtEpochMs ?? 0);
      expect(gap, `turn ${i + 1} came ${gap} ms after turn ${i} ended`).toBeGreaterThanOrEqual(thinkMs);
    }
  });

  test('scenario weights hold over many conversations (seeded)', async () => {
    const single = scenario({ name: 'single', weight: 55, turns: 1 });
    const chat = scenario({ name: 'chat', weight: 30, turns: 2 });
    const long = scenario({ name: 'long', weight: 15, turns: 3 });
    const work = workload([single, chat, long], 42);
    const first = await run({ concurrentUsers: 8, maxRequests: 1200 }, work);
    const conversations = (records: RequestRecord[], name: string): number => records.filter((r) => r.scenario === name && r.turn === 1).length;
    const total = first.records.filter((r) => r.turn === 1).length;
    expect(conversations(first.records, 'single') + conversations(first.records, 'chat') + conversations(first.records, 'long')).toBe(total);
    for (const [name, weight] of [['single', 0.55], ['chat', 0.3], ['long', 0.15]] as const) {
      expect(Math.abs(conversations(first.records, name) / total - weight), name).toBeLessThan(0.05);
    }
    // Each conversation has exactly its scenario's turns (the last of each user may be cut by max-requests).
    expect(first.records.filter((r) => r.scenario === 'single').every((r) => r.turn === 1)).toBe(true);
    expect(Math.max(...first.records.filter((r) => r.scenario === 'chat').map((r) => r.turn ?? 0))).toBe(2);
  });
});
