/** How the mock writes OpenAI chat answers: the stream and the JSON body, byte for byte as the real API. */
import type { ReplyChunks, ReplyPlan, ReplyTexts, StreamParts } from '../mock-types.js';

function openAiUsage(plan: ReplyPlan): string {
  const completion = plan.usageOutputTokens;
  return (
    `{"prompt_tokens":${plan.inputTokens},"completion_tokens":${completion},"total_tokens":${plan.inputTokens + completion},` +
    `"prompt_tokens_details":{"cached_tokens":${plan.cachedTokens ?? 0},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":${plan.reasoningTokens},` +
    `"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

export function writeOpenAiStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const open = `data: {"id":"${plan.id}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"system_fingerprint":null,"choices":[`;
  // With include_usage the real API puts "usage":null on every chunk but the last.
  const close = plan.streamUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const head = plan.roleChunk
    ? `${open}{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}${close}`
    : '';
  const contentOpen = `${open}{"index":0,"delta":{"content":"`;
  const reasoningOpen = `${open}{"index":0,"delta":{"reasoning_content":"`;
  const deltaClose = `"},"logprobs":null,"finish_reason":null}${close}`;
  const { texts, tokens, reasoningEvents } = chunks;
  const events = texts.map((text, i) => (i < reasoningEvents ? reasoningOpen : contentOpen) + text + deltaClose);
  let tail = `${open}{"index":0,"delta":{},"logprobs":null,"finish_reason":"${plan.finishReason}"}${close}`;
  if (plan.streamUsage) tail += `${open}],"usage":${openAiUsage(plan)}}\n\n`;
  tail += 'data: [DONE]\n\n';
  return { head, events, eventTokens: tokens, tail };
}

/** The complete non-streamed JSON body. */
export function writeOpenAiJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const message: Record<string, unknown> = { role: 'assistant', content: texts.answer, refusal: null, annotations: [] };
  if (texts.reasoning !== null) message['reasoning_content'] = texts.reasoning;
  const usage = plan.jsonUsage ? `,"usage":${openAiUsage(plan)}` : '';
  return (
    `{"id":"${plan.id}","object":"chat.completion","created":${plan.created},"model":${JSON.stringify(plan.model)},` +
    `"choices":[{"index":0,"message":${JSON.stringify(message)},"logprobs":null,"finish_reason":"${plan.finishReason}"}]` +
    `${usage},"service_tier":"default","system_fingerprint":null}`
  );
}

/** GET /v1/models as OpenAI answers it. */
export function writeOpenAiModels(models: readonly string[]): string {
  const data = models.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'llm-loadtest' }));
  return JSON.stringify({ object: 'list', data });
}
