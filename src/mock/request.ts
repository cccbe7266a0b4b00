import { getAdapter } from '../protocol/registry.js';
import type { ApiType } from '../protocol/types.js';
import type { MockRequest, ParsedMockRequest } from '../protocol/mock-types.js';

export type { MockRequest, ParsedMockRequest };

/** Read and check a request body; a bad one gets the provider's 400 body (its wording, its shape). */
export function parseMockRequest(api: ApiType, text: string, requestId: string): ParsedMockRequest {
  return getAdapter(api).mock.readRequest(text, requestId);
}
