/** Request building of both adapters: minimal bodies, normalisation (with its notes), test-data prompts. */
import { describe, expect, it } from 'vitest';
import { adapters, getAdapter } from '../../src/protocol/registry.js';

const openai = getAdapter('openai-chat');
const anthropic = getAdapter('anthropic-messages');
const messages = [{ role: 'user', content: 'hi' }];

describe('registry', () => {
  it('has one adapter per built-in API, in registry order', () => {
    expect(adapters.map((a) => a.apiType)).toEqual([
      'openai-chat',
      'anthropic-messages',
      'openai-embeddings',
      'openai-responses',
      'ollama-chat',
      'ollama-generate',
      'openai-completions',
    ]);
  });
});

describe('openai-chat request', () => {
  it('builds a minimal body', () => {
    expect(openai.minimalBody('gpt-4o')).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Write one short sentence about the sea.' }] });
  });

  it.each([
    {
      name: 'stream asks for usage',
      body: { messages },
      stream: true,
      out: { messages, model: 'm', stream: true, stream_options: { include_usage: true } },
      notes: ['added model: "m"', 'added stream: true', 'added stream_options.include_usage: true so the server reports token usage'],
    },
    {
      name: 'the user\'s include_usage is kept',
      body: { model: 'm', messages, stream: true, stream_options: { include_usage: false } },
      stream: true,
      out: { model: 'm', messages, stream: true, stream_options: { include_usage: false } },
      notes: ['stream_options.include_usage kept as given: output tokens will be counted with a tokenizer if the server reports no usage'],
    },
    {
      name: 'other stream_options are kept beside include_usage',
      body: { model: 'm', messages, stream: true, stream_options: { continuous_usage_stats: true } },
      stream: true,
      out: { model: 'm', messages, stream: true, stream_options: { continuous_usage_stats: true, include_usage: true } },
      notes: ['added stream_options.include_usage: true so the server reports token usage'],
    },
    {
      name: 'non-stream drops stream_options and sets stream false',
      body: { model: 'old', messages, stream: true, stream_options: { include_usage: true } },
      stream: false,
      out: { model: 'm', messages, stream: false },
      notes: ['model set to "m" (was "old")', 'stream set to false (was true)', 'removed stream_options: it is only valid with stream: true'],
    },
    { name: 'non-stream without a stream key stays without one', body: { model: 'm', messages }, stream: false, out: { model: 'm', messages }, notes: [] },
  ])('normalizes: $name', ({ body, stream, out, notes }) => {
    const result = openai.normalizeRequest(body, { model: 'm', stream, headers: {} });
    expect(result.body).toEqual(out);
    expect(result.notes).toEqual(notes);
    expect(result.headers).toEqual({});
  });

  it('does not change the body it was given', () => {
    const body = { messages, stream_options: { x: 1 } };
    openai.normalizeRequest(body, { model: 'm', stream: true, headers: {} });
    expect(body).toEqual({ messages, stream_options: { x: 1 } });
  });

  it('applies a plain prompt, keeping the leading system message', () => {
    const body = { model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'old' }], temperature: 0 };
    expect(openai.applyPrompt(body, { prompt: 'new' })).toEqual({
      model: 'm',
      temperature: 0,
      messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'new' }],
    });
    expect(openai.applyPrompt(body, { prompt: 'new', system: 'sys' })['messages']).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'new' },
    ]);
  });

  it('applies a message list as given', () => {
    const list = [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'q' }] }];
    expect(openai.applyPrompt({ model: 'm', messages }, { messages: list })).toEqual({ model: 'm', messages: list });
  });
});

