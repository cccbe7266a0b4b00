/**
 * The categories of failure: why one request to the target failed, why the platform failed, and what a
 * results.jsonl line may record. Stable ids of docs/cli.md ("Pre-check categories").
 */

/**
 * Why one request to the target failed: the categories of docs/cli.md "Failure categories". The engine counts errors
 * with the same ids, so pre-check and load test speak one language.
 */
export const FAILURE_CATEGORIES = [
  'auth',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'client_error',
  'server_error',
  'overloaded',
  'quota_exceeded',
  'dns',
  'connection_refused',
  'connection_reset',
  'timeout',
  'tls',
  'invalid_response',
  'empty_response',
  'unknown',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/**
 * Failures with no HTTP answer at all (the connection never carried one): a user backs off after them,
 * and the summary counts them apart (docs/metrics.md "When a request fails").
 */
export const TRANSPORT_FAILURE_CATEGORIES: readonly FailureCategory[] = ['dns', 'connection_refused', 'connection_reset', 'tls'];

/** Failures of the platform itself (platform mode), kept apart from the target's. */
export const PLATFORM_CATEGORIES = [
  'platform_auth',
  'platform_unreachable',
  'platform_error',
  'platform_rejected',
] as const;
export type PlatformCategory = (typeof PLATFORM_CATEGORIES)[number];

/**
 * Why a request did not succeed, as recorded: the pre-check ids, plus `incomplete` (still in flight
 * when the run stopped: counted apart, not a failure) and `generator` (our side ran out of sockets or
 * files: EMFILE, EADDRNOTAVAIL; kept apart from the server's errors).
 */
export const RECORD_CATEGORIES = [...FAILURE_CATEGORIES, 'incomplete', 'generator'] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

/** The category of an AppError: what kind of failure it is, which decides the exit code. */
export type ErrorCategory =
  | 'input'
  | 'internal'
  | 'threshold'
  | 'interrupted'
  | FailureCategory
  | PlatformCategory;

export function isPlatformCategory(category: string): category is PlatformCategory {
  return (PLATFORM_CATEGORIES as readonly string[]).includes(category);
}
