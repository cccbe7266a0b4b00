/** How the mock reads Ollama chat and generate requests: checked as the real server checks them, refused in its words. */
import { z } from 'zod';
import { estimatePromptTokens } from '../mock-prompt-tokens.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { ollamaErrorBody } from './mock-errors.js';

const optionsSchema = z.looseObject({ num_predict: z.number().int().nullish() }).nullish();

const chatSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })),
  stream: z.boolean().nullish(),
  options: optionsSchema,
});

const generateSchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.string().nullish(),
  system: z.string().nullish(),
  stream: z.boolean().nullish(),
  options: optionsSchema,
});

function readJson(text: string): { ok: true; json: unknown } | { ok: false; body: string } {
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    return { ok: false, body: ollamaErrorBody('invalid character in request body: not JSON') };
  }
}

/** Ollama's own wording for a missing model; other problems name the field. */
function describeIssue(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const issue = issues[0];
  const field = issue === undefined ? 'body' : issue.path.map(String).join('.');
  return ollamaErrorBody(field === 'model' ? 'model is required' : `invalid ${field}: ${issue?.message ?? 'bad value'}`);
}

/** num_predict ≤ 0 (-1: no limit, -2: fill the context) is no cap. */
function maxTokensOf(options: { num_predict?: number | null | undefined } | null | undefined): number | null {
  const value = options?.num_predict;
  return typeof value === 'number' && value > 0 ? value : null;
}

export function readOllamaChatRequest(text: string): ParsedMockRequest {
  const read = readJson(text);
  if (!read.ok) return read;
  const parsed = chatSchema.safeParse(read.json);
  if (!parsed.success) return { ok: false, body: describeIssue(parsed.error.issues) };
  const body = parsed.data;
  return {
    ok: true,
    request: {
      model: body.model,
      // Ollama streams unless told not to.
      stream: body.stream !== false,
      maxTokens: maxTokensOf(body.options),
      includeUsage: true,
      inputTokens: estimatePromptTokens(body.messages, undefined),
    },
  };
}

export function readOllamaGenerateRequest(text: string): ParsedMockRequest {
  const read = readJson(text);
  if (!read.ok) return read;
  const parsed = generateSchema.safeParse(read.json);
  if (!parsed.success) return { ok: false, body: describeIssue(parsed.error.issues) };
  const body = parsed.data;
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream !== false,
      maxTokens: maxTokensOf(body.options),
      includeUsage: true,
      inputTokens: estimatePromptTokens([{ content: body.prompt ?? '' }], body.system ?? undefined),
    },
  };
}
