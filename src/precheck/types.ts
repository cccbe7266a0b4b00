import type { FailureCategory } from '../failures/categories.js';
import { AppError } from '../failures/errors.js';
import { ExitCode } from '../failures/exit-codes.js';
import type { ApiType, TokenSource } from '../protocol/types.js';

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
};

/** Why the pre-check failed; the fields of cli.md's pre-check failure JSON, secrets masked. */
export type PrecheckFailure = {
  apiType: ApiType;
  category: FailureCategory;
  /** The HTTP status, null when no response came (DNS, refused, reset, TLS, timeout before headers). */
  status: number | null;
  /** The server's own error message (or the transport error's), masked. */
  message: string;
  hint: string;
  /** Seconds the server asked us to wait, when it said. */
  retryAfterS?: number;
  /** Request → failure, milliseconds. */
  latencyMs: number;
};

export type PrecheckResult = { ok: true; capability: CapabilityReport } | { ok: false; failure: PrecheckFailure };

/**
 * The pre-check failed: exit 3. Thrown by the run flow so cli/render-error.ts prints it ("Error:"/"Hint:" on
 * stderr, and with --json this object's toJSON on stdout).
 */
export class PrecheckFailedError extends AppError<'PRECHECK_FAILED'> {
  readonly failure: PrecheckFailure;

  constructor(failure: PrecheckFailure) {
    super('PRECHECK_FAILED', describePrecheckFailure(failure), {
      category: failure.category,
      stage: 'precheck',
      hint: failure.hint,
      exitCode: ExitCode.precheck,
    });
    this.failure = failure;
  }

  /** cli.md: `{"ok":false,"stage":"precheck","apiType","category","status","message","hint"}` (+ retryAfterS). */
  override toJSON(): Record<string, unknown> {
    const { apiType, category, status, message, hint, retryAfterS } = this.failure;
    return {
      ok: false,
      stage: 'precheck',
      apiType,
      category,
      status,
      message,
      hint,
      ...(retryAfterS === undefined ? {} : { retryAfterS }),
    };
  }
}

/** One line: "pre-check failed (auth, HTTP 401): Incorrect API key provided". */
export function describePrecheckFailure(failure: PrecheckFailure): string {
  const status = failure.status === null ? '' : `, HTTP ${failure.status}`;
  const wait = failure.retryAfterS === undefined ? '' : ` (retry after ${failure.retryAfterS} s)`;
  return `pre-check failed (${failure.category}${status}): ${failure.message}${wait}`;
}
