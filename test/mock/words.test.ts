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
});
