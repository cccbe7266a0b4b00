/** Ollama's native chat and generate: the request side (minimal bodies, normalisation, prompts, the token cap). */
import { isRecord } from '../json-bytes.js';
import { applyModelAndStream, userMessage, type Body } from '../request-body.js';
import { applyPrompt as applyChatPrompt } from '../openai-chat/request.js';
import type { PromptItem, RequestNormalization } from '../types.js';

const SENTENCE = 'Write one short sentence about the sea.';

export function minimalChatBody(model: string): Body {
  return { model, messages: [userMessage(SENTENCE)] };
}

export function minimalGenerateBody(model: string): Body {
  return { model, prompt: SENTENCE };
}

/**
 * Make a body agree with the plan. Ollama streams unless told `"stream": false`, so a non-streamed body
 * says so; usage always comes in the last line, and chat's `stream_options` is not Ollama's.
 */
export function normalizeRequest(
  body: Readonly<Body>,
  options: { model: string; stream: boolean; headers: Readonly<Record<string, string>> },
): RequestNormalization {
  const notes: string[] = [];
  const out = applyModelAndStream(body, options.model, options.stream, notes);
  if (!options.stream && out['stream'] !== false) {
    out['stream'] = false;
    notes.push('added stream: false (Ollama streams by default)');
  }
  if (out['stream_options'] !== undefined) {
    delete out['stream_options'];
    notes.push("removed stream_options: Ollama's native API does not take it and always reports eval_count");
  }
  return { body: out, headers: {}, notes };
}

/** Chat takes prompts as OpenAI chat does (a system message first when given). */
export function applyPromptToChat(body: Readonly<Body>, prompt: PromptItem): Body {
  return applyChatPrompt(body, prompt);
}

/** Generate: `{prompt, system?}` fills `prompt` (and `system`); `{messages}` becomes their text, one per line. */
export function applyPromptToGenerate(body: Readonly<Body>, prompt: PromptItem): Body {
  if ('messages' in prompt) {
    const lines = prompt.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
    return { ...body, prompt: lines.join('\n') };
  }
  const out: Body = { ...body, prompt: prompt.prompt };
  if (prompt.system !== undefined) out['system'] = prompt.system;
  return out;
}

/** `options.num_predict`; -1 (no limit) and -2 (fill the context) are no cap. */
export function readMaxTokens(body: Readonly<Body>): number | null {
  const options = body['options'];
  const value = isRecord(options) ? options['num_predict'] : undefined;
  return typeof value === 'number' && value > 0 ? value : null;
}

/** `options.num_predict`, the other options kept. */
export function applyMaxTokens(body: Readonly<Body>, maxTokens: number): Body {
  const options = isRecord(body['options']) ? body['options'] : {};
  return { ...body, options: { ...options, num_predict: maxTokens } };
}