describe('anthropic-messages request', () => {
  it('builds a minimal body with max_tokens', () => {
    expect(anthropic.minimalBody('claude-x')).toEqual({
      model: 'claude-x',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'Write one short sentence about the sea.' }],
    });
  });

  it('adds max_tokens and the version header, never include_usage', () => {
    const result = anthropic.normalizeRequest({ model: 'claude-x', messages, stream_options: { include_usage: true } }, { model: 'claude-x', stream: true, headers: { 'x-api-key': 'k' } });
    expect(result.body).toEqual({ model: 'claude-x', messages, stream: true, max_tokens: 1024 });
    expect(result.headers).toEqual({ 'anthropic-version': '2023-06-01' });
    expect(result.notes).toEqual([
      'added stream: true',
      'added max_tokens: 1024 (the Messages API requires it)',
      'removed stream_options: the Messages API does not accept it and always reports usage',
      'added header anthropic-version: 2023-06-01',
    ]);
  });

  it('keeps the user\'s max_tokens and anthropic-version (any case)', () => {
    const result = anthropic.normalizeRequest({ model: 'c', messages, max_tokens: 5, stream: false }, { model: 'c', stream: false, headers: { 'Anthropic-Version': '2024-01-01' } });
    expect(result).toEqual({ body: { model: 'c', messages, max_tokens: 5, stream: false }, headers: {}, notes: [] });
  });

  it('puts a prompt\'s system text at the top level', () => {
    expect(anthropic.applyPrompt({ model: 'c', max_tokens: 9, system: 'old', messages }, { prompt: 'q', system: 'sys' })).toEqual({
      model: 'c',
      max_tokens: 9,
      system: 'sys',
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(anthropic.applyPrompt({ model: 'c', system: 'kept', messages }, { prompt: 'q' })['system']).toBe('kept');
  });

  it('moves system messages of a message list to the top level, contents as given', () => {
    const blocks = [{ type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }];
    expect(anthropic.applyPrompt({ model: 'c', system: 'old' }, { messages: [{ role: 'system', content: blocks }, { role: 'user', content: 'q' }] })).toEqual({
      model: 'c',
      system: blocks,
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(
      anthropic.applyPrompt({ model: 'c' }, { messages: [{ role: 'system', content: 'a' }, { role: 'system', content: blocks }, { role: 'user', content: 'q' }] })['system'],
    ).toEqual([{ type: 'text', text: 'a' }, ...blocks]);
    expect('system' in anthropic.applyPrompt({ model: 'c', system: 'old' }, { messages: [{ role: 'user', content: 'q' }] })).toBe(false);
  });
});

describe('non-streamed JSON bodies', () => {
  it('reads an OpenAI completion with reasoning and usage', () => {
    const body = JSON.stringify({
      id: 'x',
      object: 'chat.completion',
      model: 'deepseek-reasoner',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Four.', reasoning_content: '2+2' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17, completion_tokens_details: { reasoning_tokens: 5 }, prompt_tokens_details: { cached_tokens: 2 } },
    });
    const response = openai.parseJson(body, 42, { keepText: true });
    expect(response).toMatchObject({
      ok: true,
      firstContentAt: 42,
      firstOutputAt: 42,
      endAt: 42,
      terminated: true,
      contentChunks: 1,
      inputTokens: 10,
      outputTokens: 7,
      reasoningTokens: 5,
      cachedInputTokens: 2,
      tokenSource: 'usage',
      model: 'deepseek-reasoner',
      finishReason: 'stop',
      sawReasoning: true,
      text: 'Four.',
    });
  });

  it('reads a pretty-printed OpenAI tool call without usage (tokenizer)', () => {
    const body = JSON.stringify({ choices: [{ message: { content: null, tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' }] }, null, 2);
    const response = openai.parseJson(body, 1);
    expect([response.ok, response.sawToolCall, response.tokenSource, response.usageReported]).toEqual([true, true, 'tokenizer', false]);
    expect(response.outputTokens).toBeGreaterThan(0);
  });

  it('reads an Anthropic message with cache usage', () => {
    const body = JSON.stringify({
      type: 'message',
      model: 'claude-x',
      content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'Hi' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 3, cache_read_input_tokens: 10, cache_creation_input_tokens: 0, output_tokens: 8 },
    });
    expect(anthropic.parseJson(body, 5, { keepText: true })).toMatchObject({
      ok: true,
      contentChunks: 1,
      inputTokens: 13,
      cachedInputTokens: 10,
      outputTokens: 8,
      tokenSource: 'usage',
      sawReasoning: true,
      finishReason: 'end_turn',
      text: 'Hi',
    });
  });

  it.each([
    ['openai-chat', '{"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"length"}]}', 'empty_response'],
    ['openai-chat', '{"object":"list","data":[]}', 'invalid_response'],
    ['openai-chat', '<html><title>Login</title></html>', 'invalid_response'],
    ['openai-chat', '{"error":{"message":"Rate limit","type":"requests","code":"rate_limit_exceeded"}}', 'rate_limited'],
    ['anthropic-messages', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'overloaded'],
    ['anthropic-messages', '{"type":"message","content":[]}', 'empty_response'],
    ['anthropic-messages', '{"choices":[]}', 'invalid_response'],
  ] as const)('%s body %s is %s', (api, body, category) => {
    const response = getAdapter(api).parseJson(body, 1);
    expect(response.ok).toBe(false);
    expect(response.category).toBe(category);
  });
});
