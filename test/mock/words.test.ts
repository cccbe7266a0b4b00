import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { MOCK_TOKENS, mockText } from '../../src/mock/words.js';

describe('mock tokens', () => {
  const encoding = getEncoding('o200k_base');

  it('are each exactly one o200k_base token', () => {
    const counts = MOCK_TOKENS.map((token) => encoding.encode(token).length);
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it.each([1, 2, 7, 128, 143, 144, 500])('tokenize to exactly %i tokens when %i are concatenated', (count) => {
    expect(encoding.encode(mockText(count)).length).toBe(count);
    expect(encoding.encode(mockText(count, { reasoning: true })).length).toBe(count);
  });

  it('start the answer with " the of and" and the reasoning elsewhere in the list', () => {
    expect(mockText(3)).toBe(' the of and');
    expect(mockText(2, { reasoning: true })).toBe(' like our');
    expect(mockText(2, { start: 1 })).toBe(' of and');
  });

  it('are the same text token by token for any start, length and side, however far past the word list', () => {
    for (const [count, start, reasoning] of [[0, 0, false], [1, 142, false], [143, 0, true], [300, 5, false], [1000, 1234, true], [4096, 77, false]] as const) {
      // The reasoning text starts at ' like' (as the test above pins).
      const offset = reasoning ? MOCK_TOKENS.indexOf(' like') : 0;
      let expected = '';
      for (let i = start; i < start + count; i += 1) expected += MOCK_TOKENS[(i + offset) % MOCK_TOKENS.length] as string;
      expect(mockText(count, { start, reasoning })).toBe(expected);
    }
  });
});
