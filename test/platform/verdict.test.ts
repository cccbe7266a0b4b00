import { describe, expect, it } from 'vitest';
import type { FailureCategory } from '../../src/failures/categories.js';
import { FAILURE_HINTS } from '../../src/failures/hints.js';
import { testTaskResponseSchema } from '../../src/platform/schema.js';
import { readPrecheckVerdict } from '../../src/platform/verdict.js';
import type { ApiType } from '../../src/protocol/types.js';
import {
  ANTHROPIC_STREAM_LINES,
  OPENAI_STREAM_LINES,
  TARGET_KEY,
  testException,
  testJsonSuccess,
  testStreamSuccess,
  testTargetStatus,
} from '../helpers/platform-handlers.js';

function verdictOf(answer: Record<string, unknown>, options: { apiType?: ApiType; stream?: boolean } = {}) {
  return readPrecheckVerdict(testTaskResponseSchema.parse(answer), {
    apiType: options.apiType ?? 'openai-chat',
    stream: options.stream ?? true,
    secrets: [`Bearer ${TARGET_KEY}`],
  });
}

const openAiError = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } });

describe('pre-check verdict from the /test answer (docs/platform.md step 3)', () => {
  const failures: Array<{ name: string; answer: Record<string, unknown>; category: FailureCategory; status: number | null; message: string; stream?: boolean; apiType?: ApiType }> = [
    {
      name: 'target 401 inside a 200',
      answer: testTargetStatus(401, openAiError('Incorrect API key provided: sk-targ***', 'invalid_request_error', 'invalid_api_key')),
      category: 'auth',
      status: 401,
      message: 'Incorrect API key provided: sk-targ***',
    },
    {
      name: 'target 404',
      answer: testTargetStatus(404, { detail: 'Not Found' }),
      category: 'not_found',
      status: 404,
      message: 'Not Found',
    },
    {
      name: 'target 429 (retry-after kept)',
      answer: testTargetStatus(429, openAiError('Rate limit reached', 'requests', 'rate_limit_exceeded'), { 'retry-after': '7' }),
      category: 'rate_limited',
      status: 429,
      message: 'Rate limit reached',
    },
    {
      name: 'target 429 out of quota',
      answer: testTargetStatus(429, openAiError('You exceeded your current quota', 'insufficient_quota', 'insufficient_quota')),
      category: 'quota_exceeded',
      status: 429,
      message: 'You exceeded your current quota',
    },
    {
      name: 'target 500',
      answer: testTargetStatus(500, 'upstream exploded'),
      category: 'server_error',
      status: 500,
      message: 'upstream exploded',
    },
    {
      name: 'Anthropic 529 overloaded',
      answer: testTargetStatus(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      category: 'overloaded',
      status: 529,
      message: 'Overloaded',
      apiType: 'anthropic-messages',
    },
    {
      name: 'status only in a leading "HTTP NNN." of error (no response)',
      answer: testException('HTTP 403. {"error":"forbidden"}'),
      category: 'forbidden',
      status: 403,
      message: 'forbidden',
    },
    {
      name: 'httpx timeout',
      answer: testException('Request timeout: The read operation timed out'),
      category: 'timeout',
      status: null,
      message: 'Request timeout: The read operation timed out',
    },
    {
      name: 'asyncio timeout',
      answer: testException('Operation timeout, please check network connection and target server status'),
      category: 'timeout',
      status: null,
      message: 'Operation timeout, please check network connection and target server status',
    },
    {
      name: 'TLS failure reported as a connection error',
      answer: testException('Connection error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)'),
      category: 'tls',
      status: null,
      message: 'Connection error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)',
    },
    {
      name: 'SSL error',
      answer: testException('SSL error: [SSL] PEM lib (_ssl.c:3900). Check the certificate and key files'),
      category: 'tls',
      status: null,
      message: 'SSL error: [SSL] PEM lib (_ssl.c:3900). Check the certificate and key files',
    },
    {
      name: 'DNS failure',
      answer: testException('Connection error: [Errno -2] Name or service not known'),
      category: 'dns',
      status: null,
      message: 'Connection error: [Errno -2] Name or service not known',
    },
    {
      name: 'connection refused',
      answer: testException('Connection error: All connection attempts failed'),
      category: 'connection_refused',
      status: null,
      message: 'Connection error: All connection attempts failed',
    },
    {
      name: 'unexpected error with a status',
      answer: testException('Unexpected error: 502 Bad Gateway'),
      category: 'server_error',
      status: null,
      message: 'Unexpected error: 502 Bad Gateway',
    },
    {
      name: 'unexpected error without one',
      answer: testException('Unexpected error: peer closed connection without sending complete message body'),
      category: 'unknown',
      status: null,
      message: 'Unexpected error: peer closed connection without sending complete message body',
    },
    {
      name: 'a 200 stream with no lines',
      answer: { status: 'error', response: { status_code: 200, headers: {}, data: [], is_stream: true }, error: 'No streaming data received' },
      category: 'empty_response',
      status: 200,
      message: 'No streaming data received',
    },
    {
      name: 'a 200 stream carrying an OpenAI error event',
      answer: testStreamSuccess([
        'data: {"choices":[{"delta":{"role":"assistant"}}]}',
        'data: {"error":{"message":"Rate limit exceeded for model","type":"rate_limit_error","code":"rate_limit_exceeded"}}',
      ]),
      category: 'rate_limited',
      status: 200,
      message: 'an error event inside the 200 stream: Rate limit exceeded for model',
    },
    {
      name: 'a 200 stream carrying an Anthropic overloaded event',
      answer: testStreamSuccess(['event: error', 'data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}']),
      category: 'overloaded',
      status: 200,
      message: 'an error event inside the 200 stream: Overloaded',
      apiType: 'anthropic-messages',
    },
    {
      name: 'a 200 stream carrying another error event',
      answer: testStreamSuccess(['data: {"error":{"message":"model crashed","type":"internal_error"}}']),
      category: 'server_error',
      status: 200,
      message: 'an error event inside the 200 stream: model crashed',
    },
    {
      name: 'streaming asked, plain JSON answered',
      answer: testStreamSuccess(['{"id":"x","choices":[{"message":{"content":"hi"}}]}']),
      category: 'invalid_response',
      status: 200,
      message: 'streaming was asked but the target answered plain JSON, not an SSE stream',
    },
    {
      name: 'streaming asked, a web page answered',
      answer: testStreamSuccess(['<!doctype html>', '<html><body>login</body></html>']),
      category: 'invalid_response',
      status: 200,
      message: 'streaming was asked but the target did not answer with an SSE stream',
    },
    {
      name: 'a stream that ends without content',
      answer: testStreamSuccess(['data: {"choices":[{"delta":{"role":"assistant","content":""}}]}', 'data: [DONE]']),
      category: 'empty_response',
      status: 200,
      message: 'the stream ended without generated content',
    },
    {
      name: 'non-stream 200 with a web page',
      answer: testJsonSuccess('<html>hello</html>'),
      category: 'invalid_response',
      status: 200,
      message: "the target answered 200 with text (a web page?), not the API's JSON",
      stream: false,
    },
    {
      name: 'non-stream 200 with an error body',
      answer: testJsonSuccess(openAiError('The server had an error', 'server_error')),
      category: 'server_error',
      status: 200,
      message: 'an error inside a 200 answer: The server had an error',
      stream: false,
    },
    {
      name: 'non-stream 200 with empty content',
      answer: testJsonSuccess({ choices: [{ message: { role: 'assistant', content: '' }, finish_reason: 'length' }] }),
      category: 'empty_response',
      status: 200,
      message: 'the answer has no generated content',
      stream: false,
    },
  ];

  it.each(failures)('$name → $category', ({ answer, category, status, message, stream, apiType }) => {
    const verdict = verdictOf(answer, { ...(stream === undefined ? {} : { stream }), ...(apiType === undefined ? {} : { apiType }) });
    // --timeout is the local engine's: a platform timeout does not tell the user to raise it.
    const hint = category === 'timeout' ? expect.stringContaining('--skip-precheck') : FAILURE_HINTS[category];
    expect(verdict).toMatchObject({ ok: false, category, status, message, hint });
    if (category === 'timeout') expect(verdict.hint).not.toContain('raise --timeout');
  });

  it('keeps retry-after from the target headers', () => {
    const verdict = verdictOf(testTargetStatus(429, openAiError('slow down', 'requests'), { 'Retry-After': '12' }));
    expect(verdict.retryAfterS).toBe(12);
  });

  it('masks a target key the target echoes back', () => {
    const verdict = verdictOf(testTargetStatus(401, openAiError(`Invalid key Bearer ${TARGET_KEY}`, 'invalid_request_error')));
    expect(verdict.message).not.toContain(TARGET_KEY);
    expect(verdict.message).toBe('Invalid key Bearer sk-…2a91');
  });

  const passes: Array<{ name: string; answer: Record<string, unknown>; stream: boolean; apiType: ApiType; message: string }> = [
    { name: 'OpenAI stream', answer: testStreamSuccess(OPENAI_STREAM_LINES), stream: true, apiType: 'openai-chat', message: 'HTTP 200, streamed 5 lines' },
    { name: 'Anthropic stream', answer: testStreamSuccess(ANTHROPIC_STREAM_LINES), stream: true, apiType: 'anthropic-messages', message: 'HTTP 200, streamed 8 lines' },
    {
      name: 'OpenAI JSON',
      answer: testJsonSuccess({ choices: [{ message: { role: 'assistant', content: 'Hello' } }], usage: { prompt_tokens: 3, completion_tokens: 1 } }),
      stream: false,
      apiType: 'openai-chat',
      message: 'HTTP 200',
    },
    {
      name: 'Anthropic JSON',
      answer: testJsonSuccess({ type: 'message', content: [{ type: 'text', text: 'Hello' }], usage: { input_tokens: 3, output_tokens: 1 } }),
      stream: false,
      apiType: 'anthropic-messages',
      message: 'HTTP 200',
    },
  ];

  it.each(passes)('$name passes', ({ answer, stream, apiType, message }) => {
    expect(verdictOf(answer, { stream, apiType })).toEqual({ ok: true, category: null, status: 200, message, hint: null });
  });

  it('passes on a stream the platform cut short, with its warning', () => {
    const verdict = verdictOf(testStreamSuccess(OPENAI_STREAM_LINES.slice(0, 2), 'Stream ended early: exceeded 120 s'));
    expect(verdict).toMatchObject({ ok: true, warning: 'Stream ended early: exceeded 120 s' });
  });
});
