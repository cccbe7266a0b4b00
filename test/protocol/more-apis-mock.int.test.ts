/**
 * The APIs beyond chat and messages (Responses, legacy completions, embeddings, Ollama's native chat and
 * generate) end to end against the bundled mock (127.0.0.1, port 0): each target is planned from its URL
 * alone (classification, minimal body, normalisation), the mock answers in the API's own wire format,
 * and the adapter's parser, the pre-check and the load engine read it. Text, chunks and tokens must be
 * what the mock wrote, exactly; TTFT is checked against the mock's own stamps (same process, same clock).
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad } from '../../src/engine/run-load.js';
import { buildRunPlan } from '../../src/input/plan.js';
import type { TargetSpec } from '../../src/model/plan.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { mockText } from '../../src/mock/words.js';
import { runPrecheck } from '../../src/precheck/precheck.js';
import { renderCapabilityReport } from '../../src/precheck/render.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType, ParsedResponse } from '../../src/protocol/types.js';
import { loadOptions, memorySink } from '../engine/helpers.js';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, outputTokens: 40, chunkTokens: 3 });
});

afterAll(async () => {
  await mock.close();
});

const GENERATING: ReadonlyArray<{ api: ApiType; path: string; reasoning: boolean; contentType: string }> = [
  { api: 'openai-responses', path: '/v1/responses', reasoning: true, contentType: 'text/event-stream' },
  { api: 'openai-completions', path: '/v1/completions', reasoning: false, contentType: 'text/event-stream' },
  { api: 'ollama-chat', path: '/api/chat', reasoning: true, contentType: 'application/x-ndjson' },
  { api: 'ollama-generate', path: '/api/generate', reasoning: true, contentType: 'application/x-ndjson' },
];

async function planTarget(path: string, stream?: boolean): Promise<TargetSpec> {
  const plan = await buildRunPlan(
    { url: `${mock.url}${path}`, model: 'mock-model', ...(stream === undefined ? {} : { stream }) },
    { env: {}, cwd: process.cwd(), readStdin: async () => '' },
  );
  return plan.target;
}

interface Exchange {
  response: ParsedResponse;
  chunkTimes: number[];
  sentAt: number;
  contentType: string;
}

async function send(target: TargetSpec, headers: Record<string, string> = {}): Promise<Exchange> {
  const adapter = getAdapter(target.apiType);
  const chunkTimes: number[] = [];
  const options = { keepText: true, listener: { onContentChunk: (at: number) => chunkTimes.push(at) } };
  const sentAt = performance.now();
  const res = await request(target.url, { method: 'POST', headers: { ...target.headers, ...headers }, body: JSON.stringify(target.body) });
  expect(res.statusCode).toBe(200);
  const contentType = String(res.headers['content-type']);
  if (!target.stream) {
    const text = await res.body.text();
    return { response: adapter.parseJson(text, performance.now(), options), chunkTimes, sentAt, contentType };
  }
  const parser = adapter.createStreamParser(options);
  for await (const chunk of res.body) parser.push(chunk as Buffer, performance.now());
  return { response: parser.end(performance.now()), chunkTimes, sentAt, contentType };
}

describe.each(GENERATING)('$api from the mock', ({ api, path, reasoning, contentType }) => {
  it('is classified from its path, and streams the exact text, chunks and usage', async () => {
    const target = await planTarget(path);
    expect([target.apiType, target.stream]).toEqual([api, true]);
    const { response, chunkTimes, contentType: sentType } = await send(target);
    expect(sentType.startsWith(contentType)).toBe(true);
    expect(response.ok).toBe(true);
    expect(response.text).toBe(mockText(40));
    // 40 tokens, 3 per event: 14 content events.
    expect(response.contentChunks).toBe(14);
    expect(chunkTimes).toHaveLength(14);
    expect([response.outputTokens, response.tokenSource, response.usageReported]).toEqual([40, 'usage', true]);
    expect(response.inputTokens).toBe(mock.records.at(-1)?.inputTokens);
    expect([response.terminated, response.finishReason !== null]).toEqual([true, true]);
  });

  it("stamps TTFT at the first generated delta (reasoning counts), TTFO at the first answer, against the mock's own stamps", async () => {
    if (!reasoning) return;
    const target = await planTarget(path);
    const { response, sentAt, chunkTimes } = await send(target, { 'x-mock-ttft-ms': '120', 'x-mock-reasoning-tokens': '6', 'x-mock-itl-ms': '5' });
    const server = mock.records.at(-1);
    if (server?.firstTokenAt === null || server === undefined) throw new Error('the mock recorded no first token');
    expect(response.ok).toBe(true);
    expect([response.sawReasoning, response.text, response.outputTokens]).toEqual([true, mockText(40), 46]);
    // The mock writes at its planned time or up to 0.5 ms before (Exchange.at).
    expect(server.firstTokenAt - server.receivedAt).toBeGreaterThanOrEqual(119.5);
    // Our stamp of the first token comes after the mock wrote it, and the client's TTFT covers the server's.
    expect(response.firstContentAt as number).toBeGreaterThanOrEqual(server.firstTokenAt);
    expect((response.firstContentAt as number) - sentAt).toBeGreaterThanOrEqual(server.firstTokenAt - server.receivedAt);
    // 6 reasoning tokens, 3 per event: TTFT ends at the first reasoning event, TTFO at the third event, the
    // first answer (by stamp, whatever the reads; same-process reads may merge events, so no gap is asserted).
    expect(chunkTimes).toHaveLength(16);
    expect([response.firstContentAt, response.firstOutputAt]).toEqual([chunkTimes[0], chunkTimes[2]]);
    if (api === 'openai-responses') expect(response.reasoningTokens).toBe(6);
  });

  it('answers JSON when not streaming, with the same text and usage', async () => {
    const target = await planTarget(path, false);
    expect(target.stream).toBe(false);
    const { response } = await send(target);
    expect(response.ok).toBe(true);
    expect(response.text).toBe(mockText(40));
    expect([response.contentChunks, response.outputTokens, response.tokenSource]).toEqual([1, 40, 'usage']);
  });

  it('fails on the error inside the 200 stream, after the content before it', async () => {
    const target = await planTarget(path);
    const { response } = await send(target, { 'x-mock-mid-stream-error-after-tokens': '6' });
    expect([response.ok, response.category, response.contentChunks, response.terminated]).toEqual([false, 'server_error', 2, false]);
  });

  it('pre-checks it: exact tokens, TTFT from the stream, the capability report', async () => {
    const target = await planTarget(path);
    const result = await runPrecheck({ ...target, headers: { ...target.headers, 'x-mock-ttft-ms': '60', 'x-mock-output-tokens': '8', 'x-mock-chunk-tokens': '2' } });
    if (!result.ok) throw new Error(`pre-check failed: ${result.failure.message}`);
    const server = mock.records.at(-1);
    expect(result.capability).toMatchObject({ apiType: api, status: 200, stream: true, outputTokens: 8, contentChunks: 4, tokenSource: 'usage', usageReported: true });
    expect(result.capability.ttftMs as number).toBeGreaterThanOrEqual(60);
    expect(server?.outputTokens).toBe(8);
    expect(result.capability.exact).toEqual(expect.arrayContaining(['ttft', 'output tokens', 'input tokens']));
    expect(renderCapabilityReport(result.capability)).toContain('Pre-check ok: HTTP 200');
  });
});

describe('openai-embeddings from the mock', () => {
  const EMBEDDINGS = '/v1/embeddings';

  it('is classified from its path, never streams, and reads vectors and input tokens, with no TTFT', async () => {
    const target = await planTarget(EMBEDDINGS);
    expect([target.apiType, target.stream, target.body['stream']]).toEqual(['openai-embeddings', false, undefined]);
    const { response } = await send(target);
    const server = mock.records.at(-1);
    expect(response).toMatchObject({ ok: true, vectors: 1, outputTokens: null, tokenSource: null, firstContentAt: null, firstOutputAt: null, contentChunks: 0 });
    expect(response.inputTokens).toBe(server?.inputTokens);
    expect(server?.outputTokens).toBe(0);
  });

  it('answers a batch with one vector per input, as floats or base64', async () => {
    const target = await planTarget(EMBEDDINGS);
    for (const encoding of ['float', 'base64']) {
      const batch = { ...target, body: { ...target.body, input: ['one', 'two two', 'three three three'], encoding_format: encoding, dimensions: 8 } };
      const { response } = await send(batch);
      expect([response.ok, response.vectors, response.inputTokens]).toEqual([true, 3, mock.records.at(-1)?.inputTokens]);
    }
  });

  it('pre-checks it: latency and vectors measured, TTFT and ITL not (null)', async () => {
    const target = await planTarget(EMBEDDINGS);
    const result = await runPrecheck({ ...target, headers: { ...target.headers, 'x-mock-ttft-ms': '40' } });
    if (!result.ok) throw new Error(`pre-check failed: ${result.failure.message}`);
    expect(result.capability).toMatchObject({ apiType: 'openai-embeddings', stream: false, vectors: 1, ttftMs: null, ttfoMs: null, outputTokens: null });
    expect(result.capability.latencyMs).toBeGreaterThanOrEqual(40);
    expect(result.capability.unavailable).toEqual(expect.arrayContaining(['ttft', 'itl']));
    expect(renderCapabilityReport(result.capability)).toContain('vectors');
  });

  it('is loaded by the engine: records carry vectors and input tokens, null TTFT and ITL', async () => {
    const target = await planTarget(EMBEDDINGS);
    const sink = memorySink();
    const batch = { ...target, body: { ...target.body, input: ['a', 'b', 'c'] } };
    const handle = startLoad({ target: batch, load: loadOptions({ concurrentUsers: 2, maxRequests: 6, durationS: 30 }), prompts: null, sink, gracefulStopMs: 2000 });
    const result = await handle.done;
    // Three inputs per request, six requests: 18 vectors, summed for the summary's vectors/s.
    expect([result.snapshot.requests.ok, result.snapshot.tokens.vectors]).toEqual([6, 18]);
    const measured = sink.records.filter((r) => r.phase === 'measure');
    expect(measured).toHaveLength(6);
    for (const record of measured) {
      expect(record).toMatchObject({ ok: true, vectors: 3, ttftMs: null, ttfoMs: null, itlMs: null, outputTokens: null, cachedInputTokens: null });
      expect(record.inputTokens).toBeGreaterThan(0);
    }
  });
});

describe('the load engine on the NDJSON and Responses streams', () => {
  it.each(['/api/chat', '/v1/responses'])('%s: every record has the exact output tokens and a TTFT', async (path) => {
    const target = await planTarget(path);
    const sink = memorySink();
    const handle = startLoad({
      target: { ...target, headers: { ...target.headers, 'x-mock-output-tokens': '9' } },
      load: loadOptions({ concurrentUsers: 2, maxRequests: 4, durationS: 30 }),
      prompts: null,
      sink,
      gracefulStopMs: 2000,
    });
    await handle.done;
    const measured = sink.records.filter((r) => r.phase === 'measure');
    expect(measured).toHaveLength(4);
    for (const record of measured) {
      expect(record).toMatchObject({ ok: true, outputTokens: 9, chunks: 3, tokenSource: 'usage' });
      expect(record.ttftMs).not.toBeNull();
    }
    // The Responses mock reports cached_tokens 0: the record carries it.
    if (path === '/v1/responses') expect(measured[0]?.cachedInputTokens).toBe(0);
  });
});

describe('cached input tokens reach the records', () => {
  it.each(['/v1/chat/completions', '/v1/messages', '/v1/responses'])('%s: the prompt-cache hits the mock reports are in every record', async (path) => {
    const target = await planTarget(path);
    const sink = memorySink();
    const handle = startLoad({
      target: { ...target, headers: { ...target.headers, 'x-mock-cached-tokens': '4' } },
      load: loadOptions({ concurrentUsers: 1, maxRequests: 2, durationS: 30 }),
      prompts: null,
      sink,
      gracefulStopMs: 2000,
    });
    await handle.done;
    const measured = sink.records.filter((r) => r.phase === 'measure');
    expect(measured).toHaveLength(2);
    // The minimal body's prompt is 10 tokens to the mock; 4 of them are reported cached, and the input
    // tokens stay the whole prompt (Anthropic: uncached + cache read).
    for (const record of measured) expect(record).toMatchObject({ ok: true, cachedInputTokens: 4, inputTokens: 10 });
  });
});
