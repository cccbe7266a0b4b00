/**
 * Client-side token counts (used when the server reports no usage): the encoding picked per model, and
 * text that looks like a special token counted as text instead of throwing.
 */
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import { countPromptTokens, countTokens, encodingForModel } from '../../src/protocol/tokens.js';

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
