/**
 * Random SSE streams built to trip the parsers' byte fast paths: texts with quotes, backslashes and
 * multi-byte characters, a varying padding member, events that share a template's bytes but differ
 * where it matters (finish_reason, usage, error, tool calls), whitespace, reasoning, pings, a missing
 * terminator. Shared by the fast-path and parser-reuse tests.
 */
import { createRandom } from '../../src/random.js';
import type { ApiType } from '../../src/protocol/types.js';

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

export function randomStream(api: ApiType, seed: number): Buffer {
  const random = createRandom(seed);
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
