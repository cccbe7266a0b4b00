import type { FailureCategory } from './categories.js';
import { AppError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/** Why the pre-check failed; the fields of docs/cli.md's pre-check failure JSON, secrets masked. */
export type PrecheckFailure = {
  /** The API id (model's ApiType: an open string, validated by the protocol registry). */
  apiType: string;
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

  /** docs/cli.md: `{"ok":false,"stage":"precheck","apiType","category","status","message","hint"}` (+ retryAfterS). */
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
