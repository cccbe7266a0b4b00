import { describe, expect, it } from 'vitest';
import { classifyFailureLayer } from '../../src/failures/gateway-layer.js';
import { captureHeaders, headerMs, parseServerTiming, recordedHeaderNames } from '../../src/model/gateway-headers.js';

describe('parseServerTiming', () => {
  it.each<[string, Array<{ name: string; durMs: number | null }>]>([
    ['gateway;dur=3.25, upstream;desc="mock";dur=12.5', [{ name: 'gateway', durMs: 3.25 }, { name: 'upstream', durMs: 12.5 }]],
    ['cache;desc="Cache Read";dur=23.2', [{ name: 'cache', durMs: 23.2 }]],
    ['miss, db;dur=53, app;dur=47.2', [{ name: 'miss', durMs: null }, { name: 'db', durMs: 53 }, { name: 'app', durMs: 47.2 }]],
    ['total;dur="7"', [{ name: 'total', durMs: 7 }]],
    ['x;dur=-1, ;dur=3, y;dur=abc', [{ name: 'x', durMs: null }, { name: 'y', durMs: null }]],
    ['', []],
  ])('%j', (value, expected) => {
    expect(parseServerTiming(value)).toEqual(expected);
  });
});

describe('captureHeaders', () => {
  const names = new Set(recordedHeaderNames(['x-served-by', 'X-Api-Key']));
  it('keeps the wanted headers and every x-portkey-*, masking secret-looking values; null when none', () => {
    expect(
      captureHeaders(
        { 'x-litellm-overhead-duration-ms': '3', 'x-portkey-cache-status': 'HIT', 'x-served-by': ['a', 'b'], 'x-api-key': 'sk-0123456789abcdefghij', 'content-type': 'text/event-stream' },
        names,
      ),
    ).toEqual({ 'x-litellm-overhead-duration-ms': '3', 'x-portkey-cache-status': 'HIT', 'x-served-by': 'a, b', 'x-api-key': 'sk-…ghij' });
    // A key-shaped value under an ordinary name is masked by its shape.
    expect(captureHeaders({ 'x-request-id': 'sk-proj-0123456789abcdefghij' }, names)).toEqual({ 'x-request-id': 'sk-…ghij' });
    expect(captureHeaders({ 'content-type': 'application/json' }, names)).toBeNull();
  });

  it('headerMs reads a non-negative number, else null', () => {
    expect([headerMs('3.25'), headerMs(' 7 '), headerMs('-1'), headerMs('abc'), headerMs(''), headerMs(undefined)]).toEqual([3.25, 7, null, null, null, null]);
  });
});

describe('classifyFailureLayer', () => {
  it.each<[string, string, Record<string, string> | null, 'gateway' | 'upstream' | null]>([
    ['LiteLLM passing on a provider error', '{"error":{"message":"litellm.RateLimitError: OpenAIException - Rate limit reached","code":"429"}}', null, 'upstream'],
    ['LiteLLM refusing its own key', '{"error":{"message":"Authentication Error, Invalid proxy server token passed","type":"auth_error"}}', { 'x-litellm-call-id': 'c1' }, 'gateway'],
    ['LiteLLM budget', '{"error":{"message":"litellm.BudgetExceededError: Budget has been exceeded"}}', null, 'gateway'],
    ['Portkey own error', '{"status":"failure","message":"Invalid config id"}', null, 'gateway'],
    ['Portkey passing on a provider error', '{"error":{"message":"overloaded"},"provider":"anthropic"}', { 'x-portkey-provider': 'anthropic' }, 'upstream'],
    ['Envoy without an upstream', 'no healthy upstream', null, 'gateway'],
    ['Envoy with an upstream answer', '{"error":{"message":"boom"}}', { 'x-envoy-upstream-service-time': '12' }, 'upstream'],
    ['a plain provider error', '{"error":{"message":"Rate limit","type":"rate_limit"}}', null, null],
  ])('%s', (_what, body, headers, layer) => {
    expect(classifyFailureLayer(body, headers)).toBe(layer);
  });
});
