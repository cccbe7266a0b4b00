import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { mockText } from '../../src/mock/words.js';

/**
 * The official SDKs are the judges of "exactly the real wire format": they must read the mock's JSON and
 * streams without error, get the same text and usage we configured, and turn each fault into their own
 * error class and status.
 */
const OUTPUT_TOKENS = 12;
const USER = [{ role: 'user' as const, content: 'Say something.' }];
/** "Say something." is 14 ASCII characters: ceil(14 / 4). */
const PROMPT_TOKENS = 4;

let server: MockServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startMockServer({ outputTokens: OUTPUT_TOKENS, chunkTokens: 2 });
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'test', maxRetries: 0, timeout: 5000 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: 'test', maxRetries: 0, timeout: 5000 });
});
afterAll(async () => {
  await server.close();
});

function headers(values: Record<string, string>): { headers: Record<string, string> } {
  return { headers: values };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('openai SDK', () => {
  it('reads a stream with include_usage: the configured text and usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-mock',
      messages: USER,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(mockText(OUTPUT_TOKENS));
    expect(finishReason).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: PROMPT_TOKENS, completion_tokens: OUTPUT_TOKENS, total_tokens: PROMPT_TOKENS + OUTPUT_TOKENS });
  });

  it('assembles the stream with its chat.completions.stream helper', async () => {
    const runner = openai.chat.completions.stream({ model: 'gpt-mock', messages: USER, max_tokens: 5, stream_options: { include_usage: true } });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe(mockText(5));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('reads a JSON completion, reasoning included', async () => {
    const completion = await openai.chat.completions.create(
      { model: 'gpt-mock', messages: USER },
      headers({ 'x-mock-reasoning-tokens': '3' }),
    );
    expect(completion.model).toBe('gpt-mock');
    expect(completion.choices[0]?.message.content).toBe(mockText(OUTPUT_TOKENS));
    expect((completion.choices[0]?.message as unknown as { reasoning_content: string }).reasoning_content).toBe(mockText(3, { reasoning: true }));
    expect(completion.usage).toMatchObject({ completion_tokens: OUTPUT_TOKENS + 3, completion_tokens_details: { reasoning_tokens: 3 } });
  });

  it.each([
    [401, OpenAI.AuthenticationError, 'invalid_api_key', false],
    [403, OpenAI.PermissionDeniedError, 'unsupported_country_region_territory', false],
    [404, OpenAI.NotFoundError, 'model_not_found', false],
    [429, OpenAI.RateLimitError, 'rate_limit_exceeded', false],
    [429, OpenAI.RateLimitError, 'insufficient_quota', true],
    [500, OpenAI.InternalServerError, null, false],
    [503, OpenAI.InternalServerError, null, false],
  ])('status %i → %o (code %s, quota %s)', async (status, errorClass, code, quota) => {
    const error = await caught(
      openai.chat.completions.create(
        { model: 'gpt-mock', messages: USER, stream: true },
        headers({ 'x-mock-fail-status': String(status), 'x-mock-quota-exceeded': String(quota) }),
      ),
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((error as InstanceType<typeof OpenAI.APIError>).code ?? null).toBe(code);
  });

  it('an error event mid-stream → APIError from the iterator, after the tokens before it', async () => {
    const stream = await openai.chat.completions.create(
      { model: 'gpt-mock', messages: USER, stream: true },
      headers({ 'x-mock-mid-stream-error-after-tokens': '4' }),
    );
    let text = '';
    const error = await caught(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('server_error');
    expect(text).toBe(mockText(4));
  });

  it('a dropped connection → an error from the iterator, not a clean end', async () => {
    const stream = await openai.chat.completions.create(
      { model: 'gpt-mock', messages: USER, stream: true },
      headers({ 'x-mock-drop-after-tokens': '2' }),
    );
    let text = '';
    const error = await caught(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error).toBeInstanceOf(Error);
    expect(text).toBe(mockText(2));
  });

  it('a hanging server → APIConnectionTimeoutError', async () => {
    const error = await caught(
      openai.chat.completions.create({ model: 'gpt-mock', messages: USER }, { headers: { 'x-mock-hang': 'true' }, timeout: 200 }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });
});

describe('@anthropic-ai/sdk', () => {
  it('reads a JSON message', async () => {
    const message = await anthropic.messages.create({ model: 'claude-mock', max_tokens: 1024, messages: USER });
    expect(message.content).toEqual([{ type: 'text', text: mockText(OUTPUT_TOKENS) }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: PROMPT_TOKENS, output_tokens: OUTPUT_TOKENS });
  });

  it('reads the raw event stream of messages.create({stream: true})', async () => {
    const stream = await anthropic.messages.create({ model: 'claude-mock', max_tokens: 1024, messages: USER, stream: true });
    let text = '';
    let inputTokens = 0;
    let outputTokens = 0;
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') outputTokens = event.usage.output_tokens;
    }
    expect(text).toBe(mockText(OUTPUT_TOKENS));
    expect([inputTokens, outputTokens]).toEqual([PROMPT_TOKENS, OUTPUT_TOKENS]);
    expect(types.at(0)).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('assembles thinking and text with messages.stream().finalMessage()', async () => {
    const stream = anthropic.messages.stream(
      { model: 'claude-mock', max_tokens: 1024, messages: USER, thinking: { type: 'enabled', budget_tokens: 1024 } },
      headers({ 'x-mock-reasoning-tokens': '5' }),
    );
    let streamedText = '';
    stream.on('text', (delta) => {
      streamedText += delta;
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: mockText(5, { reasoning: true }), signature: expect.any(String) },
      { type: 'text', text: mockText(OUTPUT_TOKENS) },
    ]);
    expect(streamedText).toBe(mockText(OUTPUT_TOKENS));
    expect(message.usage.output_tokens).toBe(OUTPUT_TOKENS + 5);
  });

  it.each([
    [401, Anthropic.AuthenticationError, 'authentication_error'],
    [403, Anthropic.PermissionDeniedError, 'permission_error'],
    [404, Anthropic.NotFoundError, 'not_found_error'],
    [429, Anthropic.RateLimitError, 'rate_limit_error'],
    [500, Anthropic.InternalServerError, 'api_error'],
    [503, Anthropic.ServiceUnavailableError, 'api_error'],
    [529, Anthropic.OverloadedError, 'overloaded_error'],
  ])('status %i → %o (%s)', async (status, errorClass, type) => {
    const error = await caught(
      anthropic.messages.create(
        { model: 'claude-mock', max_tokens: 1024, messages: USER, stream: true },
        headers({ 'x-mock-fail-status': String(status) }),
      ),
    );
    expect(error).toBeInstanceOf(errorClass);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type } });
  });

  it('an error event mid-stream → APIError with overloaded_error, after the text before it', async () => {
    const stream = anthropic.messages.stream(
      { model: 'claude-mock', max_tokens: 1024, messages: USER },
      headers({ 'x-mock-mid-stream-error-after-tokens': '4' }),
    );
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const error = await caught(stream.finalMessage());
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'overloaded_error' } });
    expect(text).toBe(mockText(4));
  });

  it('a dropped connection → an error, not a final message', async () => {
    const stream = anthropic.messages.stream({ model: 'claude-mock', max_tokens: 1024, messages: USER }, headers({ 'x-mock-drop-after-tokens': '2' }));
    expect(await caught(stream.finalMessage())).toBeInstanceOf(Error);
  });

  it('a hanging server → APIConnectionTimeoutError', async () => {
    const error = await caught(
      anthropic.messages.create({ model: 'claude-mock', max_tokens: 16, messages: USER }, { headers: { 'x-mock-hang': 'true' }, timeout: 200 }),
    );
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });
});
