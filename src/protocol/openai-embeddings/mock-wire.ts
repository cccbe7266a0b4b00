/**
 * How the mock writes embeddings answers, as the real API: `{"object":"list","data":[{"object":
 * "embedding","index":i,"embedding":[...]}],"model","usage":{"prompt_tokens","total_tokens"}}`, vectors
 * as float lists or base64 float32s. Values are fixed (a unit vector's worth of small numbers): a load
 * test measures their time, not their meaning.
 */
import type { ReplyPlan, StreamParts } from '../mock-types.js';

function vectorJson(dimensions: number, base64: boolean): string {
  const values = Array.from({ length: dimensions }, (_, i) => Math.round(((i % 7) - 3) * 0.01 * 1e6) / 1e6);
  if (!base64) return `[${values.join(',')}]`;
  const bytes = Buffer.alloc(dimensions * 4);
  values.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return `"${bytes.toString('base64')}"`;
}

export function writeEmbeddingsJson(plan: ReplyPlan): string {
  const embedding = plan.embedding ?? { vectors: 1, dimensions: 16, base64: false };
  const vector = vectorJson(embedding.dimensions, embedding.base64);
  const data = Array.from({ length: embedding.vectors }, (_, i) => `{"object":"embedding","index":${i},"embedding":${vector}}`);
  return (
    `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(plan.model)},` +
    `"usage":{"prompt_tokens":${plan.inputTokens},"total_tokens":${plan.inputTokens}}}`
  );
}

/** Never called (the API does not stream, the mock's reader says so); the JSON body as a single write. */
export function writeEmbeddingsStream(plan: ReplyPlan): StreamParts {
  return { head: writeEmbeddingsJson(plan), events: [], eventTokens: [], tail: '' };
}
