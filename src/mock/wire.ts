import { adapters, DEFAULT_API_TYPE, getAdapter } from '../protocol/registry.js';
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

/**
 * GET …/models: in the shape of the API whose own header the request carries (anthropic-version), else
 * the default API's.
 */
export function buildModelsBody(models: readonly string[], headerNames: ReadonlySet<string>): string {
  const own = adapters.find((adapter) => adapter.mock.modelsBody !== undefined && adapter.match.byHeaders(headerNames)?.weak === false);
  const speaker = own ?? getAdapter(DEFAULT_API_TYPE);
  return speaker.mock.modelsBody?.(models) ?? JSON.stringify({ object: 'list', data: [] });
}
