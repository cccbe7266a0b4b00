import { expect } from 'vitest';
import type { TargetSpec } from '../../src/model/plan.js';
import type { CapabilityReport } from '../../src/model/capability.js';
import type { PrecheckFailure } from '../../src/failures/precheck-failed.js';
import type { PrecheckResult } from '../../src/precheck/types.js';
import { PrecheckFailedError } from '../../src/failures/precheck-failed.js';
import type { ApiType } from '../../src/protocol/types.js';

/** The key the pre-check tests send; a server may echo it, and no output may show it unmasked. */
export const TEST_KEY = 'sk-test-0123456789abcdefWXYZ';
export const MASKED_TEST_KEY = 'sk-…WXYZ';

/** A classified, normalised target as `run` would hand it to the pre-check, at baseUrl + the API's path. */
export function buildTestTarget(baseUrl: string, overrides: Partial<TargetSpec> = {}): TargetSpec {
  const apiType: ApiType = overrides.apiType ?? 'openai-chat';
  const anthropic = apiType === 'anthropic-messages';
  const path = anthropic ? '/v1/messages' : '/v1/chat/completions';
  const stream = overrides.stream ?? true;
  const model = anthropic ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
  const messages = [{ role: 'user', content: 'Say hello' }];
  return {
    apiType,
    url: `${baseUrl}${path}`,
    targetHost: baseUrl,
    apiPath: path,
    method: 'POST',
    headers: anthropic
      ? { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' }
      : { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
    cookies: {},
    model,
    stream,
    body: anthropic
      ? { model, max_tokens: 64, stream, messages }
      : { model, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages },
    insecure: false,
    timeoutMs: 10_000,
    idleTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
    notes: [],
    warnings: [],
    ...overrides,
  };
}

/** The failure of a result that must have failed; every failure is exit 3 and never shows the key. */
export function expectFailure(result: PrecheckResult): PrecheckFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.capability)}`);
  const error = new PrecheckFailedError(result.failure);
  expect(error.exitCode).toBe(3);
  expect(JSON.stringify(error.toJSON())).not.toContain(TEST_KEY);
  return result.failure;
}

export function expectOk(result: PrecheckResult): CapabilityReport {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.capability;
}
