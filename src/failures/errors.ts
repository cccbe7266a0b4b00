/**
 * The one error type of the project. Every failure whose meaning is known becomes an AppError with a
 * stable code, a category from cli.md and one actionable hint; only cli/main.ts turns it into text and
 * an exit code.
 */

/** Exit codes of cli.md ("Exit codes"). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  input: 2,
  precheck: 3,
  platform: 4,
  threshold: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Why one request to the target failed: the pre-check categories of cli.md. The engine counts errors
 * with the same ids, so pre-check and load test speak one language.
 */
export const FAILURE_CATEGORIES = [
  'auth',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'rate_limited',
  'client_error',
  'server_error',
  'overloaded',
  'quota_exceeded',
  'dns',
  'connection_refused',
  'connection_reset',
  'timeout',
  'tls',
  'invalid_response',
  'empty_response',
  'unknown',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** Failures of the platform itself (platform mode), kept apart from the target's. */
export const PLATFORM_CATEGORIES = [
  'platform_auth',
  'platform_unreachable',
  'platform_error',
  'platform_rejected',
] as const;
export type PlatformCategory = (typeof PLATFORM_CATEGORIES)[number];

export type ErrorCategory =
  | 'input'
  | 'internal'
  | 'threshold'
  | 'interrupted'
  | FailureCategory
  | PlatformCategory;

/** Where in the flow an error happened; the `stage` field of the error JSON. */
export type Stage = 'input' | 'precheck' | 'platform' | 'run' | 'report' | 'internal';

export interface AppErrorOptions {
  category: ErrorCategory;
  stage?: Stage;
  hint?: string;
  /** Already masked: nothing secret goes in here. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the exit code the category implies (rarely needed). */
  exitCode?: ExitCode;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly category: ErrorCategory;
  readonly stage: Stage;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = options.category;
    this.stage = options.stage ?? defaultStage(options.category);
    this.hint = options.hint;
    this.details = options.details;
    this.exitCode = options.exitCode ?? exitCodeFor(this.category, this.stage);
  }

  /** The error JSON of cli.md: `{"ok":false,"stage","code","category","message","hint"}`. */
  toJSON(): Record<string, unknown> {
    return {
      ok: false,
      stage: this.stage,
      code: this.code,
      category: this.category,
      message: this.message,
      hint: this.hint ?? null,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Shorthand for the most common error: the user's input is wrong (exit 2). */
export function inputError(
  code: string,
  message: string,
  hint: string,
  details?: Record<string, unknown>,
): AppError {
  return new AppError(code, message, {
    category: 'input',
    stage: 'input',
    hint,
    ...(details === undefined ? {} : { details }),
  });
}

function defaultStage(category: ErrorCategory): Stage {
  if (category === 'input') return 'input';
  if (category === 'internal') return 'internal';
  if (category === 'threshold' || category === 'interrupted') return 'run';
  if ((PLATFORM_CATEGORIES as readonly string[]).includes(category)) return 'platform';
  return 'precheck';
}

export function exitCodeFor(category: ErrorCategory, stage: Stage): ExitCode {
  switch (category) {
    case 'input':
      return ExitCode.input;
    case 'internal':
      return ExitCode.internal;
    case 'threshold':
      return ExitCode.threshold;
    case 'interrupted':
      return ExitCode.interrupted;
    case 'platform_auth':
    case 'platform_unreachable':
    case 'platform_error':
    case 'platform_rejected':
      return ExitCode.platform;
    default:
      // A target failure found by the platform's pre-check is still the target's: exit 3.
      return stage === 'platform' ? ExitCode.platform : ExitCode.precheck;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
