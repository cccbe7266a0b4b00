import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSpec } from '../../src/model/plan.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { FAILURE_HINTS } from '../../src/failures/hints.js';
import { runPrecheck } from '../../src/precheck/precheck.js';
import { renderCapabilityReport } from '../../src/precheck/render.js';
import type { ApiType } from '../../src/protocol/types.js';
import { buildTestTarget, expectFailure, expectOk } from './helpers.js';

/** The pre-check against the bundled mock: its faults are the providers' real bodies and behaviours. */

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, outputTokens: 12 });
});
afterAll(async () => {
  await mock.close();
});

function target(apiType: ApiType, mockHeaders: Record<string, string> = {}, stream = true): TargetSpec {
  const base = buildTestTarget(mock.url, { apiType, stream });
  return { ...base, headers: { ...base.headers, ...mockHeaders } };
}

const STATUS_FAULTS: Array<{ api: ApiType; headers: Record<string, string>; status: number; category: string; retryAfterS?: number; message: string }> = [
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '401' }, status: 401, category: 'auth', message: 'HTTP 401: Incorrect API key provided' },
  { api: 'anthropic-messages', headers: { 'x-mock-fail-status': '401' }, status: 401, category: 'auth', message: 'HTTP 401: invalid x-api-key (authentication_error)' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '403' }, status: 403, category: 'forbidden', message: 'HTTP 403:' },
  { api: 'anthropic-messages', headers: { 'x-mock-fail-status': '403' }, status: 403, category: 'forbidden', message: 'HTTP 403: Your API key does not have permission' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '404' }, status: 404, category: 'not_found', message: 'HTTP 404:' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '429', 'x-mock-retry-after-s': '7' }, status: 429, category: 'rate_limited', retryAfterS: 7, message: 'HTTP 429: Rate limit reached for gpt-4o-mini' },
  { api: 'anthropic-messages', headers: { 'x-mock-fail-status': '429', 'x-mock-retry-after-s': '3' }, status: 429, category: 'rate_limited', retryAfterS: 3, message: 'HTTP 429: Number of request tokens' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '429', 'x-mock-quota-exceeded': 'true' }, status: 429, category: 'quota_exceeded', message: 'HTTP 429: You exceeded your current quota' },
  { api: 'anthropic-messages', headers: { 'x-mock-fail-status': '429', 'x-mock-quota-exceeded': 'true' }, status: 400, category: 'quota_exceeded', message: 'HTTP 400: Your credit balance is too low' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '500' }, status: 500, category: 'server_error', message: 'HTTP 500: The server had an error' },
  { api: 'openai-chat', headers: { 'x-mock-fail-status': '503', 'x-mock-retry-after-s': '2' }, status: 503, category: 'server_error', retryAfterS: 2, message: 'HTTP 503:' },
  { api: 'anthropic-messages', headers: { 'x-mock-fail-status': '529', 'x-mock-retry-after-s': '5' }, status: 529, category: 'overloaded', retryAfterS: 5, message: 'HTTP 529: Overloaded (overloaded_error)' },
];

describe('pre-check against the bundled mock: status faults', () => {
  it.each(STATUS_FAULTS)('$api $status → $category', async (fault) => {
    const failure = expectFailure(await runPrecheck(target(fault.api, fault.headers)));
    expect(failure.category).toBe(fault.category);
    expect(failure.status).toBe(fault.status);
    expect(failure.message.startsWith(fault.message)).toBe(true);
    expect(failure.retryAfterS).toBe(fault.retryAfterS);
    expect(failure.hint).toBe(FAILURE_HINTS[failure.category]);
  });
});

