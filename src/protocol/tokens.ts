/**
 * Counting tokens when the server reports no usage (docs/metrics.md "Tokens"): js-tiktoken with o200k_base
 * unless the model names an older OpenAI family. The tokenizer is big (building o200k's ranks takes
 * about half a second of CPU), so it is loaded on first use only and cached; a load test that knows it
 * will need it calls `loadTokenizer` before its clock starts, so no request pays for the load.
 *
 * A load test counts the same words over and over, so counts are kept per pre-tokenizer piece: the text
 * is cut with the encoding's own pattern (the split js-tiktoken makes before its byte-pair merges) and
 * each piece's count is looked up (piece-counts.ts, without cutting it out of the text), or computed once
 * by js-tiktoken. A piece is the pattern's whole first match when encoded alone (the only
 * context-dependent part of the patterns, `\s+(?!\S)`, can only match more at the end of the text, and a
 * piece ends there), so the sum is exactly `encode(text).length`;
 * test/protocol/tokens.test.ts checks that over our prompts, fixtures and random text. It spares the
 * per-piece byte arrays and joined strings of `encode`: about 30 µs instead of 350 µs per 512-token
 * answer once its words are known, the pattern itself about half of it; text whose every word is new
 * costs about 1.2x `encode`, once (bench/tokens.bench.mjs).
 */
import { createRequire } from 'node:module';
import type { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';
import { PieceCounts } from './piece-counts.js';

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface TiktokenModule {
  Tiktoken: new (ranks: TiktokenBPE) => Tiktoken;
}

/** An encoding ready to count: js-tiktoken's encoder, its pre-tokenizer pattern and known piece counts. */
interface Counter {
  encoder: Tiktoken;
  /** Sticky: each piece must start where the last one ended (see countTokens). */
  piece: RegExp;
  counts: PieceCounts;
}

/**
 * Pieces remembered per encoding before the table is started afresh: a few MB at most, and far more
 * distinct words than a prompt set or a model's answers use.
 */
const MAX_CACHED_PIECES = 50_000;

// A synchronous require keeps `end()` of a stream parser synchronous even when nobody preloaded.
const require = createRequire(import.meta.url);
const counters = new Map<EncodingName, Counter>();

/** The encoding for a model: cl100k_base for gpt-4 / gpt-3.5 / older embeddings, otherwise o200k_base. */
export function encodingForModel(model: string | undefined): EncodingName {
  const name = (model ?? '').toLowerCase().replace(/^.*\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|chatgpt-4o)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-ada|text-embedding-3)/.test(name)) return 'cl100k_base';
  return 'o200k_base';
}

/** Build (once) the encoder the model needs. Idempotent and cheap after the first call. */
export function loadTokenizer(model?: string): void {
  getCounter(encodingForModel(model));
}

/**
 * Tokens of a text, with the model's encoding. Special-token text (`<|endoftext|>` in an answer or a
 * prompt) is counted as the plain text it is: js-tiktoken's default throws on it, which would fail a
 * request over a count.
 */
export function countTokens(text: string, model?: string): number {
  return countEncodingTokens(text, encodingForModel(model));
}

/** Tokens of a text in a named encoding (countTokens picks the encoding from a model name). */
export function countEncodingTokens(text: string, encoding: EncodingName): number {
  if (text === '') return 0;
  const { encoder, piece, counts } = getCounter(encoding);
  let total = 0;
  let start = 0;
  piece.lastIndex = 0;
  while (start < text.length) {
    // The patterns give every character a piece, so pieces follow each other; if some text ever had
    // none here (js-tiktoken would skip it), the rest is left to js-tiktoken itself: still exact.
    if (!piece.test(text) || piece.lastIndex === start) return total + encoder.encode(text.slice(start), [], []).length;
    const end = piece.lastIndex;
    let count = counts.lookup(text, start, end);
    if (count < 0) {
      const key = text.slice(start, end);
      count = encoder.encode(key, [], []).length;
      counts.add(ownCopy(key), count);
    }
    total += count;
    start = end;
  }
  return total;
}

/**
 * Tokens of a request's prompt, for an input count when the server reports none: the text of every API's
 * prompt fields (`system` and `messages` of chat and messages, `instructions` and `input` of Responses,
 * `input` of embeddings, `prompt` of completions and Ollama's generate), and token-id arrays as they are
 * (embeddings may send tokens instead of text). Message framing tokens are not included.
 */
export function countPromptTokens(body: Readonly<Record<string, unknown>>, model?: string): number {
  const parts: string[] = [];
  let tokenIds = 0;
  const collect = (value: unknown, depth: number): void => {
    if (typeof value === 'string') parts.push(value);
    else if (typeof value === 'number') tokenIds += 1;
    else if (Array.isArray(value)) {
      if (depth < MAX_PROMPT_DEPTH) for (const item of value) collect(item, depth + 1);
    } else if (typeof value === 'object' && value !== null && depth < MAX_PROMPT_DEPTH) {
      // A message ({role, content}), a content block ({type, text}) or a Responses item.
      const item = value as Record<string, unknown>;
      collect(item['content'], depth + 1);
      collect(item['text'], depth + 1);
    }
  };
  for (const field of PROMPT_FIELDS) collect(body[field], 0);
  return tokenIds + countTokens(parts.join('\n'), model);
}

/** The body fields that carry a prompt, in any API we speak. */
const PROMPT_FIELDS = ['system', 'instructions', 'messages', 'input', 'prompt'] as const;
/** Prompts nest a few levels (items → content blocks → text); a deeper body is not a prompt. */
const MAX_PROMPT_DEPTH = 6;

/**
 * A key that does not keep the text it came from alive: V8 makes a slice of 13 characters or more a
 * view into its parent string (here a whole answer); slicing a fresh concatenation leaves a view into a
 * string of the piece's own size.
 */
function ownCopy(piece: string): string {
  return piece.length < 13 ? piece : ` ${piece}`.slice(1);
}

function getCounter(name: EncodingName): Counter {
  const cached = counters.get(name);
  if (cached !== undefined) return cached;
  const lite = require('js-tiktoken/lite') as TiktokenModule;
  const ranksModule = require(`js-tiktoken/ranks/${name}`) as { default?: TiktokenBPE } & TiktokenBPE;
  const ranks = ranksModule.default ?? ranksModule;
  const encoder = new lite.Tiktoken(ranks);
  // js-tiktoken's own pattern and flags ('ug'), sticky instead of global.
  const counter: Counter = { encoder, piece: new RegExp(ranks.pat_str, 'uy'), counts: new PieceCounts(MAX_CACHED_PIECES) };
  counters.set(name, counter);
  return counter;
}
