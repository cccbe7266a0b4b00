/** Legacy completions: the request side (minimal body, test-data prompts, the token cap). */
import type { Body } from '../request-body.js';
import type { PromptItem } from '../types.js';

/** The API stops at 16 tokens when max_tokens is not given: the minimal body asks for a sentence's worth more. */
const MINIMAL_MAX_TOKENS = 128;

export function minimalBody(model: string): Body {
  return { model, prompt: 'Write one short sentence about the sea.', max_tokens: MINIMAL_MAX_TOKENS };
}

/**
 * The body with a test-data prompt: `{prompt, system?}` becomes the prompt (a system text before it);
 * `{messages}` becomes their text contents, one per line.
 */
export function applyPrompt(body: Readonly<Body>, prompt: PromptItem): Body {
  if ('messages' in prompt) {
    const lines = prompt.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
    return { ...body, prompt: lines.join('\n') };
  }
  return { ...body, prompt: prompt.system === undefined ? prompt.prompt : `${prompt.system}\n\n${prompt.prompt}` };
}

export function readMaxTokens(body: Readonly<Body>): number | null {
  const value = body['max_tokens'];
  return typeof value === 'number' ? value : null;
}

export function applyMaxTokens(body: Readonly<Body>, maxTokens: number): Body {
  return { ...body, max_tokens: maxTokens };
}
