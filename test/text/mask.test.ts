import { describe, expect, test } from 'vitest';
import { isSecretName, maskAndCut, maskHeaders, maskJsonValue, maskText, maskUrl, secretValues } from '../../src/text/mask.js';

describe('isSecretName: by whole words, never a word that only contains one', () => {
  test.each([
    ['Authorization', true],
    ['Proxy-Authorization', true],
    ['x-api-key', true],
    ['api-key', true],
    ['x-goog-api-key', true],
    ['Ocp-Apim-Subscription-Key', true],
    ['Cookie', true],
    ['Set-Cookie', true],
    ['X-Authorization', true],
    ['key', true],
    ['api_key', true],
    ['apiKey', true],
    ['apikey', true],
    ['access_token', true],
    ['token', true],
    ['sig', true],
    ['client_secret', true],
    ['x-portkey-provider', false],
    ['x-portkey-virtual-key', true],
    ['max_tokens', false],
    ['monkey', false],
    ['keyword', false],
    ['anthropic-version', false],
    ['content-type', false],
    ['openai-organization', false],
  ])('%s → %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});

describe('maskText: what is secret, by shape or by name, and nothing else', () => {
  test.each([
    ['Incorrect API key provided: sk-proj-ABCDEFGHIJKLMNOPqrstuvwx1234.', 'Incorrect API key provided: sk-…1234.'],
    ['key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789-_AB here', 'key sk-…-_AB here'],
    ['Authorization: Bearer abcdefghijklmnop1234', 'Authorization: Bearer abc…1234'],
    ['Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Proxy-Authorization: Basic ***'],
    ['GET /v1/x?key=AIzaSyA1234567890abcdefghijklmnopqrstu&alt=sse', 'GET /v1/x?key=AIz…rstu&alt=sse'],
    ['GET /v1/x?api_key=abcdefgh12345678&model=gpt', 'GET /v1/x?api_key=abc…5678&model=gpt'],
    ['{"api_key": "zyxwvutsrq987654", "model": "gpt-4o"}', '{"api_key": "zyx…7654", "model": "gpt-4o"}'],
    ['see https://user:hunter2hunter2@example.com/v1', 'see https://***@example.com/v1'],
    ['token_count: 5, max_tokens: 100', 'token_count: 5, max_tokens: 100'],
    ['x-portkey-provider: openai; model gpt-4o-mini', 'x-portkey-provider: openai; model gpt-4o-mini'],
    ['request id 0b5c6f3e-6f2d-4a51-9a55-3c1d8f0e7a21 failed', 'request id 0b5c6f3e-6f2d-4a51-9a55-3c1d8f0e7a21 failed'],
    ['model meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo-with-a-long-name not found', 'model meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo-with-a-long-name not found'],
    ['random Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z token', 'random Ab3…Xy4z token'],
  ])('%s', (text, expected) => {
    expect(maskText(text)).toBe(expected);
  });

  test('a known value is replaced wherever it is; short values (under 8) are never, so words survive', () => {
    expect(maskText('echo: abcdefgh-secret-value! and openai', ['abcdefgh-secret-value', 'openai'])).toBe('echo: abc…alue! and openai');
  });

  test('masking twice changes nothing more', () => {
    const once = maskText('Bearer sk-proj-ABCDEFGHIJKLMNOPqrstuvwx1234 and ?key=abcdefghij123456');
    expect(maskText(once)).toBe(once);
  });
});

describe('maskAndCut: mask, cut, and mask again at the edge', () => {
  // Lower case only: not key-shaped, known to masking only as one of the run's values.
  const key = 'zq8pl2mn4vb6xc1kj7hg3fd5sa9we0rt';
  test('a known key split by the cut leaves no piece a reader could use', () => {
    const text = `${'x '.repeat(90)}then ${key} more text after it`;
    const mask = (t: string): string => maskText(t, [key]);
    for (let cut = 150; cut < 230; cut += 1) {
      const shown = maskAndCut(text, cut, mask);
      expect(shown.length).toBeLessThanOrEqual(cut);
      expect(shown).not.toContain(key.slice(0, 10));
      for (let i = 8; i + 8 <= key.length - 4; i += 1) expect(shown).not.toContain(key.slice(i, i + 8));
    }
  });
  test('text that fits is only masked', () => {
    expect(maskAndCut('short text', 200)).toBe('short text');
  });
  test('a gigantic text is bounded before masking', () => {
    const shown = maskAndCut(`${'word '.repeat(1_000_000)}`, 120);
    expect(shown.length).toBeLessThanOrEqual(120);
    expect(shown.endsWith('…')).toBe(true);
  });
});

describe('targets', () => {
  test('maskUrl masks userinfo and secret query values, keeps the rest', () => {
    expect(maskUrl('https://bob:pa55word-long@api.x.com/v1/chat/completions?api-version=2024-06-01&key=abcdefghijklmnop')).toBe(
      'https://***@api.x.com/v1/chat/completions?api-version=2024-06-01&key=abc…mnop',
    );
  });
  test('maskHeaders keeps x-portkey-provider and anthropic-version, masks keys', () => {
    expect(
      maskHeaders({ 'x-portkey-provider': 'openai', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-0123456789abcdef', 'api-key': 'short' }),
    ).toEqual({ 'x-portkey-provider': 'openai', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-…cdef', 'api-key': '***' });
  });
  test('maskJsonValue masks secret-named fields at any depth', () => {
    expect(maskJsonValue({ model: 'm', api_key: 'abcdefghijklmnop', extra: { auth: { token: 'qwertyuiopasdfgh' } } })).toEqual({
      model: 'm',
      api_key: 'abc…mnop',
      extra: { auth: { token: 'qwe…dfgh' } },
    });
  });
  test('secretValues collects headers, cookies, URL credentials, query keys and body keys', () => {
    const values = secretValues(
      { Authorization: 'Bearer tok', 'x-portkey-provider': 'openai' },
      { session: 'cookievalue' },
      { url: 'https://u:p%40ss@h/x?key=k1&model=m', body: { messages: [], nested: { api_key: 'bk' } } },
    );
    expect(values).toEqual(expect.arrayContaining(['Bearer tok', 'cookievalue', 'p%40ss', 'p@ss', 'k1', 'bk']));
    expect(values).not.toContain('openai');
    expect(values).not.toContain('m');
  });
});
