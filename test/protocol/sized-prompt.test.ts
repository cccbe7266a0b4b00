/**
 * Sized synthetic prompts: exact to the token by js-tiktoken's own encoder (not our cached counter), for
 * both encodings, with and without a prefix; seeded; cache-bust number words distinct and fixed-size.
 */
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { numberWords, promptWords, sizedPrompt, wordRun } from '../../src/protocol/sized-prompt.js';
import type { EncodingName } from '../../src/protocol/tokens.js';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];
const tiktoken = { o200k_base: getEncoding('o200k_base'), cl100k_base: getEncoding('cl100k_base') };

describe('sizedPrompt', () => {
  for (const encoding of ENCODINGS) {
    it(`is exactly N tokens in ${encoding} for N in 0, 1, 7, 128, 550, 4096`, () => {
      for (const tokens of [0, 1, 7, 128, 550, 4096]) {
        const text = sizedPrompt(tokens, { encoding, seed: tokens });
        expect(tiktoken[encoding].encode(text).length, `${tokens}`).toBe(tokens);
      }
    });

    it(`counts a prefix in the size, whatever its seam (${encoding})`, () => {
      for (const prefix of ['Summarise this: ', 'Q:', 'Hello world', 'x\n\n', '世界 ', '123', ' the']) {
        for (const tokens of [20, 300]) {
          const text = sizedPrompt(tokens, { encoding, prefix, seed: 3 });
          expect(text.startsWith(prefix)).toBe(true);
          expect(tiktoken[encoding].encode(text).length, JSON.stringify(prefix)).toBe(tokens);
        }
      }
    });
  }

  it('gives the same text for the same seed and different text for another', () => {
    expect(sizedPrompt(64, { seed: 1 })).toBe(sizedPrompt(64, { seed: 1 }));
    expect(sizedPrompt(64, { seed: 1 })).not.toBe(sizedPrompt(64, { seed: 2 }));
  });

  it('refuses a size that is not a whole number ≥ 0, or smaller than its prefix', () => {
    expect(() => sizedPrompt(-1)).toThrow(RangeError);
    expect(() => sizedPrompt(1.5)).toThrow(RangeError);
    expect(() => sizedPrompt(2, { prefix: 'a long prefix of many words' })).toThrow(/prefix alone is 6 tokens/);
  });
});

describe('wordRun and numberWords', () => {
  it('uses only words of one token, well over 90 of them in each encoding', () => {
    for (const encoding of ENCODINGS) {
      const words = promptWords(encoding);
      expect(words.length).toBeGreaterThan(90);
      for (const word of words) expect(tiktoken[encoding].encode(word).length).toBe(1);
    }
  });

  it('a word run after a word adds exactly its count of tokens', () => {
    const run = wordRun(333, { seed: 9 });
    expect(tiktoken.o200k_base.encode(`Start${run}`).length).toBe(334);
  });

  it('number words are a fixed count of tokens, different for different numbers', () => {
    const seen = new Set<string>();
    for (let value = 0; value < 2000; value += 1) {
      const words = numberWords(value * 7919, 4);
      expect(tiktoken.o200k_base.encode(words).length).toBe(4);
      seen.add(words);
    }
    expect(seen.size).toBe(2000);
  });
});
