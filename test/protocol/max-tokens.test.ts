import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType } from '../../src/protocol/types.js';

describe('applyOutputLength (not exact): each API caps its answer under its own name', () => {
  it.each<[ApiType, Record<string, unknown>, Record<string, unknown>]>([
    ['openai-chat', { model: 'm', max_tokens: 10 }, { model: 'm', max_tokens: 64 }],
    ['openai-chat', { model: 'm', max_completion_tokens: 10 }, { model: 'm', max_completion_tokens: 64 }],
    ['openai-completions', { model: 'm' }, { model: 'm', max_tokens: 64 }],
    ['anthropic-messages', { model: 'm', max_tokens: 1024 }, { model: 'm', max_tokens: 64 }],
    ['openai-responses', { model: 'm' }, { model: 'm', max_output_tokens: 64 }],
    ['ollama-chat', { model: 'm', options: { temperature: 0 } }, { model: 'm', options: { temperature: 0, num_predict: 64 } }],
    ['ollama-generate', { model: 'm' }, { model: 'm', options: { num_predict: 64 } }],
  ])('%s %j', (api, body, expected) => {
    const adapter = getAdapter(api);
    expect(adapter.applyOutputLength?.(body, 64, false)).toEqual(expected);
    expect(adapter.readMaxTokens?.(expected) ?? 64).toBe(64);
  });

  it('embeddings generate no text: no cap to set', () => {
    expect(getAdapter('openai-embeddings').applyOutputLength).toBeUndefined();
  });
});
