import type { RequestRecord } from '../../src/model/summary.js';

/** A successful measured record; override what the case is about. */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    ts: '2026-01-01T00:00:00.000Z',
    phase: 'measure',
    user: 0,
    seq: 0,
    ok: true,
    status: 200,
    errorCategory: null,
    error: null,
    ttftMs: 100,
    ttfoMs: 100,
    e2eMs: 1000,
    itlMs: 10,
    chunks: 90,
    inputTokens: 20,
    outputTokens: 91,
    reasoningTokens: null,
    tokenSource: 'usage',
    queueMs: null,
    scenario: null,
    turn: null,
    ...overrides,
  };
}

/** A failed measured record of a category. */
export function makeFailure(category: RequestRecord['errorCategory'], status: number | null, error: string | null, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return makeRecord({
    ok: false,
    status,
    errorCategory: category,
    error,
    ttftMs: null,
    ttfoMs: null,
    e2eMs: null,
    itlMs: null,
    chunks: 0,
    inputTokens: null,
    outputTokens: null,
    tokenSource: null,
    ...overrides,
  });
}
