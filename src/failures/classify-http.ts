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
 * The failure category of an error object inside a 2xx answer (an error event in a stream, or an error
 * body with status 200), in the same categories as a status error: a numeric code is read as the status;
 * otherwise the code, then the type, then the message say what it is (`invalid_api_key` is `auth`, as a
 * 401 would be). What none of them names is `server_error`: the target failed while answering.
 */
export function categorizeStreamError(error: ProviderError): FailureCategory {
  if (isQuotaError(error)) return 'quota_exceeded';
  if (isOverloadedError(error)) return 'overloaded';
  if (isRateLimitError(error)) return 'rate_limited';
  const status = error.code !== null && /^\d{3}$/.test(error.code) ? Number(error.code) : null;
  if (status !== null && status >= 400) return categorizeHttpStatus(status, error);
  for (const text of [error.code, error.type]) {
    const category = text === null ? null : categoryOfName(text);
    if (category !== null) return category;
  }
  return categoryOfMessage(error.message ?? '') ?? 'server_error';
}

/**
 * Error codes and types providers send (OpenAI, Anthropic, Azure, vLLM, gateways), by what they mean.
 * Checked in order: the first pattern that matches the whole name decides.
 */
const NAMED_CATEGORIES: ReadonlyArray<[RegExp, FailureCategory]> = [
  [/^(invalid_api_key|incorrect_api_key|invalid_authentication|authentication_error|authentication_failed|unauthorized|unauthenticated|invalid_token|expired_token|401)$/i, 'auth'],
  [/^(permission_error|permission_denied|forbidden|access_denied|request_forbidden|unsupported_country_region_territory|content_filter_forbidden)$/i, 'forbidden'],
  [/^(not_found_error|not_found|model_not_found|deployment_not_found|resource_not_found|unknown_model)$/i, 'not_found'],
  [/^(method_not_allowed)$/i, 'method_not_allowed'],
  [/^(timeout|timeout_error|request_timeout|gateway_timeout)$/i, 'timeout'],
  [/^(invalid_request_error|invalid_request|bad_request|bad_request_error|invalid_argument|invalid_parameter|validation_error|context_length_exceeded|string_above_max_length|unsupported_parameter|unsupported_value|request_too_large)$/i, 'client_error'],
  [/^(server_error|internal_error|internal_server_error|api_error|service_unavailable|bad_gateway)$/i, 'server_error'],
];

function categoryOfName(name: string): FailureCategory | null {
  for (const [pattern, category] of NAMED_CATEGORIES) if (pattern.test(name)) return category;
  return null;
}

/** Some servers send only a message: its words, for the categories a message says unmistakably. */
function categoryOfMessage(message: string): FailureCategory | null {
  if (/\b(invalid|incorrect|missing|expired) (api[ _-]?key|token|credentials?)\b|\bunauthori[sz]ed\b|\bauthentication (failed|required)\b/i.test(message)) return 'auth';
  if (/\b(permission denied|forbidden|access denied)\b/i.test(message)) return 'forbidden';
  if (/\b(model|deployment)\b.*\b(does not exist|not found)\b/i.test(message)) return 'not_found';
  return null;
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
