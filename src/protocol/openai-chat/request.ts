/** OpenAI chat completions: the request side (minimal body, normalisation, test-data prompts). */
import { isRecord } from '../json-bytes.js';
import { applyModelAndStream, userMessage, type Body } from '../request-body.js';
import type { PromptItem, RequestNormalization } from '../types.js';

export function minimalBody(model: string): Body {
  return { model, messages: [userMessage('Write one short sentence about the sea.')] };
}

/**
 * Make a body agree with the plan. Streaming asks for usage in the stream (`stream_options.include_usage`)
 * unless the user said otherwise; a non-streamed body loses `stream_options`, which servers reject then.
 */
export function normalizeRequest(
  body: Readonly<Body>,
  options: { model: string; stream: boolean; headers: Readonly<Record<string, string>> },
): RequestNormalization {
  const notes: string[] = [];
  const out = applyModelAndStream(body, options.model, options.stream, notes);
  const streamOptions = out['stream_options'];
  if (options.stream) {
    if (isRecord(streamOptions) && 'include_usage' in streamOptions) {
      if (streamOptions['include_usage'] !== true) {
        notes.push('stream_options.include_usage kept as given: output tokens will be counted with a tokenizer if the server reports no usage');
      }
    } else {
      out['stream_options'] = { ...(isRecord(streamOptions) ? streamOptions : {}), include_usage: true };
      notes.push('added stream_options.include_usage: true so the server reports token usage');
    }
  } else if (streamOptions !== undefined) {
    delete out['stream_options'];
    notes.push('removed stream_options: it is only valid with stream: true');
  }
  return { body: out, headers: {}, notes };
}

/**
 * The body with a test-data prompt: `{prompt, system?}` replaces the conversation and keeps the body's
 * leading system/developer messages unless a system prompt is given; `{messages}` replaces all messages.
 */
export function applyPrompt(body: Readonly<Body>, prompt: PromptItem): Body {
  if ('messages' in prompt) return { ...body, messages: prompt.messages };
  const existing = Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  const leadingSystem: unknown[] = [];
  for (const message of existing) {
    if (!isRecord(message) || (message['role'] !== 'system' && message['role'] !== 'developer')) break;
    leadingSystem.push(message);
  }
  const system = prompt.system === undefined ? leadingSystem : [{ role: 'system', content: prompt.system }];
  return { ...body, messages: [...system, userMessage(prompt.prompt)] };
}

/** max_completion_tokens when the body already uses it (the newer name), else max_tokens. */
export function applyMaxTokens(body: Readonly<Body>, maxTokens: number): Body {
  return 'max_completion_tokens' in body ? { ...body, max_completion_tokens: maxTokens } : { ...body, max_tokens: maxTokens };
}
