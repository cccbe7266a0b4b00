/**
 * How the mock writes Ollama's native answers, as the real server (its Go structs' field order): NDJSON
 * lines with `"done":false`, thinking in `thinking`, then the `"done":true` line with done_reason, the
 * counts and durations in nanoseconds; `"stream": false` gets that last line alone, with all the text.
 */
import type { ReplyChunks, ReplyPlan, ReplyTexts, StreamParts } from '../mock-types.js';

/** Plausible durations for the counts (the mock's own timing is what a client measures). */
function metrics(plan: ReplyPlan): string {
  const output = plan.usageOutputTokens;
  const promptNs = plan.inputTokens * 100_000;
  const evalNs = output * 1_000_000;
  return (
    `"total_duration":${promptNs + evalNs + 1_000_000},"load_duration":1000000,"prompt_eval_count":${plan.inputTokens},` +
    `"prompt_eval_duration":${promptNs},"eval_count":${output},"eval_duration":${evalNs}`
  );
}

function createdAt(plan: ReplyPlan): string {
  return new Date(plan.created * 1000).toISOString();
}

function doneReason(plan: ReplyPlan): string {
  return plan.finishReason === 'length' ? 'length' : 'stop';
}

export function writeChatStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const open = `{"model":${JSON.stringify(plan.model)},"created_at":"${createdAt(plan)}","message":{"role":"assistant","content":"`;
  const thinkingOpen = `${open}","thinking":"`;
  const close = '"},"done":false}\n';
  const events = chunks.texts.map((text, i) => (i < chunks.reasoningEvents ? thinkingOpen : open) + text + close);
  const tail = `${open}"},"done_reason":"${doneReason(plan)}","done":true,${metrics(plan)}}\n`;
  return { head: '', events, eventTokens: chunks.tokens, tail };
}

export function writeChatJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const message: Record<string, string> = { role: 'assistant', content: texts.answer };
  if (texts.reasoning !== null) message['thinking'] = texts.reasoning;
  return (
    `{"model":${JSON.stringify(plan.model)},"created_at":"${createdAt(plan)}","message":${JSON.stringify(message)},` +
    `"done_reason":"${doneReason(plan)}","done":true,${metrics(plan)}}`
  );
}

/** The context the real server returns for the next request (deprecated, still sent): a short token list. */
const CONTEXT = '[128006,882,128007,271,9906]';

export function writeGenerateStream(plan: ReplyPlan, chunks: ReplyChunks): StreamParts {
  const open = `{"model":${JSON.stringify(plan.model)},"created_at":"${createdAt(plan)}","response":"`;
  const thinkingOpen = `${open}","thinking":"`;
  const close = '","done":false}\n';
  const events = chunks.texts.map((text, i) => (i < chunks.reasoningEvents ? thinkingOpen : open) + text + close);
  const tail = `${open}","done":true,"done_reason":"${doneReason(plan)}","context":${CONTEXT},${metrics(plan)}}\n`;
  return { head: '', events, eventTokens: chunks.tokens, tail };
}

export function writeGenerateJson(plan: ReplyPlan, texts: ReplyTexts): string {
  const thinking = texts.reasoning === null ? '' : `,"thinking":${JSON.stringify(texts.reasoning)}`;
  return (
    `{"model":${JSON.stringify(plan.model)},"created_at":"${createdAt(plan)}","response":${JSON.stringify(texts.answer)}${thinking},` +
    `"done":true,"done_reason":"${doneReason(plan)}","context":${CONTEXT},${metrics(plan)}}`
  );
}
