import type { ApiType } from '../protocol/types.js';

/** What the mock did instead of a normal answer; recorded per request and counted. */
export type MockFault = 'status' | 'mid_stream_error' | 'drop' | 'hang' | 'bad_request' | 'auth';

/** A complete error answer: status, headers and the provider's real error body. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

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

/** Anthropic's error types by status (https://docs.anthropic.com/en/api/errors). */
function anthropicErrorText(status: number, model: string, quotaExceeded: boolean): ErrorText {
  switch (status) {
    case 400:
      return quotaExceeded
        ? {
            type: 'invalid_request_error',
            code: null,
            message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          }
        : { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
    case 401:
      return { type: 'authentication_error', code: null, message: 'invalid x-api-key' };
    case 403:
      return { type: 'permission_error', code: null, message: 'Your API key does not have permission to use the specified resource.' };
    case 404:
      return { type: 'not_found_error', code: null, message: `model: ${model}` };
    case 413:
      return { type: 'request_too_large', code: null, message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return {
        type: 'rate_limit_error',
        code: null,
        message: 'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
      };
    case 529:
      return { type: 'overloaded_error', code: null, message: 'Overloaded' };
    case 504:
      return { type: 'timeout_error', code: null, message: 'Request timed out' };
    default:
      return status >= 500
        ? { type: 'api_error', code: null, message: 'Internal server error' }
        : { type: 'invalid_request_error', code: null, message: `The request was rejected (status ${status}).` };
  }
}

export function openAiErrorBody(message: string, type: string, code: string | null, param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

export function anthropicErrorBody(type: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

/**
 * The answer to a request that must fail with `status`, in the API's own words. Anthropic has no
 * "quota" 429: a low credit balance is its 400 invalid_request_error, so quotaExceeded turns 429 into that.
 */
export function buildStatusError(
  api: ApiType,
  requested: number,
  options: { model: string; quotaExceeded: boolean; retryAfterS: number; requestId: string },
): ErrorReply {
  const status = api === 'anthropic-messages' && options.quotaExceeded && requested === 429 ? 400 : requested;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 529 || status === 503) headers['retry-after'] = String(options.retryAfterS);
  if (api === 'openai-chat') {
    const text = openAiErrorText(status, options.model, options.quotaExceeded);
    if (status === 429 && !options.quotaExceeded) {
      headers['x-ratelimit-limit-requests'] = '500';
      headers['x-ratelimit-remaining-requests'] = '0';
      headers['x-ratelimit-reset-requests'] = `${options.retryAfterS}s`;
    }
    return { status, headers, body: openAiErrorBody(text.message, text.type, text.code) };
  }
  const text = anthropicErrorText(status, options.model, options.quotaExceeded);
  headers['request-id'] = options.requestId;
  if (status === 429) {
    headers['anthropic-ratelimit-requests-limit'] = '50';
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    headers['anthropic-ratelimit-requests-reset'] = new Date(Date.now() + options.retryAfterS * 1000).toISOString();
  }
  return { status, headers, body: anthropicErrorBody(text.type, text.message, options.requestId) };
}

/**
 * The error event inside a 200 stream: OpenAI-style `data: {"error":...}` (as OpenAI and vLLM send it),
 * Anthropic `event: error` with overloaded_error.
 */
export function buildStreamErrorEvent(api: ApiType): string {
  if (api === 'openai-chat') {
    const body = openAiErrorBody('The server had an error while processing your request. Sorry about that!', 'server_error', null);
    return `data: ${body}\n\n`;
  }
  return 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
}

/** The HTTP status a non-streamed request gets for a "mid-stream" error: 500 (OpenAI) / 529 overloaded. */
export function statusForMidStreamError(api: ApiType): number {
  return api === 'openai-chat' ? 500 : 529;
}

/**
 * Deterministic choice of the failing fraction: request n (0-based, offset by the seed's phase) fails
 * when ⌊(n+1)·rate⌋ > ⌊n·rate⌋. Over any run of requests the count is within one of rate × count.
 */
export function isChosenForFault(counter: number, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return Math.floor((counter + 1) * rate) > Math.floor(counter * rate);
}
