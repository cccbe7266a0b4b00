import type { SummaryContext } from '../../src/metrics/summarize.js';

export function makeContext(overrides: Partial<SummaryContext> = {}): SummaryContext {
  return {
    target: { url: 'http://127.0.0.1:8000/v1/chat/completions', apiType: 'openai-chat', model: 'gpt-4o-mini', stream: true, headers: { authorization: 'Bearer sk-…abcd' } },
    config: { concurrentUsers: 10 },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    successThreshold: 0.9,
    slo: [],
    generator: { eventLoopDelayP99Ms: 1, maxMs: 3, cpuPct: 20, openFileLimit: 20000, generatorErrors: 0, verdict: 'ok', reasons: [] },
    ...overrides,
  };
}
