import { z } from 'zod';
import type { ApiType } from '../protocol/types.js';
import { anthropicErrorBody, openAiErrorBody } from './faults.js';

const messageSchema = z.looseObject({ role: z.string(), content: z.unknown() });

const openAiBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

const anthropicBodySchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
  system: z.unknown().optional(),
});

/** What the mock takes from a request body. */
export interface MockRequest {
  model: string;
  stream: boolean;
  /** max_tokens / max_completion_tokens, null when not given. */
  maxTokens: number | null;
  /** OpenAI stream_options.include_usage. */
  includeUsage: boolean;
  inputTokens: number;
}

export type ParsedMockRequest = { ok: true; request: MockRequest } | { ok: false; body: string };

/** Read and check a request body; a bad one gets the provider's 400 body (its wording, its shape). */
export function parseMockRequest(api: ApiType, text: string, requestId: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      body:
        api === 'openai-chat'
          ? openAiErrorBody(
              "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
              'invalid_request_error',
              null,
            )
          : anthropicErrorBody('invalid_request_error', 'There was an issue with the format or content of your request body: invalid JSON', requestId),
    };
  }
  if (api === 'openai-chat') {
    const parsed = openAiBodySchema.safeParse(json);
    if (!parsed.success) return { ok: false, body: describeOpenAiIssue(parsed.error.issues[0], json) };
    const body = parsed.data;
    return {
      ok: true,
      request: {
        model: body.model,
        stream: body.stream === true,
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
        includeUsage: body.stream_options?.include_usage === true,
        inputTokens: estimatePromptTokens(body.messages, undefined),
      },
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
    },
  };
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

function isMissing(issue: Issue, json: unknown): boolean {
  const key = issue.path[0];
  return issue.path.length === 1 && typeof json === 'object' && json !== null && !(String(key) in json);
}

function describeOpenAiIssue(issue: Issue | undefined, json: unknown): string {
  const param = issue === undefined ? null : issue.path.map(String).join('.');
  if (issue !== undefined && isMissing(issue, json)) {
    return openAiErrorBody(`Missing required parameter: '${param}'.`, 'invalid_request_error', 'missing_required_parameter', param);
  }
  const message = `Invalid value for '${param ?? 'body'}': ${issue?.message ?? 'expected an object'}.`;
  return openAiErrorBody(message, 'invalid_request_error', 'invalid_value', param);
}

function describeAnthropicIssue(issue: Issue | undefined, json: unknown, requestId: string): string {
  const path = issue === undefined ? 'body' : issue.path.map(String).join('.');
  const message = issue !== undefined && isMissing(issue, json) ? `${path}: Field required` : `${path}: ${issue?.message ?? 'Input should be an object'}`;
  return anthropicErrorBody('invalid_request_error', message, requestId);
}

/**
 * A cheap, deterministic prompt token count (no tokenizer on the mock's hot path): a quarter token per
 * ASCII character and one per other character (CJK text is about a token per character), rounded up,
 * over every text part of the messages and the system prompt; at least 1.
 */
export function estimatePromptTokens(messages: ReadonlyArray<{ content: unknown }>, system: unknown): number {
  let units = countTextUnits(system);
  for (const message of messages) units += countTextUnits(message.content);
  return Math.max(1, Math.ceil(units / 4));
}

/** Quarter-token units of a content value: a string, or a list of parts with `text`. */
function countTextUnits(content: unknown): number {
  if (typeof content === 'string') {
    let units = 0;
    for (let i = 0; i < content.length; i += 1) units += content.charCodeAt(i) < 0x80 ? 1 : 4;
    return units;
  }
  if (!Array.isArray(content)) return 0;
  let units = 0;
  for (const part of content) {
    if (typeof part === 'object' && part !== null && 'text' in part) units += countTextUnits((part as { text: unknown }).text);
  }
  return units;
}
