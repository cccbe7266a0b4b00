import { getAdapter } from '../protocol/registry.js';
import type { ReplyChunks, ReplyPlan, StreamParts } from '../protocol/mock-types.js';
import { mockText } from './words.js';

export type { ReplyPlan, StreamParts };

/**
 * The mock's texts, written by the API's adapter in its exact wire format: the stream's parts for the
 * first `limitTokens` content tokens (all of them when not given).
 */
export function buildStreamParts(plan: ReplyPlan, limitTokens?: number): StreamParts {
  return getAdapter(plan.api).mock.writeStream(plan, chunkTexts(plan, limitTokens ?? Number.POSITIVE_INFINITY));
}

/** Token texts grouped into events of chunkTokens: reasoning first, then answer, at most `limit` tokens. */
function chunkTexts(plan: ReplyPlan, limit: number): ReplyChunks {
  const texts: string[] = [];
  const tokens: number[] = [];
  let left = limit;
  let reasoningEvents = 0;
  for (const [count, reasoning] of [
    [plan.reasoningTokens, true],
    [plan.answerTokens, false],
  ] as const) {
    for (let start = 0; start < count && left > 0; start += plan.chunkTokens) {
      const n = Math.min(plan.chunkTokens, count - start, left);
      texts.push(mockText(n, { start, reasoning }));
      tokens.push(n);
      left -= n;
      if (reasoning) reasoningEvents += 1;
    }
  }
  return { texts, tokens, reasoningEvents };
}

/** The complete non-streamed JSON body. */
export function buildJsonBody(plan: ReplyPlan): string {
  const reasoning = plan.reasoningTokens > 0 ? mockText(plan.reasoningTokens, { reasoning: true }) : null;
  return getAdapter(plan.api).mock.writeJson(plan, { answer: mockText(plan.answerTokens), reasoning });
}

/** GET /v1/models in the API's shape (Anthropic when the request carries anthropic-version). */
export function buildModelsBody(models: readonly string[], anthropic: boolean): string {
  if (anthropic) {
    const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
    return JSON.stringify({ data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null });
  }
  const data = models.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'llm-loadtest' }));
  return JSON.stringify({ object: 'list', data });
}
