/**
 * The mock's generated text. Each entry, with its leading space, is exactly one o200k_base token, and
 * any concatenation of them tokenizes to one token per word (a test checks this), so a client's
 * tokenizer fallback can be asserted exactly against the number of tokens the mock wrote.
 */
const WORDS = [
  'the', 'of', 'and', 'to', 'in', 'is', 'that', 'for', 'it', 'as', 'was', 'with', 'be', 'by', 'on', 'not',
  'he', 'this', 'are', 'or', 'his', 'from', 'at', 'which', 'but', 'have', 'an', 'they', 'you', 'were', 'her',
  'she', 'there', 'one', 'all', 'we', 'their', 'can', 'has', 'more', 'when', 'will', 'would', 'if', 'no',
  'out', 'so', 'said', 'what', 'up', 'its', 'about', 'into', 'than', 'them', 'only', 'other', 'new', 'some',
  'could', 'time', 'these', 'two', 'may', 'then', 'do', 'first', 'any', 'my', 'now', 'such', 'like', 'our',
  'over', 'man', 'me', 'even', 'most', 'made', 'after', 'also', 'did', 'many', 'before', 'must', 'through',
  'back', 'years', 'where', 'much', 'your', 'way', 'well', 'down', 'should', 'because', 'each', 'just',
  'those', 'people', 'how', 'too', 'little', 'state', 'good', 'very', 'make', 'world', 'still', 'own', 'see',
  'men', 'work', 'long', 'get', 'here', 'between', 'both', 'life', 'being', 'under', 'never', 'day', 'same',
  'another', 'know', 'while', 'last', 'might', 'us', 'great', 'old', 'year', 'off', 'come', 'since',
  'against', 'go', 'came', 'right', 'used', 'take', 'three',
] as const;

/** The tokens, each with its leading space; plain ASCII letters, so they need no JSON escaping. */
export const MOCK_TOKENS: readonly string[] = WORDS.map((word) => ` ${word}`);

/** Where the reasoning text starts in the word list, so reasoning and answer text differ. */
const REASONING_OFFSET = 71;

/** Token `index` of the answer (or of the reasoning) text. */
export function mockToken(index: number, reasoning = false): string {
  const n = MOCK_TOKENS.length;
  return MOCK_TOKENS[(index + (reasoning ? REASONING_OFFSET : 0)) % n] as string;
}

/** The text of tokens [start, start + count): what the mock writes, so tests can expect it exactly. */
export function mockText(count: number, options: { reasoning?: boolean; start?: number } = {}): string {
  const start = options.start ?? 0;
  let text = '';
  for (let i = start; i < start + count; i += 1) text += mockToken(i, options.reasoning ?? false);
  return text;
}
