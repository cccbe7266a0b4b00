/**
 * Client-side token counts (used when the server reports no usage): the encoding picked per model,
 * text that looks like a special token counted as text instead of throwing, and the per-piece count
 * cache giving exactly js-tiktoken's own count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { mockText } from '../../src/mock/words.js';
import { getAdapter } from '../../src/protocol/registry.js';
import { countPromptTokens, countTokens, encodingForModel } from '../../src/protocol/tokens.js';
import { createRandom } from '../../src/random.js';

const PROMPTS = new URL('../../data/prompts/default.jsonl', import.meta.url);
const SSE_FIXTURES = new URL('../fixtures/sse/', import.meta.url);

/** Characters that exercise every branch of the split patterns: cases, marks, digits, whitespace runs, CJK, emoji. */
const ALPHABET = [
  'a', 'z', 'Q', 'É', 'ß', 'ǅ', 'ʰ', 'e\u0301', '\u0301', '世', '界', 'の', 'ク', '한', 'ж', 'Ж', 'ا', 'ह', '\u093f',
  '0', '7', '٣', '½', ' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\r', '\u00a0', '\u3000', "'", "'s", "'LL", "'ve",
  '.', ',', '!', '?', '/', '-', '"', '{', '}', '<|endoftext|>', '🚀', '👩\u200d💻', '\ud800', '\\',
];

function randomText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length)] as string;
  return text;
}

function randomWord(random: () => number): string {
  let word = random() < 0.7 ? ' ' : '';
  const letters = 2 + Math.floor(random() * 10);
  for (let i = 0; i < letters; i += 1) word += String.fromCharCode(97 + Math.floor(random() * 26));
  return word;
}

describe('countTokens', () => {
  it('picks cl100k_base for gpt-4 / gpt-3.5 and o200k_base for the rest', () => {
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('openai/gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4o-mini')).toBe('o200k_base');
    expect(encodingForModel('qwen2.5-72b')).toBe('o200k_base');
    expect(encodingForModel(undefined)).toBe('o200k_base');
  });

  it('counts special-token text as plain text, in answers and prompts', () => {
    const plain = countTokens('say  now');
    const special = countTokens('say <|endoftext|> now');
    // `<|endoftext|>` as text is several ordinary tokens, never the one special token.
    expect(special - plain).toBeGreaterThan(1);
    expect(countTokens('<|endoftext|>', 'gpt-4')).toBeGreaterThan(1);
    expect(countPromptTokens({ messages: [{ role: 'user', content: 'repeat <|im_start|> and <|endoftext|>' }] })).toBeGreaterThan(5);
  });

  it.each([
    ['chat', { system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }] }, ['Be brief.', 'Hello there']],
    ['messages with blocks', { system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }] }, ['Be brief.', 'Hello there']],
    ['responses', { instructions: 'Be brief.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello there' }] }] }, ['Be brief.', 'Hello there']],
    ['responses, string input', { input: 'Hello there' }, ['Hello there']],
    ['embeddings batch', { input: ['first text', 'second text'] }, ['first text', 'second text']],
    ['completions', { prompt: 'Once upon a time' }, ['Once upon a time']],
    ['ollama generate', { prompt: 'Why is the sky blue?', system: 'Be brief.' }, ['Be brief.', 'Why is the sky blue?']],
  ])('counts the prompt of %s bodies: their texts joined by newlines', (_name, body, texts) => {
    expect(countPromptTokens(body)).toBe(countTokens(texts.join('\n')));
  });

  it('counts token-id inputs as they are (embeddings may send tokens instead of text)', () => {
    expect(countPromptTokens({ input: [[1, 2, 3], [4, 5]] })).toBe(5);
  });

  it('lets a stream without usage whose text holds a special token end ok', () => {
    const parser = getAdapter('openai-chat').createStreamParser({ model: 'gpt-4o' });
    const event = (content: string): string => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
    parser.push(Buffer.from(`${event('the end: ')}${event('<|endoftext|>')}data: [DONE]\n\n`), 1);
    const response = parser.end(2);
    expect(response.ok).toBe(true);
    expect(response.tokenSource).toBe('tokenizer');
    expect(response.outputTokens).toBe(countTokens('the end: <|endoftext|>'));
  });
});

