/** Error bodies of every known shape, and retry hints from headers. */
import { describe, expect, it } from 'vitest';
import { readProviderError, readRetryAfterS } from '../../src/protocol/provider-error.js';

describe('readProviderError', () => {
  it.each([
    [
      'OpenAI',
      '{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
      { message: 'Incorrect API key provided: sk-abc***xyz.', type: 'invalid_request_error', code: 'invalid_api_key' },
    ],
    ['Azure (string code, no type)', '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded rate limit."}}', { message: 'Requests to the ChatCompletions_Create Operation have exceeded rate limit.', type: null, code: '429' }],
    ['new vLLM (int code)', '{"error":{"message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404}}', { message: 'The model `x` does not exist.', type: 'NotFoundError', code: '404' }],
    ['old vLLM (flat)', '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}', { message: 'max_tokens is too large', type: 'BadRequestError', code: '400' }],
    ['Anthropic', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011"}', { message: 'Overloaded', type: 'overloaded_error', code: null }],
    ['FastAPI detail string', '{"detail":"Not Found"}', { message: 'Not Found', type: null, code: null }],
    ['FastAPI validation list', '{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}', { message: 'body.messages: field required', type: null, code: null }],
    ['an error string', '{"error":"model not loaded"}', { message: 'model not loaded', type: null, code: null }],
    ['HTML', '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503</h1></body></html>', { message: '503 Service Temporarily Unavailable', type: null, code: null }],
    ['HTML without a title', '<html><body><h1>Bad   gateway</h1><script>x()</script></body></html>', { message: 'Bad gateway', type: null, code: null }],
    ['plain text', 'upstream connect error\n', { message: 'upstream connect error', type: null, code: null }],
    ['empty', '   ', { message: null, type: null, code: null }],
  ])('reads %s', (_name, text, expected) => {
    expect(readProviderError(text)).toEqual(expected);
  });

  it('keeps the first 200 characters of a long body, without the piece of a word the cut splits', () => {
    const message = readProviderError('upstream failure '.repeat(300)).message as string;
    expect(message.length).toBeLessThanOrEqual(200);
    expect(message.length).toBeGreaterThan(180);
    expect(message).toMatch(/(upstream|failure) …$/);
  });

  it('a single long token split by the cut is masked whole, never kept as a recognisable piece', () => {
    const token = 'k'.repeat(5000);
    const message = readProviderError(token).message as string;
    expect(message).toBe('kkk…kkkk…');
  });
});

describe('readRetryAfterS', () => {
  const now = Date.parse('2025-03-10T12:00:00Z');
  it.each([
    ['retry-after-ms first', { 'retry-after-ms': '1500', 'retry-after': '9' }, 1.5],
    ['retry-after seconds', { 'retry-after': '20' }, 20],
    ['retry-after HTTP date', { 'retry-after': 'Mon, 10 Mar 2025 12:00:30 GMT' }, 30],
    ['OpenAI reset durations, the longer', { 'x-ratelimit-reset-requests': '120ms', 'x-ratelimit-reset-tokens': '6m0s' }, 360],
    ['Anthropic RFC 3339 resets, the latest', { 'anthropic-ratelimit-requests-reset': '2025-03-10T12:00:05Z', 'anthropic-ratelimit-tokens-reset': '2025-03-10T12:00:45Z' }, 45],
    ['a past date', { 'retry-after': 'Mon, 10 Mar 2025 11:00:00 GMT' }, 0],
    ['nothing', { 'content-type': 'application/json' }, null],
    ['header arrays (undici)', { 'retry-after': ['7'] }, 7],
  ])('%s', (_name, headers, expected) => {
    expect(readRetryAfterS(headers, now)).toBe(expected);
  });

  it('reads fetch Headers too', () => {
    expect(readRetryAfterS(new Headers({ 'Retry-After': '3' }), now)).toBe(3);
  });
});
