/**
 * Synthetic prompts of an exact number of tokens (docs/cli.md "Workload"). The text is common English
 * words, each of which is exactly one token with its leading space in the encoding: the tokenizer's
 * pre-split cuts such text at every space, so a run of n words is n tokens wherever it stands after a
 * word, and a prompt's size is exact without a search. A prefix of any text is counted once and the words
 * after it fill up to the size (the seam is checked by counting the whole text).
 */
import { createRandom } from '../random.js';
import { ONE_TOKEN_WORDS } from './one-token-words.js';
import { countEncodingTokens, type EncodingName } from './tokens.js';

export type { EncodingName };

const vocabularies = new Map<EncodingName, readonly string[]>();

/** The words (each with its leading space) that are one token in the encoding; built once per encoding. */
export function promptWords(encoding: EncodingName = 'o200k_base'): readonly string[] {
  let words = vocabularies.get(encoding);
  if (words === undefined) {
    words = ONE_TOKEN_WORDS.map((word) => ` ${word}`).filter((word) => countEncodingTokens(word, encoding) === 1);
    vocabularies.set(encoding, words);
  }
  return words;
}

export interface SizedPromptOptions {
  /** The tokenizer the size is exact for; o200k_base when not given. */
  encoding?: EncodingName;
  /** Text the prompt starts with (a cache-bust tag, an instruction); its tokens count in the size. */
  prefix?: string;
  /** Picks the words: the same seed gives the same text. 0 when not given. */
  seed?: number;
}

/**
 * A prompt of exactly `tokens` tokens in the encoding: the prefix, then seeded words. Throws a RangeError
 * when the size is not a whole number ≥ 0 or the prefix alone is longer (callers validate first).
 */
export function sizedPrompt(tokens: number, options: SizedPromptOptions = {}): string {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`a prompt size must be a whole number ≥ 0, not ${tokens}`);
  const encoding = options.encoding ?? 'o200k_base';
  const prefix = options.prefix ?? '';
  const prefixTokens = countEncodingTokens(prefix, encoding);
  if (prefixTokens > tokens) throw new RangeError(`the prefix alone is ${prefixTokens} tokens, more than the ${tokens} asked for`);
  const seed = options.seed ?? 0;
  if (prefix === '') return wordRun(tokens, { encoding, seed });
  const words = wordRun(tokens, { encoding, seed });
  // The seam may merge or split (a prefix ending in a space): count the whole and correct by whole words.
  let fill = tokens - prefixTokens;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const text = prefix + words.slice(0, wordOffset(words, fill));
    const counted = countEncodingTokens(text, encoding);
    if (counted === tokens) return text;
    fill += tokens - counted;
    if (fill < 0 || fill > tokens) break;
  }
  throw new RangeError(`no prompt of ${tokens} tokens starts with this prefix in ${encoding}`);
}

/**
 * `count` seeded words, one token each in the encoding, as one string starting with a space: appended
 * after text that ends in a word, it adds exactly `count` tokens.
 */
export function wordRun(count: number, options: { encoding?: EncodingName; seed?: number } = {}): string {
  const words = promptWords(options.encoding);
  const random = createRandom(options.seed ?? 0);
  const parts = new Array<string>(count);
  for (let i = 0; i < count; i += 1) parts[i] = words[Math.floor(random() * words.length)] as string;
  return parts.join('');
}

/**
 * `count` words that spell `value` in base (vocabulary size), most significant first: different values
 * below size^count give different words, always exactly `count` tokens. Cache-bust tags are made of them.
 */
export function numberWords(value: number, count: number, encoding: EncodingName = 'o200k_base'): string {
  const words = promptWords(encoding);
  const parts = new Array<string>(count);
  let rest = Math.floor(Math.abs(value));
  for (let i = count - 1; i >= 0; i -= 1) {
    parts[i] = words[rest % words.length] as string;
    rest = Math.floor(rest / words.length);
  }
  return parts.join('');
}

/** Where the `count`-th word of a word run ends (its length when shorter). */
function wordOffset(words: string, count: number): number {
  if (count <= 0) return 0;
  let seen = 0;
  for (let i = 1; i < words.length; i += 1) {
    if (words.charCodeAt(i) === 32) {
      seen += 1;
      if (seen === count) return i;
    }
  }
  return words.length;
}
