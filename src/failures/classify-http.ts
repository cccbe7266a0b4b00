/**
 * What an HTTP answer means, in the pre-check's categories: the status, and the code and type a provider
 * put in its error body or in an error event inside a 200 stream. Reading those fields out of a body is
 * protocol/provider-error.ts's job; this file only maps them. The pre-check and the engine share it, so both
 * count failures with the same categories.
 */
import type { FailureCategory } from './categories.js';

/** Provider error details read from an error body or an in-stream error event. */
export interface ProviderError {
  message: string | null;
  type: string | null;
  code: string | null;
}

/**
 * The failure category of a non-2xx answer. Status and code decide before `type`: OpenAI answers a bad
 * key with 401 and `type:"invalid_request_error"`.
 */
export function categorizeHttpStatus(status: number, error: ProviderError | null = null): FailureCategory {
  if (isQuotaError(error)) return 'quota_exceeded';
  switch (status) {
    case 401:
      return 'auth';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 429:
      return 'rate_limited';
    case 529:
      return 'overloaded';
    default:
      break;
  }
  if (isOverloadedError(error)) return 'overloaded';
  if (status >= 400 && status < 500) return 'client_error';
  if (status >= 500 && status < 600) return 'server_error';
  return 'unknown';
}

/**
 * The failure category of an error event inside a 2xx stream: classified by its embedded code and type
 * like a status error (a numeric code is read as a status); otherwise `server_error`.
 */
export function categorizeStreamError(error: ProviderError): FailureCategory {
  if (isQuotaError(error)) return 'quota_exceeded';
  if (isOverloadedError(error)) return 'overloaded';
  if (isRateLimitError(error)) return 'rate_limited';
  const status = error.code !== null && /^\d{3}$/.test(error.code) ? Number(error.code) : null;
  if (status !== null && status >= 400) return categorizeHttpStatus(status, error);
  return 'server_error';
}

/**
 * Out of quota or credit: retrying never helps. Anthropic has no quota type: a low credit balance is a 400
 * `invalid_request_error` known only by its message.
 */
function isQuotaError(error: ProviderError | null): boolean {
  if (error === null) return false;
  return error.code === 'insufficient_quota' || error.type === 'insufficient_quota' || /credit balance is too low/i.test(error.message ?? '');
}

function isOverloadedError(error: ProviderError | null): boolean {
  if (error === null) return false;
  return (
    error.type === 'overloaded_error' ||
    error.code === '529' ||
    /overloaded/i.test(error.code ?? '') ||
    /overloaded/i.test(error.type ?? '')
  );
}

function isRateLimitError(error: ProviderError): boolean {
  return (
    error.code === '429' ||
    /rate_?limit/i.test(error.code ?? '') ||
    /rate_?limit/i.test(error.type ?? '') ||
    /too many requests/i.test(error.type ?? '')
  );
}
