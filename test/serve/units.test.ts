import { describe, expect, test } from 'vitest';
import { isTargetAllowed, LOOPBACK_PATTERNS, parseTargetPattern } from '../../src/serve/allow-target.js';
import { createTokenCheck } from '../../src/serve/auth.js';

describe('the token check', () => {
  const check = createTokenCheck('0123456789abcdef0123');
  test.each([
    ['Bearer 0123456789abcdef0123', true],
    ['bearer 0123456789abcdef0123', true],
    ['Bearer 0123456789abcdef0124', false],
    ['Bearer 0123456789abcdef012', false],
    ['Bearer 0123456789abcdef01234', false],
    ['Bearer ', false],
    ['0123456789abcdef0123', false],
    ['Basic 0123456789abcdef0123', false],
    [undefined, false],
  ])('%s → %s', (header, ok) => {
    expect(check(header)).toBe(ok);
  });
});

describe('--allow-target', () => {
  const loopback = LOOPBACK_PATTERNS.map(parseTargetPattern);
  test.each([
    ['http://127.0.0.1:8000/v1/chat/completions', loopback, true],
    ['http://localhost/v1/chat/completions', loopback, true],
    ['http://[::1]:9/v1/messages', loopback, true],
    ['http://127.0.0.2/v1/chat/completions', loopback, false],
    ['https://api.openai.com/v1/chat/completions', loopback, false],
    ['https://api.openai.com/v1/chat/completions', [parseTargetPattern('api.openai.com')], true],
    ['https://api.openai.com/v1/chat/completions', [parseTargetPattern('api.openai.com:443')], true],
    ['https://api.openai.com:8443/v1/chat/completions', [parseTargetPattern('api.openai.com:443')], false],
    ['https://a.b.example.com/v1/chat/completions', [parseTargetPattern('*.example.com')], true],
    ['https://example.com/v1/chat/completions', [parseTargetPattern('*.example.com')], false],
    ['https://evilexample.com/v1/chat/completions', [parseTargetPattern('*.example.com')], false],
    ['http://[::1]:8000/x', [parseTargetPattern('[::1]:8000')], true],
    ['http://10.0.0.5:8000/x', [parseTargetPattern('10.0.0.5:8000')], true],
    ['http://anything.test/x', [parseTargetPattern('*')], true],
    ['http://anything.test/x', [], false],
  ])('%s', (url, patterns, allowed) => {
    expect(isTargetAllowed(url, patterns)).toBe(allowed);
  });

  test.each(['', 'http://x/', 'a b', 'host:0', 'host:99999', '*.', '[::1'])('"%s" is refused', (text) => {
    expect(() => parseTargetPattern(text)).toThrow(/--allow-target/);
  });
});
