/** OpenAI embeddings: the request side (minimal body, normalisation, test-data prompts). */
import type { Body } from '../request-body.js';
import type { PromptItem, RequestNormalization } from '../types.js';

export function minimalBody(model: string): Body {
  return { model, input: 'The sea is calm tonight.' };
}

/** The model set; `stream` and `stream_options`, which the API rejects, removed: embeddings never stream. */
export function normalizeRequest(body: Readonly<Body>, options: { model: string }): RequestNormalization {
  const notes: string[] = [];
  const out: Body = { ...body };
  if (out['model'] !== options.model) {
    notes.push(out['model'] === undefined ? `added model: "${options.model}"` : `model set to "${options.model}" (was ${JSON.stringify(out['model'])})`);
    out['model'] = options.model;
  }
  for (const key of ['stream', 'stream_options']) {
    if (out[key] === undefined) continue;
    delete out[key];
    notes.push(`removed ${key}: the embeddings API does not stream`);
  }
  return { body: out, headers: {}, notes };
}

/**
 * The body with a test-data prompt as its `input`: `{prompt}` one text (a batch stays a batch of the
 * body's size, every entry the prompt), `{messages}` their text contents as a batch.
 */
export function applyPrompt(body: Readonly<Body>, prompt: PromptItem): Body {
  if ('messages' in prompt) {
    return { ...body, input: prompt.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))) };
  }
  const input = body['input'];
  return { ...body, input: Array.isArray(input) && input.length > 0 ? input.map(() => prompt.prompt) : prompt.prompt };
}
