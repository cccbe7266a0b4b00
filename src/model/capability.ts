import type { ApiType, TokenSource } from './api.js';
import type { ServerKind } from './server-metrics.js';

/**
 * What the one pre-check request showed about the target, printed before the load starts and kept in
 * summary.precheck. JSON-able; the URL is masked. Times are milliseconds from just before the request.
 */
export type CapabilityReport = {
  apiType: ApiType;
  /** Masked. */
  url: string;
  status: number;
  stream: boolean;
  contentType: string | null;
  /** Request → end of the response (E2E of the pre-check). */
  latencyMs: number;
  /** Request → first generated content (text, reasoning or tool call); null when none was timed. */
  ttftMs: number | null;
  /** Request → first non-reasoning output. */
  ttfoMs: number | null;
  modelAsked: string;
  /** The model the server says it ran. */
  model: string | null;
  /** The server reported token usage (for a stream: inside the stream). */
  usageReported: boolean;
  reasoning: boolean;
  toolCall: boolean;
  contentChunks: number;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  tokenSource: TokenSource | null;
  /** Embeddings: the vectors the answer carried; absent for APIs that generate text. */
  vectors?: number;
  /** Output tokens / content chunks; null when either is unknown. */
  tokensPerChunk: number | null;
  finishReason: string | null;
  /** The answer stopped at max_tokens (finish_reason "length", stop_reason "max_tokens"). */
  maxTokensHit: boolean;
  /** Metrics the load test will measure exactly, e.g. "ttft", "output tokens". */
  exact: string[];
  /** Metrics it will estimate (see notes for why). */
  estimated: string[];
  /** Metrics it cannot measure against this target (e.g. TTFT without streaming). */
  unavailable: string[];
  /** Why, in words: "no usage in stream: output tokens will be counted with a tokenizer". */
  notes: string[];
  /** The first characters of the generated text, so a user sees the target really answered. */
  textPreview: string;
  /**
   * Local runs without --server-metrics: `<origin>/metrics` answered with a known server's Prometheus names,
   * offered (never scraped unasked); absent when it did not (or was not looked for).
   */
  serverMetricsOffer?: { url: string; server: ServerKind };
  /** Sized prompts or outputs (--input-tokens, --output-tokens, --preset, --trace): asked against got. */
  lengths?: LengthCheck;
};

/** Whether the server kept to the lengths the pre-check asked for (docs/cli.md "Workload"). */
export interface LengthCheck {
  /** The prompt's tokens as we sent them (our tokenizer), and as the server's usage reports them. */
  inputSent: number | null;
  inputReported: number | null;
  /** The output length asked, and the answer's (usage, else our count). */
  outputAsked: number | null;
  outputGot: number | null;
  /** exact, shorter (the server stopped early), longer (it ignored the cap), unknown; null: none asked. */
  output: 'exact' | 'shorter' | 'longer' | 'unknown' | null;
}
