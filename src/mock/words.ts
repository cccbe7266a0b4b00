import { MOCK_WORD_COUNT, ONE_TOKEN_WORDS } from '../protocol/one-token-words.js';

/**
 * The mock's generated text. Each entry, with its leading space, is exactly one o200k_base token, and
 * any concatenation of them tokenizes to one token per word (a test checks this), so a client's
 * tokenizer fallback can be asserted exactly against the number of tokens the mock wrote.
 */
const WORDS = ONE_TOKEN_WORDS.slice(0, MOCK_WORD_COUNT);

/** The tokens, each with its leading space; plain ASCII letters, so they need no JSON escaping. */
export const MOCK_TOKENS: readonly string[] = WORDS.map((word) => ` ${word}`);

/** Where the reasoning text starts in the word list, so reasoning and answer text differ. */
const REASONING_OFFSET = 71;

/**
 * The token list written out again and again, with where each token starts: a run of tokens is one
 * slice of it, so a long answer costs the mock no per-token concatenation. Grown on demand.
 */
let cycleText = '';
const cycleStarts: number[] = [0];

function ensureCycle(tokens: number): void {
  while (cycleStarts.length <= tokens) {
    cycleText += MOCK_TOKENS.join('');
    for (const token of MOCK_TOKENS) cycleStarts.push((cycleStarts.at(-1) as number) + token.length);
  }
}

/**
 * The text of tokens [start, start + count): token i is MOCK_TOKENS[i mod length], from REASONING_OFFSET
 * on for reasoning. What the mock writes, so tests can expect it exactly.
 */
export function mockText(count: number, options: { reasoning?: boolean; start?: number } = {}): string {
  if (count <= 0) return '';
  const first = ((options.start ?? 0) + (options.reasoning === true ? REASONING_OFFSET : 0)) % MOCK_TOKENS.length;
  ensureCycle(first + count);
  return cycleText.slice(cycleStarts[first] as number, cycleStarts[first + count] as number);
}
