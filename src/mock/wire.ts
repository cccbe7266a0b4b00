import type { ApiType } from '../protocol/types.js';
import { mockText } from './words.js';

/** Everything the mock needs to write one successful answer, in the API's exact wire format. */
export interface ReplyPlan {
  api: ApiType;
  /** The API's id: `chatcmpl-…` / `msg_…`. */
  id: string;
  model: string;
  /** Epoch seconds (OpenAI `created`). */
  created: number;
  inputTokens: number;
  reasoningTokens: number;
  answerTokens: number;
  chunkTokens: number;
  /** "stop" / "length" (OpenAI); written as end_turn / max_tokens for Anthropic. */
  finishReason: 'stop' | 'length';
  /** OpenAI: the role-only first chunk. */
  roleChunk: boolean;
  /** OpenAI stream: the request asked stream_options.include_usage and usage is on. */
  streamUsage: boolean;
  /** OpenAI JSON body: include `usage`. */
  jsonUsage: boolean;
}

/**
 * A stream cut into writes: `head` goes out with the headers, `events[i]` is one content event (or, for
 * Anthropic, the block change that precedes the first answer event plus that event) carrying
 * `eventTokens[i]` tokens, `tail` ends the stream. Strings are concatenations of prebuilt parts: no
 * JSON.stringify per token.
 */
export interface StreamParts {
  head: string;
  events: string[];
  eventTokens: number[];
  tail: string;
}

const THINKING_SIGNATURE = 'EqQBCkYIBRgCKkBtb2NrLXNpZ25hdHVyZS1ub3QtYS1yZWFsLW9uZS1sbG0tbG9hZHRlc3Q=';

/** The stream's parts for the first `limitTokens` content tokens (all of them when not given). */
export function buildStreamParts(plan: ReplyPlan, limitTokens?: number): StreamParts {
  return plan.api === 'openai-chat' ? buildOpenAiStream(plan, limitTokens) : buildAnthropicStream(plan, limitTokens);
}

/** Token texts grouped into events of chunkTokens: reasoning first, then answer, at most `limit` tokens. */
function chunkTexts(plan: ReplyPlan, limit: number): { texts: string[]; tokens: number[]; reasoningEvents: number } {
  const texts: string[] = [];
  const tokens: number[] = [];
  let left = limit;
  let reasoningEvents = 0;
  for (const [count, reasoning] of [
    [plan.reasoningTokens, true],
    [plan.answerTokens, false],
  ] as const) {
    for (let start = 0; start < count && left > 0; start += plan.chunkTokens) {
      const n = Math.min(plan.chunkTokens, count - start, left);
      texts.push(mockText(n, { start, reasoning }));
      tokens.push(n);
      left -= n;
      if (reasoning) reasoningEvents += 1;
    }
  }
  return { texts, tokens, reasoningEvents };
}

