/** How the mock reads an Anthropic messages request: checked as the real API checks it, refused in its words. */
import { z } from 'zod';
import { describeMessages, estimatePromptTokens } from '../mock-prompt-tokens.js';
import { isMissing, type Issue } from '../mock-issue.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { anthropicErrorBody } from './mock-errors.js';

const messageSchema = z.looseObject({ role: z.string(), content: z.unknown() });

const anthropicBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
  system: z.unknown().optional(),
});

export function readAnthropicRequest(text: string, requestId: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      body: anthropicErrorBody('invalid_request_error', 'There was an issue with the format or content of your request body: invalid JSON', requestId),
    };
  }
  const parsed = anthropicBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, body: describeAnthropicIssue(parsed.error.issues[0], json, requestId) };
  const body = parsed.data;
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      maxTokens: body.max_tokens,
      includeUsage: false,
      inputTokens: estimatePromptTokens(body.messages, body.system),
      ...describeMessages(body.messages),
    },
  };
}

function describeAnthropicIssue(issue: Issue | undefined, json: unknown, requestId: string): string {
  const path = issue === undefined ? 'body' : issue.path.map(String).join('.');
  const message = issue !== undefined && isMissing(issue, json) ? `${path}: Field required` : `${path}: ${issue?.message ?? 'Input should be an object'}`;
  return anthropicErrorBody('invalid_request_error', message, requestId);
}
