/** How the mock reads a legacy completions request: checked as the real API checks it, refused in its words. */
import { z } from 'zod';
import { isMissing, type Issue } from '../mock-issue.js';
import { estimatePromptTokens } from '../mock-prompt-tokens.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { openAiErrorBody } from '../openai-chat/mock-errors.js';

const completionsBodySchema = z.looseObject({
  model: z.string().min(1),
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()).min(1)]),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  min_tokens: z.number().int().nonnegative().nullish(),
  ignore_eos: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

export function readCompletionsRequest(text: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, body: openAiErrorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null) };
  }
  const parsed = completionsBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, body: describeIssue(parsed.error.issues[0], json) };
  const body = parsed.data;
  const prompt: string | ReadonlyArray<string | number> = body.prompt;
  // A list of token ids counts one token each.
  const inputTokens =
    typeof prompt === 'string'
      ? estimatePromptTokens([{ content: prompt }], undefined)
      : prompt.every((p) => typeof p === 'number')
        ? prompt.length
        : estimatePromptTokens(prompt.map((p) => ({ content: p })), undefined);
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      maxTokens: body.max_tokens ?? null,
      minTokens: body.min_tokens ?? null,
      ignoreEos: body.ignore_eos === true,
      includeUsage: body.stream_options?.include_usage === true,
      inputTokens,
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
