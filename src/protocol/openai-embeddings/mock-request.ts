/** How the mock reads an embeddings request: checked as the real API checks it, refused in its words. */
import { z } from 'zod';
import { isMissing, type Issue } from '../mock-issue.js';
import { estimatePromptTokens } from '../mock-prompt-tokens.js';
import type { ParsedMockRequest } from '../mock-types.js';
import { openAiErrorBody } from '../openai-chat/mock-errors.js';

/** The mock's vectors are short unless `dimensions` asks otherwise: their bytes are not what a test measures. */
const DEFAULT_DIMENSIONS = 16;
const MAX_DIMENSIONS = 4096;
/** The real API's limit on inputs per request. */
const MAX_INPUTS = 2048;

const embeddingsBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1).max(MAX_INPUTS),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1).max(MAX_INPUTS),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().min(1).max(MAX_DIMENSIONS).nullish(),
});

export function readEmbeddingsRequest(text: string): ParsedMockRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, body: openAiErrorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null) };
  }
  const parsed = embeddingsBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, body: describeIssue(parsed.error.issues[0], json) };
  const body = parsed.data;
  const input: string | ReadonlyArray<string | number | readonly number[]> = body.input;
  let vectors: number;
  let inputTokens: number;
  if (typeof input === 'string') {
    vectors = 1;
    inputTokens = estimatePromptTokens([{ content: input }], undefined);
  } else if (input.every((item) => typeof item === 'string')) {
    vectors = input.length;
    inputTokens = input.reduce<number>((sum, item) => sum + estimatePromptTokens([{ content: item }], undefined), 0);
  } else if (input.every((item) => typeof item === 'number')) {
    // One list of token ids is one input.
    vectors = 1;
    inputTokens = input.length;
  } else {
    vectors = input.length;
    inputTokens = input.reduce<number>((sum, item) => sum + (Array.isArray(item) ? item.length : 0), 0);
  }
  return {
    ok: true,
    request: {
      model: body.model,
      stream: false,
      maxTokens: null,
      includeUsage: true,
      inputTokens,
      embedding: { vectors, dimensions: body.dimensions ?? DEFAULT_DIMENSIONS, base64: body.encoding_format === 'base64' },
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
