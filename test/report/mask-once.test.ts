import { describe, expect, it } from 'vitest';
import { maskHeadersOnce, maskUrlOnce } from '../../src/report/mask-once.js';

describe('maskUrlOnce', () => {
  it.each([
    ['http://h/v1/chat/completions?api_key=sk-…wxyz', 'http://h/v1/chat/completions?api_key=sk-…wxyz'],
    ['http://***@h/v1/messages', 'http://***@h/v1/messages'],
    ['http://h/v1/chat/completions?key=abcdefghijklmnop', 'http://h/v1/chat/completions?key=abc…mnop'],
    ['http://***@h/v1/chat/completions?key=abcdefghijklmnop', 'http://***@h/v1/chat/completions?key=abc…mnop'],
    ['http://user:pw@h/v1/messages', 'http://***@h/v1/messages'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, expected) => {
    expect(maskUrlOnce(url)).toBe(expected);
  });
});

describe('maskHeadersOnce', () => {
  it('keeps masked values, masks bare secrets, leaves the rest', () => {
    expect(
      maskHeadersOnce({ authorization: 'Bearer sk-…abcd', 'x-api-key': 'sk-ant-0123456789abcdef', 'content-type': 'application/json' }),
    ).toEqual({ authorization: 'Bearer sk-…abcd', 'x-api-key': 'sk-…cdef', 'content-type': 'application/json' });
  });
});