describe('pre-check against the bundled mock: stream faults', () => {
  it('OpenAI error event inside the 200 stream → server_error', async () => {
    const failure = expectFailure(await runPrecheck(target('openai-chat', { 'x-mock-mid-stream-error-after-tokens': '3' })));
    expect(failure).toMatchObject({ category: 'server_error', status: 200, hint: FAILURE_HINTS.server_error });
  });

  it('Anthropic event: error overloaded_error inside the 200 stream → overloaded', async () => {
    const failure = expectFailure(await runPrecheck(target('anthropic-messages', { 'x-mock-mid-stream-error-after-tokens': '3' })));
    expect(failure).toMatchObject({ category: 'overloaded', status: 200, hint: FAILURE_HINTS.overloaded });
  });

  it('a connection dropped mid-stream → connection_reset, status 200', async () => {
    const failure = expectFailure(await runPrecheck(target('openai-chat', { 'x-mock-drop-after-tokens': '3' })));
    expect(failure).toMatchObject({ category: 'connection_reset', status: 200, hint: FAILURE_HINTS.connection_reset });
  });

  it('a hung request → timeout with a short limit', async () => {
    const failure = expectFailure(await runPrecheck(target('openai-chat', { 'x-mock-hang': 'true' }), { timeoutMs: 300 }));
    expect(failure).toMatchObject({ category: 'timeout', status: null, hint: FAILURE_HINTS.timeout });
  });

  it('slow headers beyond the limit → timeout', async () => {
    const failure = expectFailure(await runPrecheck(target('openai-chat', { 'x-mock-slow-headers-ms': '2000' }), { timeoutMs: 250 }));
    expect(failure).toMatchObject({ category: 'timeout', status: null });
  });
});

describe('pre-check against the bundled mock: capability report', () => {
  it('OpenAI stream: TTFT within tolerance of the configured delay, usage in stream, exact tokens', async () => {
    const ttftMs = 120;
    const report = expectOk(await runPrecheck(target('openai-chat', { 'x-mock-ttft-ms': String(ttftMs) })));
    expect(report.ttftMs).toBeGreaterThanOrEqual(ttftMs - 5);
    expect(report.ttftMs).toBeLessThanOrEqual(ttftMs + 60);
    expect(report).toMatchObject({ usageReported: true, tokenSource: 'usage', outputTokens: 12, contentChunks: 12, tokensPerChunk: 1 });
    expect(report.estimated).toEqual([]);
    expect(renderCapabilityReport(report)).toContain('  usage          reported in the stream');
  });

  it('OpenAI stream without usage, 4 tokens per chunk, reasoning: says what is estimated', async () => {
    const headers = { 'x-mock-usage': 'false', 'x-mock-chunk-tokens': '4', 'x-mock-reasoning-tokens': '4' };
    const report = expectOk(await runPrecheck(target('openai-chat', headers)));
    expect(report).toMatchObject({ usageReported: false, tokenSource: 'tokenizer', reasoning: true });
    expect(report.estimated).toContain('output tokens');
    expect(report.notes).toContain('no usage in stream: output tokens will be counted with a tokenizer');
    expect(report.ttfoMs).toBeGreaterThanOrEqual(report.ttftMs ?? Infinity);
    expect(report.tokensPerChunk).toBe(4);
    expect(report.estimated).toContain('reasoning tokens');
    expect(report.notes).toContain('about 4 tokens per chunk: chunk gaps span several tokens; ITL is derived from the token count');
  });

  it('Anthropic stream hitting max_tokens', async () => {
    const base = target('anthropic-messages');
    const report = expectOk(await runPrecheck({ ...base, body: { ...base.body, max_tokens: 5 } }));
    expect(report).toMatchObject({ outputTokens: 5, maxTokensHit: true, finishReason: 'max_tokens', usageReported: true });
  });

  it('non-streamed OpenAI JSON', async () => {
    const report = expectOk(await runPrecheck(target('openai-chat', {}, false)));
    expect(report).toMatchObject({ stream: false, outputTokens: 12, usageReported: true });
    expect(report.unavailable).toEqual(['ttft', 'ttfo', 'itl', 'chunk gaps']);
  });
});
