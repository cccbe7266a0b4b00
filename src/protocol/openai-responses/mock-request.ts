/** How the mock reads a Responses request: checked as the real API checks it, refused in its words. */
import { z } from 'zod';
import { isMissing, type Issue } from '../mock-issue.js';
import { estimatePromptTokens } from '../mock-prompt-tokens.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { openAiErrorBody } from '../openai-chat/mock-errors.js';

const itemSchema = z.looseObject({ content: z.unknown().optional() });

const responsesBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(itemSchema).min(1)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  // The real API's floor.
  max_output_tokens: z.number().int().min(16).nullish(),
});

export function readResponsesRequest(text: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, body: openAiErrorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null) };
  }
  const parsed = responsesBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, body: describeIssue(parsed.error.issues[0], json) };
  const body = parsed.data;
  const items = typeof body.input === 'string' ? [{ content: body.input }] : body.input.map((item) => ({ content: item.content }));
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      maxTokens: body.max_output_tokens ?? null,
      includeUsage: true,
      inputTokens: estimatePromptTokens(items, body.instructions ?? undefined),
    },
  };
}

function describeIssue(issue: Issue | undefined, json: unknown): string {
  const param = issue === undefined ? null : issue.path.map(String).join('.');
  if (issue !== undefined && isMissing(issue, json)) {
    return openAiErrorBody(`Missing required parameter: '${param}'.`, 'invalid_request_error', 'missing_required_parameter', param);
  }
  return openAiErrorBody(`Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'expected an object'}.`, 'invalid_request_error', 'invalid_value', param);
}
