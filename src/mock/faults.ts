import { getAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import type { ErrorReply, StatusErrorOptions } from '../protocol/mock-types.js';

export type { ErrorReply };

/** What the mock did instead of a normal answer; recorded per request and counted. */
export type MockFault = 'status' | 'mid_stream_error' | 'drop' | 'hang' | 'bad_request' | 'auth';

/** The answer to a request that must fail with `status`, in the API's own words (its adapter's). */
export function buildStatusError(api: ApiType, requested: number, options: StatusErrorOptions): ErrorReply {
  return getAdapter(api).mock.statusError(requested, options);
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
