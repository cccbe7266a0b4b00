/**
 * Real streams from the bundled mock server (127.0.0.1, port 0), read by undici and fed to the parsers as
 * the engine does: text, chunk counts and token counts must match what the mock wrote, exactly.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { mockText } from '../../src/mock/words.js';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType, ParsedResponse } from '../../src/protocol/types.js';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ port: 0, outputTokens: 40, chunkTokens: 3 });
});

afterAll(async () => {
  await mock.close();
});

const PATHS: Record<ApiType, string> = { 'openai-chat': '/v1/chat/completions', 'anthropic-messages': '/v1/messages' };

async function stream(api: ApiType, headers: Record<string, string> = {}): Promise<{ response: ParsedResponse; chunkTimes: number[]; sentAt: number }> {
  const adapter = getAdapter(api);
  const normalized = adapter.normalizeRequest(adapter.minimalBody('mock-model'), { model: 'mock-model', stream: true, headers: {} });
  const chunkTimes: number[] = [];
  const parser = adapter.createStreamParser({ keepText: true, listener: { onContentChunk: (at) => chunkTimes.push(at) } });
  const sentAt = performance.now();
  const res = await request(`${mock.url}${PATHS[api]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...normalized.headers, ...headers },
    body: JSON.stringify(normalized.body),
  });
  expect(res.statusCode).toBe(200);
  for await (const chunk of res.body) parser.push(chunk as Buffer, performance.now());
  return { response: parser.end(performance.now()), chunkTimes, sentAt };
}

describe.each(['openai-chat', 'anthropic-messages'] as const)('%s stream from the mock', (api) => {
  it('gives the exact text, chunks and usage', async () => {
    const { response, chunkTimes } = await stream(api);
    expect(response.ok).toBe(true);
    expect(response.text).toBe(mockText(40));
    expect(response.contentChunks).toBe(14);
    expect(chunkTimes).toHaveLength(14);
    expect(response.outputTokens).toBe(40);
    expect(response.tokenSource).toBe('usage');
    expect(response.inputTokens).toBe(mock.records.at(-1)?.inputTokens);
    expect(response.terminated).toBe(true);
  });

  it('counts with the tokenizer, exactly, when the server reports no usage', async () => {
    if (api === 'anthropic-messages') return; // The mock, like the real API, always reports Anthropic usage.
    const { response } = await stream(api, { 'x-mock-usage': 'false' });
    expect([response.ok, response.usageReported, response.tokenSource, response.outputTokens]).toEqual([true, false, 'tokenizer', 40]);
  });

  it('stamps TTFT within tolerance of the server\'s delay, and splits reasoning from output', async () => {
    const { response, sentAt, chunkTimes } = await stream(api, { 'x-mock-ttft-ms': '150', 'x-mock-reasoning-tokens': '6', 'x-mock-itl-ms': '5' });
    const server = mock.records.at(-1);
    if (server === undefined || server.firstTokenAt === null) throw new Error('the mock recorded no first token');
    expect(response.ok).toBe(true);
    expect(response.sawReasoning).toBe(true);
    expect(response.text).toBe(mockText(40));
    const ttftMs = (response.firstContentAt as number) - sentAt;
    expect(ttftMs).toBeGreaterThanOrEqual(150);
    // Tolerance from the mock's own stamp (same process, same clock), not from the wall clock: our stamp of
    // the first token comes after the mock wrote it.
    expect(response.firstContentAt as number).toBeGreaterThanOrEqual(server.firstTokenAt);
    // 6 reasoning tokens, 3 per chunk: TTFO ends at the third chunk, the first answer chunk.
    expect([response.firstContentAt, response.firstOutputAt]).toEqual([chunkTimes[0], chunkTimes[2]]);
  });

  it('fails on an error event inside the 200 stream', async () => {
    const { response } = await stream(api, { 'x-mock-mid-stream-error-after-tokens': '6' });
    expect(response.ok).toBe(false);
    expect(response.contentChunks).toBe(2);
    expect(response.category).toBe(api === 'openai-chat' ? 'server_error' : 'overloaded');
  });
});
