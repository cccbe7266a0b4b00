import { countTokens } from '../protocol/tokens.js';

/**
 * A prompt of about `tokens` tokens for a heatmap's input sizes (docs/experiments.md "Heatmap"): an
 * instruction to write at length (so the answer runs to its max_tokens), then filler text repeated until
 * the model's tokenizer counts the size. Until sized prompts are a run option of their own, this is how
 * the heatmap makes its inputs.
 */
const INSTRUCTION = 'Write a long, detailed essay about the sea; do not stop early. The notes below are background only.';
const FILLER = 'The tide rises and falls along the quiet harbour while gulls circle over the fishing boats at dawn.'.split(' ');

/** The prompt text and its counted tokens (the smallest text reaching `tokens`, or the instruction alone when shorter). */
export function buildSizedPrompt(tokens: number, model?: string): { text: string; tokens: number } {
  const textOf = (words: number): string => `${INSTRUCTION}\n${Array.from({ length: words }, (_, i) => FILLER[i % FILLER.length]).join(' ')}`;
  const count = (words: number): number => countTokens(textOf(words), model);
  if (count(0) >= tokens) return { text: textOf(0), tokens: count(0) };
  // Tokens grow with words: find the fewest words reaching the size.
  let low = 0;
  let high = Math.max(1, tokens);
  while (count(high) < tokens) high *= 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (count(mid) >= tokens) high = mid;
    else low = mid;
  }
  return { text: textOf(high), tokens: count(high) };
}
