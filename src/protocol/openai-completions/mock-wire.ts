/**
 * How the mock writes legacy completions answers, as the real API: `text_completion` chunks with
 * `choices[].text`, the usage chunk when asked, `[DONE]`. The API has no reasoning channel, so the
 * mock's reasoning tokens are written as text.
 */
import type { ReplyChunks, ReplyPlan, ReplyTexts, StreamParts } from '../mock-types.js';

function completionsUsage(plan: ReplyPlan): string {
  const completion = plan.usageOutputTokens;
  return `{"prompt_tokens":${plan.inputTokens},"completion_tokens":${completion},"total_tokens":${plan.inputTokens + completion}}`;
}

export function writeCompletionsStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const open = `data: {"id":"${plan.id}","object":"text_completion","created":${plan.created},"choices":[`;
  const close = `],"model":${JSON.stringify(plan.model)},"system_fingerprint":null${plan.streamUsage ? ',"usage":null' : ''}}\n\n`;
  const textOpen = `${open}{"text":"`;
  const textClose = `","index":0,"logprobs":null,"finish_reason":null}${close}`;
  const events = chunks.texts.map((text) => textOpen + text + textClose);
  let tail = `${open}{"text":"","index":0,"logprobs":null,"finish_reason":"${plan.finishReason}"}${close}`;
  if (plan.streamUsage) {
    tail += `${open}],"model":${JSON.stringify(plan.model)},"system_fingerprint":null,"usage":${completionsUsage(plan)}}\n\n`;
  }
  tail += 'data: [DONE]\n\n';
  return { head: '', events, eventTokens: chunks.tokens, tail };
}

/** The complete non-streamed JSON body. */
export function writeCompletionsJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const text = (texts.reasoning ?? '') + texts.answer;
  const usage = plan.jsonUsage ? `,"usage":${completionsUsage(plan)}` : '';
  return (
    `{"id":"${plan.id}","object":"text_completion","created":${plan.created},"model":${JSON.stringify(plan.model)},"system_fingerprint":null,` +
    `"choices":[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":"${plan.finishReason}"}]${usage}}`
  );
}
