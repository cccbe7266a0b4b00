/** Anthropic messages: the request side (minimal body, normalisation, test-data prompts). */
import { applyModelAndStream, hasHeader, userMessage, type Body } from '../request-body.js';
import type { PromptItem, RequestNormalization } from '../types.js';

export const ANTHROPIC_VERSION = '2023-06-01';
export const DEFAULT_MAX_TOKENS = 1024;

export function minimalBody(model: string): Body {
  return { model, max_tokens: DEFAULT_MAX_TOKENS, messages: [userMessage('Write one short sentence about the sea.')] };
}

/**
 * Make a body agree with the plan: `max_tokens` (required by the API) and the `anthropic-version`
 * header added when missing. Usage always comes in the stream, so `stream_options` (an OpenAI field the
 * API rejects) is removed.
 */
export function normalizeRequest(
  body: Readonly<Body>,
  options: { model: string; stream: boolean; headers: Readonly<Record<string, string>> },
): RequestNormalization {
  const notes: string[] = [];
  const out = applyModelAndStream(body, options.model, options.stream, notes);
  if (out['max_tokens'] === undefined) {
    out['max_tokens'] = DEFAULT_MAX_TOKENS;
    notes.push(`added max_tokens: ${DEFAULT_MAX_TOKENS} (the Messages API requires it)`);
  }
  if (out['stream_options'] !== undefined) {
    delete out['stream_options'];
    notes.push('removed stream_options: the Messages API does not accept it and always reports usage');
  }
  const headers: Record<string, string> = {};
  if (!hasHeader(options.headers, 'anthropic-version')) {
    headers['anthropic-version'] = ANTHROPIC_VERSION;
    notes.push(`added header anthropic-version: ${ANTHROPIC_VERSION}`);
  }
  return { body: out, headers, notes };
}

/**
 * The body with a test-data prompt. `{prompt, system?}` replaces the messages; its system prompt goes
 * to the top-level `system` (the body's own is kept when none is given). `{messages}` replaces the
 * conversation: its system messages become the top-level `system`, contents kept as given.
 */
export function applyPrompt(body: Readonly<Body>, prompt: PromptItem): Body {
  const out: Body = { ...body };
  if (!('messages' in prompt)) {
    if (prompt.system !== undefined) out['system'] = prompt.system;
    out['messages'] = [userMessage(prompt.prompt)];
    return out;
  }
  const system = prompt.messages.filter((m) => m.role === 'system');
  out['messages'] = prompt.messages.filter((m) => m.role !== 'system');
  if (system.length === 0) delete out['system'];
  else if (system.length === 1) out['system'] = (system[0] as { content: unknown }).content;
  else {
    out['system'] = system.flatMap((m) =>
      typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [m.content],
    );
  }
  return out;
}

export function applyMaxTokens(body: Readonly<Record<string, unknown>>, maxTokens: number): Record<string, unknown> {
  return { ...body, max_tokens: maxTokens };
}
