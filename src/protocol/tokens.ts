/**
 * Counting tokens when the server reports no usage (metrics.md "Tokens"): js-tiktoken with o200k_base
 * unless the model names an older OpenAI family. The tokenizer is big (building o200k's ranks takes
 * about half a second of CPU), so it is loaded on first use only and cached; a load test that knows it
 * will need it calls `loadTokenizer` before its clock starts, so no request pays for the load.
 */
import { createRequire } from 'node:module';
import type { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface TiktokenModule {
  Tiktoken: new (ranks: TiktokenBPE) => Tiktoken;
}

// A synchronous require keeps `end()` of a stream parser synchronous even when nobody preloaded.
const require = createRequire(import.meta.url);
const encoders = new Map<EncodingName, Tiktoken>();

/** The encoding for a model: cl100k_base for gpt-4 / gpt-3.5 / older embeddings, otherwise o200k_base. */
export function encodingForModel(model: string | undefined): EncodingName {
  const name = (model ?? '').toLowerCase().replace(/^.*\//, '');
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|chatgpt-4o)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-ada|text-embedding-3)/.test(name)) return 'cl100k_base';
  return 'o200k_base';
}

/** Build (once) the encoder the model needs. Idempotent and cheap after the first call. */
export function loadTokenizer(model?: string): void {
  getEncoder(encodingForModel(model));
}

export function isTokenizerLoaded(model?: string): boolean {
  return encoders.has(encodingForModel(model));
}

/**
 * Tokens of a text, with the model's encoding. Special-token text (`<|endoftext|>` in an answer or a
 * prompt) is counted as the plain text it is: js-tiktoken's default throws on it, which would fail a
 * request over a count.
 */
export function countTokens(text: string, model?: string): number {
  if (text === '') return 0;
  return getEncoder(encodingForModel(model)).encode(text, [], []).length;
}

/**
 * Tokens of a request's prompt (the string contents of its messages and system prompt), for an input
 * count when the server reports none. Message framing tokens are not included.
 */
export function countPromptTokens(body: Readonly<Record<string, unknown>>, model?: string): number {
  const parts: string[] = [];
  collectText(body['system'], parts);
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (typeof message === 'object' && message !== null) collectText((message as Record<string, unknown>)['content'], parts);
    }
  }
  return countTokens(parts.join('\n'), model);
}

function collectText(value: unknown, parts: string[]): void {
  if (typeof value === 'string') {
    parts.push(value);
    return;
  }
  if (!Array.isArray(value)) return;
  for (const block of value) {
    if (typeof block === 'string') parts.push(block);
    else if (typeof block === 'object' && block !== null) {
      const text = (block as Record<string, unknown>)['text'];
      if (typeof text === 'string') parts.push(text);
    }
  }
}

function getEncoder(name: EncodingName): Tiktoken {
  const cached = encoders.get(name);
  if (cached !== undefined) return cached;
  const lite = require('js-tiktoken/lite') as TiktokenModule;
  const ranksModule = require(`js-tiktoken/ranks/${name}`) as { default?: TiktokenBPE } & TiktokenBPE;
  const encoder = new lite.Tiktoken(ranksModule.default ?? ranksModule);
  encoders.set(name, encoder);
  return encoder;
}
