/** OpenAI Responses: the request side (minimal body, normalisation, test-data prompts, the token cap). */
import { applyModelAndStream, type Body } from '../request-body.js';
import type { PromptItem, RequestNormalization } from '../types.js';

export function minimalBody(model: string): Body {
  return { model, input: 'Write one short sentence about the sea.' };
}

/**
 * Make a body agree with the plan. Usage always comes in `response.completed`, so nothing is asked for;
 * chat's `stream_options.include_usage`, which the API rejects, is removed.
 */
export function normalizeRequest(
  body: Readonly<Body>,
  options: { model: string; stream: boolean; headers: Readonly<Record<string, string>> },
): RequestNormalization {
  const notes: string[] = [];
  const out = applyModelAndStream(body, options.model, options.stream, notes);
  const streamOptions = out['stream_options'];
  if (typeof streamOptions === 'object' && streamOptions !== null && 'include_usage' in streamOptions) {
    const rest: Record<string, unknown> = { ...(streamOptions as Record<string, unknown>) };
    delete rest['include_usage'];
    if (Object.keys(rest).length === 0 || !options.stream) delete out['stream_options'];
    else out['stream_options'] = rest;
    notes.push('removed stream_options.include_usage: the Responses API always reports usage in response.completed');
  } else if (streamOptions !== undefined && !options.stream) {
    delete out['stream_options'];
    notes.push('removed stream_options: it is only valid with stream: true');
  }
  return { body: out, headers: {}, notes };
}

/**
 * The body with a test-data prompt: `{prompt, system?}` becomes `input` (the system text goes to
 * `instructions`; the body's own instructions are kept when none is given); `{messages}` becomes the
 * `input` list, which takes the same role/content messages.
 */
export function applyPrompt(body: Readonly<Body>, prompt: PromptItem): Body {
  if ('messages' in prompt) return { ...body, input: prompt.messages };
  const out: Body = { ...body, input: prompt.prompt };
  if (prompt.system !== undefined) out['instructions'] = prompt.system;
  return out;
}

export function readMaxTokens(body: Readonly<Body>): number | null {
  const value = body['max_output_tokens'];
  return typeof value === 'number' ? value : null;
}

export function applyMaxTokens(body: Readonly<Body>, maxTokens: number): Body {
  return { ...body, max_output_tokens: maxTokens };
}
