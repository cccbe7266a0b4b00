/**
 * The byte fast paths (structure scanner, learned event templates) against full JSON parsing on random
 * streams built to trip them: texts with quotes, backslashes and multi-byte characters, a varying
 * padding member, events that share a template's bytes but differ where it matters (finish_reason,
 * usage, error, tool calls), whitespace, reasoning. keepText parses every event in full, so both runs
 * must agree on everything but the text.
 */
import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/protocol/registry.js';
import type { ApiType, ParsedResponse } from '../../src/protocol/types.js';

function makeRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const TEXTS = ['a', ' word', '', 'say \\"hi\\"', '\\\\', 'é世🚀', '\\"obfuscation\\":\\"x', '\\n', '"', '}],"usage":null}'];

function pickText(random: () => number): string {
  // Some TEXTS entries are raw (unescaped) on purpose; JSON-encode those that are not already escaped.
  const text = TEXTS[Math.floor(random() * TEXTS.length)] as string;
  return text === '"' || text.startsWith('}') ? JSON.stringify(text).slice(1, -1) : text;
}

function openAiEvent(random: () => number, k: number): string {
  const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":';
  const pad = random() < 0.5 ? `,"obfuscation":"${'Zq'.repeat(k % 5)}"` : '';
  const text = pickText(random);
  const roll = random();
  if (roll < 0.55) return `${head}{"content":"${text}"},"logprobs":null,"finish_reason":null}],"usage":null${pad}}`;
  if (roll < 0.65) return `${head}{"reasoning_content":"${text}"},"logprobs":null,"finish_reason":null}],"usage":null${pad}}`;
  if (roll < 0.7) return `${head}{"content":"${text}"},"logprobs":null,"finish_reason":"stop"}],"usage":null${pad}}`;
  if (roll < 0.75) return `${head}{"content":"${text}"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":3,"completion_tokens":${k}}${pad}}`;
  if (roll < 0.8) return `${head}{"content":null,"tool_calls":[{"index":0,"function":{"arguments":"${text}"}}]},"finish_reason":null}],"usage":null}`;
  if (roll < 0.85) return `${head}{"content": "${text}"},"logprobs":null,"finish_reason":null}], "usage":null}`;
  if (roll < 0.88) return `${head}{"content":"${text}","refusal":"no"},"finish_reason":null}],"usage":null}`;
  if (roll < 0.9) return '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":7}}';
  if (roll < 0.92) return `${head}{"content":"${text}"},"finish_reason":null}],"usage":null,"object":"error"}`;
  if (roll < 0.93) return '{"error":{"message":"boom","type":"server_error","code":null}}';
  return `${head}{"content":"${text}"},"logprobs":null,"finish_reason":null}],"usage":null${pad}}`;
}

function anthropicEvent(random: () => number): string {
  const text = pickText(random);
  const roll = random();
  if (roll < 0.6) return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${text}"}}`;
  if (roll < 0.7) return `event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"${text}"}}`;
  if (roll < 0.75) return `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"${text}"}}`;
  if (roll < 0.8) return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"${text}"}}`;
  if (roll < 0.85) return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"text":"${text}","type":"text_delta"}}`;
  if (roll < 0.88) return `event: content_block_delta\ndata: {"type":"content_block_delta", "index":0, "delta": {"type":"text_delta","text":"${text}"}}`;
  if (roll < 0.9) return 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}';
  if (roll < 0.92) return 'event: ping\ndata: {"type":"ping"}';
  if (roll < 0.93) return 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
  if (roll < 0.96) return `data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${text}"}}`;
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${text}"}}`;
}

function randomStream(api: ApiType, seed: number): Buffer {
  const random = makeRandom(seed);
  const events: string[] = [];
  const count = 3 + Math.floor(random() * 30);
  if (api === 'anthropic-messages') {
    events.push('event: message_start\ndata: {"type":"message_start","message":{"model":"c","usage":{"input_tokens":4,"output_tokens":1}}}');
    for (let k = 0; k < count; k++) events.push(anthropicEvent(random));
    if (random() < 0.8) events.push('event: message_stop\ndata: {"type":"message_stop"}');
  } else {
    for (let k = 0; k < count; k++) events.push(`data: ${openAiEvent(random, k)}`);
    if (random() < 0.8) events.push('data: [DONE]');
  }
  return Buffer.from(events.map((e) => `${e}\n\n`).join(''));
}

function replay(api: ApiType, bytes: Buffer, seed: number, keepText: boolean): { response: ParsedResponse; chunkAt: number[] } {
  const random = makeRandom(seed * 7 + 1);
  const chunkAt: number[] = [];
  const parser = getAdapter(api).createStreamParser({ keepText, listener: { onContentChunk: (at) => chunkAt.push(at) } });
  let at = 0;
  while (at < bytes.length) {
    const next = Math.min(bytes.length, at + 1 + Math.floor(random() * 120));
    parser.push(bytes.subarray(at, next), next);
    at = next;
  }
  return { response: parser.end(bytes.length + 1), chunkAt };
}

describe.each(['openai-chat', 'anthropic-messages'] as const)('%s fast paths', (api) => {
  it('agree with full parsing on 400 adversarial random streams', () => {
    let contentEvents = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const bytes = randomStream(api, seed);
      const fast = replay(api, bytes, seed, false);
      const full = replay(api, bytes, seed, true);
      const { text: _text, ...fullRest } = full.response;
      expect(fast.response, `seed ${seed}`).toEqual(fullRest);
      expect(fast.chunkAt, `seed ${seed}`).toEqual(full.chunkAt);
      contentEvents += fast.response.contentChunks;
    }
    // The streams must actually exercise the content paths.
    expect(contentEvents).toBeGreaterThan(2000);
  });
});
