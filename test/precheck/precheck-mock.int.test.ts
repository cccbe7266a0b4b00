import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetSpec } from '../../src/input/request-spec.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { FAILURE_HINTS } from '../../src/precheck/hints.js';
import { runPrecheck } from '../../src/precheck/precheck.js';
import { renderCapabilityReport } from '../../src/precheck/render.js';
import { PrecheckFailedError, type PrecheckFailure, type PrecheckResult } from '../../src/precheck/types.js';
import type { ApiType } from '../../src/protocol/types.js';

/** The pre-check against the bundled mock: its faults are the providers' real bodies and behaviours. */

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, outputTokens: 12 });
});
afterAll(async () => {
  await mock.close();
});

function target(apiType: ApiType, mockHeaders: Record<string, string> = {}, stream = true): TargetSpec {
  const anthropic = apiType === 'anthropic-messages';
  const path = anthropic ? '/v1/messages' : '/v1/chat/completions';
  const model = anthropic ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
  return {
    apiType,
    url: `${mock.url}${path}`,
    targetHost: mock.url,
    apiPath: path,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(anthropic ? { 'x-api-key': 'sk-ant-test-0123456789', 'anthropic-version': '2023-06-01' } : { authorization: 'Bearer sk-test-0123456789' }),
      ...mockHeaders,
    },
    cookies: {},
    model,
    stream,
    body: anthropic
      ? { model, max_tokens: 64, stream, messages: [{ role: 'user', content: 'Say hello' }] }
      : { model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: 'Say hello' }] },
    insecure: false,
    timeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    notes: [],
    warnings: [],
  };
}

function expectFailure(result: PrecheckResult): PrecheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.capability)}`);
  expect(new PrecheckFailedError(result.failure).exitCode).toBe(3);
  return result.failure;
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
    const result = await runPrecheck(target('openai-chat', { 'x-mock-ttft-ms': String(ttftMs) }));
    if (!result.ok) throw new Error(result.failure.message);
    const report = result.capability;
    expect(report.ttftMs).toBeGreaterThanOrEqual(ttftMs - 5);
    expect(report.ttftMs).toBeLessThanOrEqual(ttftMs + 60);
    expect(report).toMatchObject({ usageReported: true, tokenSource: 'usage', outputTokens: 12, contentChunks: 12, tokensPerChunk: 1 });
    expect(report.estimated).toEqual([]);
    expect(renderCapabilityReport(report)).toContain('  usage          reported in the stream');
  });

  it('OpenAI stream without usage, 4 tokens per chunk, reasoning: says what is estimated', async () => {
    const result = await runPrecheck(
      target('openai-chat', { 'x-mock-usage': 'false', 'x-mock-chunk-tokens': '4', 'x-mock-reasoning-tokens': '4' }),
    );
    if (!result.ok) throw new Error(result.failure.message);
    const report = result.capability;
    expect(report).toMatchObject({ usageReported: false, tokenSource: 'tokenizer', reasoning: true });
    expect(report.estimated).toContain('output tokens');
    expect(report.notes).toContain('no usage in stream: output tokens will be counted with a tokenizer');
    expect(report.ttfoMs).toBeGreaterThanOrEqual(report.ttftMs ?? Infinity);
  });

  it('Anthropic stream hitting max_tokens', async () => {
    const base = target('anthropic-messages');
    const result = await runPrecheck({ ...base, body: { ...base.body, max_tokens: 5 } });
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.capability).toMatchObject({ outputTokens: 5, maxTokensHit: true, finishReason: 'max_tokens', usageReported: true });
  });

  it('non-streamed OpenAI JSON', async () => {
    const result = await runPrecheck(target('openai-chat', {}, false));
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.capability).toMatchObject({ stream: false, outputTokens: 12, usageReported: true });
    expect(result.capability.unavailable).toEqual(['ttft', 'ttfo', 'itl', 'chunk gaps']);
  });
});
