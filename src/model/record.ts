import type { RecordCategory } from '../failures/categories.js';
import type { TokenSource } from './api.js';

export type { RecordCategory };

/** One line of results.jsonl (docs/cli.md "Local run files"). */
export interface RequestRecord {
  ts: string;
  phase: 'warmup' | 'measure';
  user: number;
  seq: number;
  ok: boolean;
  status: number | null;
  errorCategory: RecordCategory | null;
  error: string | null;
  ttftMs: number | null;
  ttfoMs: number | null;
  e2eMs: number | null;
  itlMs: number | null;
  chunks: number;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  /**
   * Input tokens the server read from its prompt cache (Anthropic cache read + creation, OpenAI
   * cached_tokens); null when not reported. Optional: records written before it have none.
   */
  cachedInputTokens?: number | null;
  /** Embeddings: the vectors the answer carried; null for APIs that generate text. */
  vectors?: number | null;
  tokenSource: TokenSource | null;
  /** Where inputTokens came from: the server's usage, or our tokenizer over the prompt text (an estimate). */
  inputTokenSource?: TokenSource | null;
  /**
   * Output tokens counted with our tokenizer when the server's usage gave outputTokens: what the usage is
   * reconciled against (docs/metrics.md "Usage reconciliation"); null otherwise.
   */
  countedOutputTokens?: number | null;
  queueMs: number | null;
  /** The profile's scenario of the request (`default` for --turns without a profile); null without a workload. */
  scenario: string | null;
  /** The turn of its conversation, from 1; null without a workload. */
  turn: number | null;
  /** With scenarios: the conversation's number, unique in the run (as in requestId); null otherwise. Optional: older records lack it. */
  conversation?: number | null;
  /** The `x-request-id` we sent (`<run>-c<conversation>-t<turn>`), to join with server logs. */
  requestId?: string | null;
  /** Synthetic prompts: the prompt's tokens as sent, exact by our tokenizer (docs/metrics.md); null otherwise. */
  inputTokensSent?: number | null;
  /** The output length we asked for (max_tokens or the API's field); null when the body's own applies. */
  outputTokensAsked?: number | null;
  /** The server's own request id (`x-request-id`, `request-id`, ...) when its answer had one; absent otherwise. */
  serverRequestId?: string;
  /**
   * The recorded response headers present in the answer (docs/metrics.md "Gateway headers"), values masked
   * when secret-looking; absent when none was asked for or none came.
   */
  headers?: Record<string, string>;
  /** A failed answer a gateway explains: its own error, or the upstream's it passed on; absent when unknown. */
  failureLayer?: 'gateway' | 'upstream';
}
