import { describe, expect, it } from 'vitest';
import { buildJsonBody, buildStreamParts, type ReplyPlan } from '../../src/mock/wire.js';

const openAiPlan: ReplyPlan = {
  api: 'openai-chat',
  id: 'chatcmpl-mock-1',
  model: 'gpt-x',
  created: 1700000000,
  inputTokens: 5,
  reasoningTokens: 0,
  answerTokens: 2,
  usageOutputTokens: 2,
  chunkTokens: 1,
  finishReason: 'stop',
  roleChunk: true,
  streamUsage: true,
  jsonUsage: true,
};
const anthropicPlan: ReplyPlan = { ...openAiPlan, api: 'anthropic-messages', id: 'msg_mock-1', model: 'claude-x' };

function whole(parts: ReturnType<typeof buildStreamParts>): string {
  return parts.head + parts.events.join('') + parts.tail;
}

/** Every `data:` payload of an SSE text, except [DONE], parsed. */
function dataOf(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

describe('OpenAI stream', () => {
  it('is byte-exact: role chunk, one chunk per token, finish, usage chunk, [DONE]', () => {
    const pre = '{"id":"chatcmpl-mock-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-x","system_fingerprint":null,"choices":[';
    expect(whole(buildStreamParts(openAiPlan))).toBe(
      `data: ${pre}{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${pre}{"index":0,"delta":{"content":" the"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${pre}{"index":0,"delta":{"content":" of"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${pre}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n` +
        `data: ${pre}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('has no usage fields at all when usage was not asked for', () => {
    const text = whole(buildStreamParts({ ...openAiPlan, streamUsage: false, roleChunk: false }));
    expect(text).not.toContain('usage');
    expect(text).not.toContain('"role"');
    expect(dataOf(text)).toHaveLength(3);
  });

  it('groups tokens per event, reasoning first, and cuts at a token limit', () => {
    const plan = { ...openAiPlan, reasoningTokens: 3, answerTokens: 5, usageOutputTokens: 8, chunkTokens: 2 };
    const full = buildStreamParts(plan);
    expect(full.eventTokens).toEqual([2, 1, 2, 2, 1]);
    const deltas = dataOf(full.events.join('')).map((d) => (d as { choices: Array<{ delta: unknown }> }).choices[0]?.delta);
    expect(deltas).toEqual([
      { reasoning_content: ' like our' },
      { reasoning_content: ' over' },
      { content: ' the of' },
      { content: ' and to' },
      { content: ' in' },
    ]);
    expect(buildStreamParts(plan, 4).eventTokens).toEqual([2, 1, 1]);
    expect(buildStreamParts(plan, 0).events).toEqual([]);
  });
});

describe('Anthropic stream', () => {
  it('is byte-exact: message_start, block start, ping, deltas, block stop, message_delta, message_stop', () => {
    expect(whole(buildStreamParts(anthropicPlan))).toBe(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_mock-1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}\n\n' +
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: ping\ndata: {"type": "ping"}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the"}}\n\n' +
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" of"}}\n\n' +
        'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\n\n' +
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
  });

  it('puts thinking in block 0 and the answer in block 1, and counts both in output_tokens', () => {
    const text = whole(buildStreamParts({ ...anthropicPlan, reasoningTokens: 2, usageOutputTokens: 4, finishReason: 'length' }));
    const types = dataOf(text).map((d) => {
      const event = d as { type: string; index?: number; delta?: { type?: string } };
      return [event.type, event.index ?? null, event.delta?.type ?? null];
    });
    expect(types).toEqual([
      ['message_start', null, null],
      ['content_block_start', 0, null],
      ['ping', null, null],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_delta', 0, 'signature_delta'],
      ['content_block_stop', 0, null],
      ['content_block_start', 1, null],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_stop', 1, null],
      ['message_delta', null, null],
      ['message_stop', null, null],
    ]);
    expect(text).toContain('"stop_reason":"max_tokens"');
    expect(text).toContain('"usage":{"output_tokens":4}');
  });
});

describe('JSON bodies', () => {
  it('OpenAI: chat.completion with message, finish_reason and usage', () => {
    const body = JSON.parse(buildJsonBody({ ...openAiPlan, reasoningTokens: 1, usageOutputTokens: 3 })) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 'chatcmpl-mock-1',
      object: 'chat.completion',
      model: 'gpt-x',
      choices: [{ index: 0, message: { role: 'assistant', content: ' the of', reasoning_content: ' like' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, completion_tokens_details: { reasoning_tokens: 1 } },
    });
    expect(JSON.parse(buildJsonBody({ ...openAiPlan, jsonUsage: false }))).not.toHaveProperty('usage');
  });

  it('Anthropic: message with content blocks, stop_reason and usage', () => {
    expect(JSON.parse(buildJsonBody(anthropicPlan))).toEqual({
      id: 'msg_mock-1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: ' the of' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 2 },
    });
  });
});
