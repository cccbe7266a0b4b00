/**
 * Every transcript in test/fixtures/sse/ replayed in one read, split at every byte boundary, in 1-byte
 * reads and in random reads: the outcome must be identical, and each content chunk must be stamped with
 * the arrival time of the read that completed it. The fast byte scanner is also checked against the
 * full-parse path (keepText parses every event).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import { countTokens } from '../../src/protocol/tokens.js';
import type { ApiType, ParsedResponse } from '../../src/protocol/types.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/sse');
/** Ollama's native streams: NDJSON, not SSE. */
const NDJSON_FIXTURES = join(import.meta.dirname, '../fixtures/ndjson');

interface Expected {
  api: ApiType;
  ok: boolean;
  category?: ParsedResponse['category'];
  chunks: number;
  text: string;
  input?: number | null;
  output?: number | null;
  reasoning?: number | null;
  cached?: number | null;
  source?: ParsedResponse['tokenSource'];
  finish?: string | null;
  terminated?: boolean;
  sawReasoning?: boolean;
  sawToolCall?: boolean;
  model?: string | null;
  /** First output comes after first content (reasoning first). */
  outputAfterContent?: boolean;
}

const UTF8_TEXT = 'こんにちは世界🌍🚀 "quoted"\\néè€ end\n';

