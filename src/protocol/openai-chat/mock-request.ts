/** How the mock reads an OpenAI chat request: checked as the real API checks it, refused in its words. */
import { z } from 'zod';
import { describeMessages, estimatePromptTokens } from '../mock-prompt-tokens.js';
import { isMissing, type Issue } from '../mock-issue.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { openAiErrorBody } from './mock-errors.js';

const messageSchema = z.looseObject({ role: z.string(), content: z.unknown() });

const openAiBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  min_tokens: z.number().int().nonnegative().nullish(),
  ignore_eos: z.boolean().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

export function readOpenAiRequest(text: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      body: openAiErrorBody(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        'invalid_request_error',
        null,
      ),
    };
  }
  const parsed = openAiBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, body: describeOpenAiIssue(parsed.error.issues[0], json) };
  const body = parsed.data;
  return {
    ok: true,
    request: {
      model: body.model,
      stream: body.stream === true,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
      minTokens: body.min_tokens ?? null,
      ignoreEos: body.ignore_eos === true,
      includeUsage: body.stream_options?.include_usage === true,
      inputTokens: estimatePromptTokens(body.messages, undefined),
      ...describeMessages(body.messages),
    },
  };
}

function describeOpenAiIssue(issue: Issue | undefined, json: unknown): string {
  const param = issue === undefined ? null : issue.path.map(String).join('.');
  if (issue !== undefined && isMissing(issue, json)) {
    return openAiErrorBody(`Missing required parameter: '${param}'.`, 'invalid_request_error', 'missing_required_parameter', param);
  }
  const message = `Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'expected an object'}.`;
  return openAiErrorBody(message, 'invalid_request_error', 'invalid_value', param);
}