describe('countTokens against js-tiktoken', () => {
  const encodings = { o200k_base: getEncoding('o200k_base'), cl100k_base: getEncoding('cl100k_base') };
  const models = { o200k_base: 'gpt-4o', cl100k_base: 'gpt-4' } as const;
  const names = ['o200k_base', 'cl100k_base'] as const;

  function expectSameCounts(texts: readonly string[]): void {
    for (const name of names) {
      const expected = texts.map((text) => encodings[name].encode(text, [], []).length);
      // Twice: the first pass fills the piece table, the second reads only from it.
      expect(texts.map((text) => countTokens(text, models[name]))).toEqual(expected);
      expect(texts.map((text) => countTokens(text, models[name]))).toEqual(expected);
    }
  }

  it('counts every prompt of the built-in set exactly', () => {
    const lines = readFileSync(PROMPTS, 'utf8').split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(100);
    expectSameCounts(lines.map((line) => JSON.stringify(JSON.parse(line))));
  });

  it('counts every SSE fixture and mock answer exactly', () => {
    const fixtures = readdirSync(SSE_FIXTURES).map((file) => readFileSync(new URL(file, SSE_FIXTURES), 'utf8'));
    expect(fixtures.length).toBeGreaterThan(10);
    expectSameCounts([...fixtures, mockText(512), mockText(512, { reasoning: true, start: 9 })]);
  });

  it('counts random text exactly: whitespace runs before words, contractions, marks, digits, CJK, emoji, lone surrogates', () => {
    const random = createRandom(20261122);
    const texts = Array.from({ length: 400 }, () => randomText(random, 1 + Math.floor(random() * 120)));
    expectSameCounts(texts);
  });

  it("gives every code point a piece with both encodings' patterns, so counting never falls back mid-text", async () => {
    for (const name of names) {
      const ranks = ((await import(`js-tiktoken/ranks/${name}`)) as { default: { pat_str: string } }).default;
      const piece = new RegExp(ranks.pat_str, 'uy');
      const uncovered: number[] = [];
      for (let code = 0; code <= 0x10ffff; code += 1) {
        piece.lastIndex = 0;
        if (!piece.test(String.fromCodePoint(code))) uncovered.push(code);
      }
      expect(uncovered).toEqual([]);
    }
  });

  it('stays exact when the piece table fills and starts afresh', () => {
    const random = createRandom(7);
    // About 60,000 distinct pieces, more than the table keeps.
    const texts = Array.from({ length: 1_500 }, () => Array.from({ length: 40 }, () => randomWord(random)).join(''));
    const expected = texts.map((text) => encodings.o200k_base.encode(text, [], []).length);
    expect(texts.map((text) => countTokens(text))).toEqual(expected);
    expect(texts.map((text) => countTokens(text))).toEqual(expected);
  });
});

describe('usage reconciliation counts what can be checked', () => {
  const parse = (api: string, body: string) => {
    const parser = getAdapter(api).createStreamParser({ reconcileUsage: true, keepText: true });
    parser.push(Buffer.from(body), 1);
    return parser.end(2);
  };
  const chunk = (delta: string, extra = '') => `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":${delta},"finish_reason":null}]${extra}}\n\n`;

  it('reasoning the usage counts apart is taken at its word: only the visible answer is compared', () => {
    const body =
      chunk('{"reasoning_content":"a short summary"}') +
      chunk('{"content":"Hello there, world"}') +
      'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":104,"completion_tokens_details":{"reasoning_tokens":100}}}\n\n' +
      'data: [DONE]\n\n';
    const parsed = parse('openai-chat', body);
    expect(parsed.ok).toBe(true);
    expect([parsed.outputTokens, parsed.reasoningTokens]).toEqual([104, 100]);
    expect(parsed.countedOutputTokens).toBe(countTokens('Hello there, world') + 100);
  });

  it('reasoning the usage does not count apart: nothing to compare (null), never a false drift', () => {
    const body =
      chunk('{"reasoning_content":"a short summary"}') +
      chunk('{"content":"Hello there, world"}') +
      'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":104}}\n\n' +
      'data: [DONE]\n\n';
    expect(parse('openai-chat', body).countedOutputTokens).toBeNull();
  });

  it('no reasoning: the whole answer is compared', () => {
    const body = chunk('{"content":"Hello there, world"}') + 'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4}}\n\n' + 'data: [DONE]\n\n';
    expect(parse('openai-chat', body).countedOutputTokens).toBe(countTokens('Hello there, world'));
  });
});
