/** How the mock writes Anthropic messages answers: the event stream and the JSON body, as the real API. */
import type { ReplyChunks, ReplyPlan, ReplyTexts, StreamParts } from '../mock-types.js';

const THINKING_SIGNATURE = 'EqQBCkYIBRgCKkBtb2NrLXNpZ25hdHVyZS1ub3QtYS1yZWFsLW9uZS1sbG0tbG9hZHRlc3Q=';

function sse(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** Prompt tokens read from the cache: Anthropic's input_tokens counts only the rest. */
function cached(plan: ReplyPlan): number {
  return plan.cachedTokens ?? 0;
}

function anthropicStopReason(plan: ReplyPlan): string {
  return plan.finishReason === 'length' ? 'max_tokens' : 'end_turn';
}

export function writeAnthropicStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const start =
    `{"type":"message_start","message":{"id":"${plan.id}","type":"message","role":"assistant","model":${JSON.stringify(plan.model)},` +
    `"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${plan.inputTokens - cached(plan)},` +
    `"cache_creation_input_tokens":0,"cache_read_input_tokens":${cached(plan)},"output_tokens":1}}}`;
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
  const { texts, tokens, reasoningEvents } = chunks;
  const events = texts.map((text, i) => {
    if (i < reasoningEvents) return thinkingOpen + text + deltaClose;
    return (i === reasoningEvents ? blockChange : '') + textOpen + text + deltaClose;
  });
  const tail =
    sse('content_block_stop', `{"type":"content_block_stop","index":${textIndex}}`) +
    sse(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${anthropicStopReason(plan)}","stop_sequence":null},"usage":{"output_tokens":${plan.usageOutputTokens}}}`,
    ) +
    sse('message_stop', '{"type":"message_stop"}');
  return { head, events, eventTokens: tokens, tail };
}

/** The complete non-streamed JSON body. */
export function writeAnthropicJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const content: unknown[] = [];
  if (texts.reasoning !== null) {
    content.push({ type: 'thinking', thinking: texts.reasoning, signature: THINKING_SIGNATURE });
  }
  content.push({ type: 'text', text: texts.answer });
  return JSON.stringify({
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content,
    stop_reason: anthropicStopReason(plan),
    stop_sequence: null,
    usage: {
      input_tokens: plan.inputTokens - cached(plan),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: cached(plan),
      output_tokens: plan.usageOutputTokens,
    },
  });
}

/** GET /v1/models as Anthropic answers it. */
export function writeAnthropicModels(models: readonly string[]): string {
  const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
  return JSON.stringify({ data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null });
}
