/** Request building of the Responses, completions, embeddings and Ollama adapters: minimal bodies, normalisation, prompts, max tokens. */
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';

const SEA = 'Write one short sentence about the sea.';

describe('minimal bodies', () => {
  it.each([
    ['openai-responses', { model: 'm', input: SEA }],
    ['openai-completions', { model: 'm', prompt: SEA, max_tokens: 128 }],
    ['openai-embeddings', { model: 'm', input: 'The sea is calm tonight.' }],
    ['ollama-chat', { model: 'm', messages: [{ role: 'user', content: SEA }] }],
    ['ollama-generate', { model: 'm', prompt: SEA }],
  ])('%s → %o', (api, body) => {
    expect(getAdapter(api).minimalBody('m')).toEqual(body);
  });
});

describe('normalisation', () => {
  it.each([
    {
      api: 'openai-responses',
      body: { input: 'x', stream_options: { include_usage: true } },
      stream: true,
      out: { input: 'x', model: 'm', stream: true },
      notes: ['added model: "m"', 'added stream: true', 'removed stream_options.include_usage: the Responses API always reports usage in response.completed'],
    },
    {
      api: 'openai-responses',
      body: { model: 'm', input: 'x', stream_options: { include_obfuscation: false } },
      stream: false,
      out: { model: 'm', input: 'x' },
      notes: ['removed stream_options: it is only valid with stream: true'],
    },
    {
      api: 'openai-completions',
      body: { model: 'm', prompt: 'x' },
      stream: true,
      out: { model: 'm', prompt: 'x', stream: true, stream_options: { include_usage: true } },
      notes: ['added stream: true', 'added stream_options.include_usage: true so the server reports token usage'],
    },
    {
      api: 'openai-embeddings',
      body: { model: 'old', input: ['a'], stream: true, stream_options: {} },
      stream: true,
      out: { model: 'm', input: ['a'] },
      notes: ['model set to "m" (was "old")', 'removed stream: the embeddings API does not stream', 'removed stream_options: the embeddings API does not stream'],
    },
    {
      api: 'ollama-chat',
      body: { model: 'm', messages: [] },
      stream: false,
      out: { model: 'm', messages: [], stream: false },
      notes: ['added stream: false (Ollama streams by default)'],
    },
    {
      api: 'ollama-generate',
      body: { model: 'm', prompt: 'x', stream_options: { include_usage: true } },
      stream: true,
      out: { model: 'm', prompt: 'x', stream: true },
      notes: ['added stream: true', "removed stream_options: Ollama's native API does not take it and always reports eval_count"],
    },
  ])('$api: $notes', ({ api, body, stream, out, notes }) => {
    const result = getAdapter(api).normalizeRequest(body, { model: 'm', stream, headers: {} });
    expect([result.body, result.notes, result.headers]).toEqual([out, notes, {}]);
  });
});

describe('test-data prompts', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ];
  it.each([
    ['openai-responses', { prompt: 'Hi', system: 'Be brief.' }, { model: 'm', input: 'Hi', instructions: 'Be brief.' }],
    ['openai-responses', { messages }, { model: 'm', input: messages }],
    ['openai-completions', { prompt: 'Hi', system: 'Be brief.' }, { model: 'm', prompt: 'Be brief.\n\nHi' }],
    ['openai-completions', { messages }, { model: 'm', prompt: 'Be brief.\nHi' }],
    ['openai-embeddings', { prompt: 'Hi' }, { model: 'm', input: 'Hi' }],
    ['openai-embeddings', { messages }, { model: 'm', input: ['Be brief.', 'Hi'] }],
    ['ollama-chat', { prompt: 'Hi', system: 'Be brief.' }, { model: 'm', messages }],
    ['ollama-generate', { prompt: 'Hi', system: 'Be brief.' }, { model: 'm', prompt: 'Hi', system: 'Be brief.' }],
  ])('%s with %o', (api, prompt, out) => {
    expect(getAdapter(api).applyPrompt({ model: 'm' }, prompt)).toEqual(out);
  });

  it('keeps an embeddings batch a batch of the same size', () => {
    expect(getAdapter('openai-embeddings').applyPrompt({ model: 'm', input: ['a', 'b', 'c'] }, { prompt: 'x' })).toEqual({ model: 'm', input: ['x', 'x', 'x'] });
  });
});

describe('max tokens of a body', () => {
  it.each([
    ['openai-responses', { max_output_tokens: 64 }, 64],
    ['openai-responses', { max_tokens: 64 }, null],
    ['openai-completions', { max_tokens: 7 }, 7],
    ['ollama-chat', { options: { num_predict: 32 } }, 32],
    ['ollama-generate', { options: { num_predict: -1 } }, null],
    ['ollama-generate', {}, null],
  ])('%s %o → %s', (api, body, max) => {
    expect(getAdapter(api).readMaxTokens?.(body)).toBe(max);
  });
});