const CASES: Record<string, Expected> = {
  'openai-basic.sse': { api: 'openai-chat', ok: true, chunks: 4, text: 'Hello! How are', input: 19, output: 4, reasoning: 0, cached: 0, source: 'usage', finish: 'stop', model: 'gpt-4o-mini-2024-07-18' },
  'openai-crlf-nospace.sse': { api: 'openai-chat', ok: true, chunks: 2, text: 'Ping pong', input: 8, output: 2, cached: null, source: 'usage' },
  'openai-cr.sse': { api: 'openai-chat', ok: true, chunks: 2, text: 'Só CR', input: 3, output: 2, source: 'usage' },
  'azure-prompt-filter.sse': { api: 'openai-chat', ok: true, chunks: 3, text: 'Azure says hi', input: 12, output: 3, cached: 0, reasoning: 0, model: 'gpt-4o-2024-11-20' },
  'deepseek-reasoning-content.sse': { api: 'openai-chat', ok: true, chunks: 5, text: 'Hi there', input: 9, output: 42, reasoning: 38, sawReasoning: true, outputAfterContent: true, finish: 'stop' },
  'openrouter-reasoning.sse': { api: 'openai-chat', ok: true, chunks: 4, text: 'Four.', input: 14, output: 20, reasoning: 16, sawReasoning: true, outputAfterContent: true, model: 'anthropic/claude-3.7-sonnet:thinking' },
  'vllm-continuous-usage.sse': { api: 'openai-chat', ok: true, chunks: 3, text: 'Yes!', input: 11, output: 3, reasoning: null, sawReasoning: true, outputAfterContent: true },
  'llamacpp-timings.sse': { api: 'openai-chat', ok: true, chunks: 2, text: 'Llama speaks', input: 11, output: 3, source: 'usage', model: 'gpt-3.5-turbo' },
  'ollama-no-role-chunk.sse': { api: 'openai-chat', ok: true, chunks: 2, text: 'Ollama', input: 26, output: 2 },
  'openai-tool-calls.sse': { api: 'openai-chat', ok: true, chunks: 6, text: '', input: 60, output: 15, sawToolCall: true, finish: 'tool_calls' },
  'openai-multiline-padded.sse': { api: 'openai-chat', ok: true, chunks: 4, text: 'Multi line padded spaced', input: 5, output: 4 },
  'openai-no-usage-utf8.sse': { api: 'openai-chat', ok: true, chunks: 7, text: UTF8_TEXT, input: null, output: countTokens(UTF8_TEXT), source: 'tokenizer' },
  'openai-error-in-stream.sse': { api: 'openai-chat', ok: false, category: 'rate_limited', chunks: 1, text: 'Part', terminated: false },
  'vllm-error-then-done.sse': { api: 'openai-chat', ok: false, category: 'server_error', chunks: 1, text: 'Half', terminated: false },
  'openai-truncated.sse': { api: 'openai-chat', ok: false, category: 'invalid_response', chunks: 2, text: 'Cut off', terminated: false },
  'openai-empty.sse': { api: 'openai-chat', ok: false, category: 'empty_response', chunks: 0, text: '', output: 0, finish: 'length', terminated: true },
  'openai-after-done.sse': { api: 'openai-chat', ok: true, chunks: 1, text: 'Done', input: 2, output: 1 },
  'mistral-content-parts.sse': { api: 'openai-chat', ok: true, chunks: 4, text: 'Four.', input: 10, output: 15, sawReasoning: true, outputAfterContent: true, finish: 'stop', model: 'magistral-medium-2506' },
  'anthropic-basic.sse': { api: 'anthropic-messages', ok: true, chunks: 4, text: 'Hello! Claude here.', input: 2125, cached: 2100, output: 6, finish: 'end_turn', model: 'claude-sonnet-4-20250514', source: 'usage' },
  'anthropic-thinking-crlf.sse': { api: 'anthropic-messages', ok: true, chunks: 3, text: '4', input: 40, cached: null, output: 12, sawReasoning: true, outputAfterContent: true },
  'anthropic-tool-use.sse': { api: 'anthropic-messages', ok: true, chunks: 4, text: 'Checking.', input: 472, output: 89, sawToolCall: true, finish: 'tool_use' },
  'anthropic-error-overloaded.sse': { api: 'anthropic-messages', ok: false, category: 'overloaded', chunks: 1, text: 'Par', terminated: false },
  'anthropic-truncated.sse': { api: 'anthropic-messages', ok: false, category: 'invalid_response', chunks: 1, text: 'Never ends', terminated: false },
  'openai-responses-basic.sse': { api: 'openai-responses', ok: true, chunks: 3, text: 'Hi there — «ça va?» 🌊', input: 1037, cached: 1024, output: 9, reasoning: 0, source: 'usage', finish: 'completed', model: 'gpt-4.1-2025-04-14' },
  'openai-responses-reasoning.sse': { api: 'openai-responses', ok: true, chunks: 4, text: '4.', input: 14, cached: 0, output: 150, reasoning: 128, sawReasoning: true, outputAfterContent: true, finish: 'completed', model: 'o4-mini-2025-04-16' },
  'openai-responses-function-call.sse': { api: 'openai-responses', ok: true, chunks: 6, text: '', input: 291, output: 23, sawToolCall: true, finish: 'completed' },
  'openai-responses-failed.sse': { api: 'openai-responses', ok: false, category: 'server_error', chunks: 2, text: 'Part way', terminated: false },
  'openai-responses-error-event.sse': { api: 'openai-responses', ok: false, category: 'rate_limited', chunks: 1, text: 'Half', terminated: false },
  'openai-responses-incomplete-crlf.sse': { api: 'openai-responses', ok: true, chunks: 2, text: 'Once upon a time', input: 12, output: 16, finish: 'max_output_tokens', model: 'gpt-4.1-nano-2025-04-14' },
  'openai-completions-basic.sse': { api: 'openai-completions', ok: true, chunks: 4, text: 'This is a test.', input: 5, output: 5, source: 'usage', finish: 'length', model: 'gpt-3.5-turbo-instruct' },
  'vllm-completions-stop-in-last-chunk.sse': { api: 'openai-completions', ok: true, chunks: 3, text: ' San Francisco is', input: null, output: countTokens(' San Francisco is'), source: 'tokenizer', finish: 'stop' },
  'ollama-chat-basic.ndjson': { api: 'ollama-chat', ok: true, chunks: 3, text: 'The sky is blue 🌤 "mostly".', input: 26, output: 6, cached: null, source: 'usage', finish: 'stop', model: 'llama3.2' },
  'ollama-chat-thinking.ndjson': { api: 'ollama-chat', ok: true, chunks: 4, text: 'Four.', input: 17, output: 31, reasoning: null, sawReasoning: true, outputAfterContent: true, finish: 'stop', model: 'qwen3:8b' },
  'ollama-chat-tool-call.ndjson': { api: 'ollama-chat', ok: true, chunks: 1, text: '', input: 122, output: 33, sawToolCall: true, finish: 'stop' },
  'ollama-chat-error-mid-stream.ndjson': { api: 'ollama-chat', ok: false, category: 'server_error', chunks: 2, text: 'Half way', terminated: false },
  'ollama-chat-truncated.ndjson': { api: 'ollama-chat', ok: false, category: 'invalid_response', chunks: 2, text: 'Cut off', terminated: false },
  'ollama-generate-crlf.ndjson': { api: 'ollama-generate', ok: true, chunks: 3, text: 'Why is the sky blue?', input: 26, output: 5, finish: 'length', model: 'llama3.2' },
  'ollama-generate-thinking-no-counts.ndjson': {
    api: 'ollama-generate',
    ok: true,
    chunks: 3,
    text: 'Yes',
    input: null,
    output: countTokens('Yes') + countTokens('Hmm, simple.'),
    reasoning: countTokens('Hmm, simple.'),
    source: 'tokenizer',
    sawReasoning: true,
    outputAfterContent: true,
    finish: 'stop',
  },
};

/** Each read is stamped with the index of its last byte, so stamps say where an event completed. */
function replay(api: ApiType, bytes: Buffer, cuts: readonly number[], keepText = false): { response: ParsedResponse; chunkAt: number[] } {
  const chunkAt: number[] = [];
  const parser = getAdapter(api).createStreamParser({ keepText, listener: { onContentChunk: (at) => chunkAt.push(at) } });
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) parser.push(bytes.subarray(from, cut), cut - 1);
    from = cut;
  }
  return { response: parser.end(bytes.length), chunkAt };
}

