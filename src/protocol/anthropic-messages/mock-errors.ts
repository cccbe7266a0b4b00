/** Anthropic's error answers as the mock writes them: the real API's bodies, statuses and headers. */
import type { ErrorReply, StatusErrorOptions } from '../mock-types.js';

interface ErrorText {
  type: string;
  message: string;
  code: string | null;
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

export function anthropicErrorBody(type: string, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

/**
 * A failing answer in the API's own words. Anthropic has no "quota" 429: a low credit balance is its 400
 * invalid_request_error, so quotaExceeded turns 429 into that.
 */
export function anthropicStatusError(requested: number, options: StatusErrorOptions): ErrorReply {
  const status = options.quotaExceeded && requested === 429 ? 400 : requested;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 429 || status === 529 || status === 503) headers['retry-after'] = String(options.retryAfterS);
  const text = anthropicErrorText(status, options.model, options.quotaExceeded);
  headers['request-id'] = options.requestId;
  if (status === 429) {
    headers['anthropic-ratelimit-requests-limit'] = '50';
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    headers['anthropic-ratelimit-requests-reset'] = new Date(Date.now() + options.retryAfterS * 1000).toISOString();
  }
  return { status, headers, body: anthropicErrorBody(text.type, text.message, options.requestId) };
}

/** The error event inside a 200 stream: `event: error`, overloaded_error unless a status says which. */
export function anthropicStreamErrorEvent(error?: { status: number; model: string }): string {
  if (error === undefined) return 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
  const text = anthropicErrorText(error.status, error.model, false);
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: text.type, message: text.message } })}\n\n`;
}
