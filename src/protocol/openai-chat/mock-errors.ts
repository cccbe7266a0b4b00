/** OpenAI's error answers as the mock writes them: the real API's bodies, statuses and headers. */
import type { ErrorReply, StatusErrorOptions } from '../mock-types.js';

interface ErrorText {
  type: string;
  message: string;
  code: string | null;
}

/** OpenAI's error bodies, as the real API sends them (code is a string or null). */
function openAiErrorText(status: number, model: string, quotaExceeded: boolean): ErrorText {
  switch (status) {
    case 401:
      return {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided: sk-mock***. You can find your API key at https://platform.openai.com/account/api-keys.',
      };
    case 403:
      return { type: 'request_forbidden', code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported' };
    case 404:
      return {
        type: 'invalid_request_error',
        code: 'model_not_found',
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
      };
    case 429:
      return quotaExceeded
        ? {
            type: 'insufficient_quota',
            code: 'insufficient_quota',
            message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          }
        : {
            type: 'requests',
            code: 'rate_limit_exceeded',
            message: `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 1s.`,
          };
    case 500:
      return { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' };
    case 503:
    case 529:
      return { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later' };
    default:
      return status >= 500
        ? { type: 'server_error', code: null, message: `The server had an error (status ${status}).` }
        : { type: 'invalid_request_error', code: null, message: `The request was rejected (status ${status}).` };
  }
}

export function openAiErrorBody(message: string, type: string, code: string | null, param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** A failing answer: the body of `status`, with the rate-limit headers of a 429. */
export function openAiStatusError(status: number, options: StatusErrorOptions): ErrorReply {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 529 || status === 503) headers['retry-after'] = String(options.retryAfterS);
  const text = openAiErrorText(status, options.model, options.quotaExceeded);
  if (status === 429 && !options.quotaExceeded) {
    headers['x-ratelimit-limit-requests'] = '500';
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${options.retryAfterS}s`;
  }
  return { status, headers, body: openAiErrorBody(text.message, text.type, text.code) };
}

/**
 * The error event inside a 200 stream: `data: {"error":...}`, as OpenAI and vLLM send it; with a status,
 * the error object of that status (some OpenAI-compatible servers report a bad key this way).
 */
export function openAiStreamErrorEvent(error?: { status: number; model: string }): string {
  const text =
    error === undefined
      ? { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null }
      : openAiErrorText(error.status, error.model, false);
  return `data: ${openAiErrorBody(text.message, text.type, text.code)}\n\n`;
}