/** What must not depend on how the bytes were cut. */
function invariant(response: ParsedResponse): Omit<ParsedResponse, 'firstContentAt' | 'firstOutputAt' | 'lastContentAt' | 'endAt' | 'text'> {
  const { firstContentAt: _a, firstOutputAt: _b, lastContentAt: _c, endAt: _d, text: _e, ...rest } = response;
  return rest;
}

/** The stamp a read boundary set gives to the byte at `position`: the last byte index of its read. */
function stampFor(position: number, cuts: readonly number[], length: number): number {
  for (const cut of [...cuts, length]) if (position < cut) return cut - 1;
  return length - 1;
}

function randomCuts(length: number, seed: number, meanRead: number): number[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const cuts: number[] = [];
  let at = 0;
  for (;;) {
    at += 1 + Math.floor(next() * meanRead * 2);
    if (at >= length) return cuts;
    cuts.push(at);
  }
}

describe('SSE and NDJSON transcripts', () => {
  for (const [file, expected] of Object.entries(CASES)) {
    describe(file, () => {
      const bytes = readFileSync(join(file.endsWith('.ndjson') ? NDJSON_FIXTURES : FIXTURES, file));
      // 1-byte reads stamp every event with the exact index of the byte that completed it.
      const oneByte = replay(expected.api, bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));

      it('gives the expected outcome', () => {
        const { response } = replay(expected.api, bytes, [], true);
        expect(response.ok).toBe(expected.ok);
        expect(response.category).toBe(expected.category ?? null);
        expect(response.contentChunks).toBe(expected.chunks);
        expect(response.text).toBe(expected.text);
        if (expected.input !== undefined) expect(response.inputTokens).toBe(expected.input);
        if (expected.output !== undefined) expect(response.outputTokens).toBe(expected.output);
        if (expected.reasoning !== undefined) expect(response.reasoningTokens).toBe(expected.reasoning);
        if (expected.cached !== undefined) expect(response.cachedInputTokens).toBe(expected.cached);
        if (expected.source !== undefined) expect(response.tokenSource).toBe(expected.source);
        if (expected.finish !== undefined) expect(response.finishReason).toBe(expected.finish);
        if (expected.model !== undefined) expect(response.model).toBe(expected.model);
        expect(response.terminated).toBe(expected.terminated ?? true);
        expect(response.sawReasoning).toBe(expected.sawReasoning ?? false);
        expect(response.sawToolCall).toBe(expected.sawToolCall ?? false);
        if (expected.ok) expect(response.message).toBeNull();
        else expect(response.message).toMatch(/\S/);
      });

      it('reads the same with the byte scanner as with full parsing', () => {
        expect(invariant(replay(expected.api, bytes, []).response)).toEqual(invariant(replay(expected.api, bytes, [], true).response));
      });

      it('stamps TTFT, TTFO and each chunk at the read that completed the event', () => {
        const { response, chunkAt } = oneByte;
        expect(chunkAt).toHaveLength(expected.chunks);
        expect(response.firstContentAt).toBe(chunkAt[0] ?? null);
        expect(response.lastContentAt).toBe(chunkAt.at(-1) ?? null);
        if (expected.outputAfterContent === true) expect(response.firstOutputAt).toBeGreaterThan(response.firstContentAt as number);
        else if (expected.chunks > 0 && !(expected.sawToolCall ?? false)) expect(response.firstOutputAt).toBe(response.firstContentAt);
      });

      it('is identical when split at every byte boundary', () => {
        const reference = invariant(oneByte.response);
        for (let cut = 1; cut < bytes.length; cut++) {
          const { response, chunkAt } = replay(expected.api, bytes, [cut]);
          expect(invariant(response)).toEqual(reference);
          expect(chunkAt).toEqual(oneByte.chunkAt.map((at) => stampFor(at, [cut], bytes.length)));
          // The terminator (or an error event) fixes the end; otherwise it is the end of the body.
          const fixedEnd = oneByte.response.endAt !== bytes.length;
          expect(response.endAt).toBe(fixedEnd ? stampFor(oneByte.response.endAt, [cut], bytes.length) : bytes.length);
        }
      });

      it('is identical in random reads', () => {
        const reference = invariant(oneByte.response);
        for (let seed = 1; seed <= 60; seed++) {
          const cuts = randomCuts(bytes.length, seed, seed % 3 === 0 ? 3 : 40);
          const { response, chunkAt } = replay(expected.api, bytes, cuts);
          expect(invariant(response)).toEqual(reference);
          expect(chunkAt).toEqual(oneByte.chunkAt.map((at) => stampFor(at, cuts, bytes.length)));
        }
      });
    });
  }

  it('every fixture has an expectation', async () => {
    const { readdirSync } = await import('node:fs');
    const files = [...readdirSync(FIXTURES).filter((f) => f.endsWith('.sse')), ...readdirSync(NDJSON_FIXTURES).filter((f) => f.endsWith('.ndjson'))];
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });
});