function openAiUsage(plan: ReplyPlan): string {
  const completion = plan.reasoningTokens + plan.answerTokens;
  return (
    `{"prompt_tokens":${plan.inputTokens},"completion_tokens":${completion},"total_tokens":${plan.inputTokens + completion},` +
    `"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":${plan.reasoningTokens},` +
    `"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

function buildOpenAiStream(plan: ReplyPlan, limitTokens = Number.POSITIVE_INFINITY): StreamParts {
  const open = `data: {"id":"${plan.id}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"system_fingerprint":null,"choices":[`;
  // With include_usage the real API puts "usage":null on every chunk but the last.
  const close = plan.streamUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const head = plan.roleChunk
    ? `${open}{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}${close}`
    : '';
  const contentOpen = `${open}{"index":0,"delta":{"content":"`;
  const reasoningOpen = `${open}{"index":0,"delta":{"reasoning_content":"`;
  const deltaClose = `"},"logprobs":null,"finish_reason":null}${close}`;
  const { texts, tokens, reasoningEvents } = chunkTexts(plan, limitTokens);
  const events = texts.map((text, i) => (i < reasoningEvents ? reasoningOpen : contentOpen) + text + deltaClose);
  let tail = `${open}{"index":0,"delta":{},"logprobs":null,"finish_reason":"${plan.finishReason}"}${close}`;
  if (plan.streamUsage) tail += `${open}],"usage":${openAiUsage(plan)}}\n\n`;
  tail += 'data: [DONE]\n\n';
  return { head, events, eventTokens: tokens, tail };
}

function sse(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

function anthropicStopReason(plan: ReplyPlan): string {
  return plan.finishReason === 'length' ? 'max_tokens' : 'end_turn';
}

function buildAnthropicStream(plan: ReplyPlan, limitTokens = Number.POSITIVE_INFINITY): StreamParts {
  const start =
    `{"type":"message_start","message":{"id":"${plan.id}","type":"message","role":"assistant","model":${JSON.stringify(plan.model)},` +
    `"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${plan.inputTokens},` +
    `"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}`;
  const hasThinking = plan.reasoningTokens > 0;
  const firstBlock = hasThinking ? '{"type":"thinking","thinking":"","signature":""}' : '{"type":"text","text":""}';
  const head =
    sse('message_start', start) +
    sse('content_block_start', `{"type":"content_block_start","index":0,"content_block":${firstBlock}}`) +
    sse('ping', '{"type": "ping"}');
  const textIndex = hasThinking ? 1 : 0;
  const thinkingOpen = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"';
  const textOpen = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${textIndex},"delta":{"type":"text_delta","text":"`;
  const deltaClose = '"}}\n\n';
  const blockChange = hasThinking
    ? sse('content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"${THINKING_SIGNATURE}"}}`) +
      sse('content_block_stop', '{"type":"content_block_stop","index":0}') +
      sse('content_block_start', '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}')
    : '';
  const { texts, tokens, reasoningEvents } = chunkTexts(plan, limitTokens);
  const events = texts.map((text, i) => {
    if (i < reasoningEvents) return thinkingOpen + text + deltaClose;
    return (i === reasoningEvents ? blockChange : '') + textOpen + text + deltaClose;
  });
  const tail =
    sse('content_block_stop', `{"type":"content_block_stop","index":${textIndex}}`) +
    sse(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${anthropicStopReason(plan)}","stop_sequence":null},"usage":{"output_tokens":${plan.reasoningTokens + plan.answerTokens}}}`,
    ) +
    sse('message_stop', '{"type":"message_stop"}');
  return { head, events, eventTokens: tokens, tail };
}


/** The complete non-streamed JSON body. */
export function buildJsonBody(plan: ReplyPlan): string {
  const answer = mockText(plan.answerTokens);
  if (plan.api === 'openai-chat') {
    const message: Record<string, unknown> = { role: 'assistant', content: answer, refusal: null, annotations: [] };
    if (plan.reasoningTokens > 0) message['reasoning_content'] = mockText(plan.reasoningTokens, { reasoning: true });
    const usage = plan.jsonUsage ? `,"usage":${openAiUsage(plan)}` : '';
    return (
      `{"id":"${plan.id}","object":"chat.completion","created":${plan.created},"model":${JSON.stringify(plan.model)},` +
      `"choices":[{"index":0,"message":${JSON.stringify(message)},"logprobs":null,"finish_reason":"${plan.finishReason}"}]` +
      `${usage},"service_tier":"default","system_fingerprint":null}`
    );
  }
  const content: unknown[] = [];
  if (plan.reasoningTokens > 0) {
    content.push({ type: 'thinking', thinking: mockText(plan.reasoningTokens, { reasoning: true }), signature: THINKING_SIGNATURE });
  }
  content.push({ type: 'text', text: answer });
  return JSON.stringify({
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content,
    stop_reason: anthropicStopReason(plan),
    stop_sequence: null,
    usage: {
      input_tokens: plan.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: plan.reasoningTokens + plan.answerTokens,
    },
  });
}

/** GET /v1/models in the API's shape (Anthropic when the request carries anthropic-version). */
export function buildModelsBody(models: readonly string[], anthropic: boolean): string {
  if (anthropic) {
    const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
    return JSON.stringify({ data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null });
  }
  const data = models.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'llm-loadtest' }));
  return JSON.stringify({ object: 'list', data });
}
