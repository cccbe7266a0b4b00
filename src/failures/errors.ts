/**
 * The one error type of the project. Every failure whose meaning is known becomes an AppError with a
 * stable code (error-codes.ts), a category from docs/cli.md and one actionable hint; only cli/main.ts turns it
 * into text and an exit code.
 */
import type { ErrorCategory } from './categories.js';
import type { CategoryOf, ErrorCode, InputErrorCode } from './error-codes.js';
import { defaultStage, exitCodeFor, type ExitCode, type Stage } from './exit-codes.js';

export interface AppErrorOptions<Category extends ErrorCategory = ErrorCategory> {
  category: Category;
  stage?: Stage;
  hint?: string;
  /** Already masked: nothing secret goes in here. */
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Overrides the exit code the category implies (rarely needed). */
  exitCode?: ExitCode;
}

/** `Code` ties the category to the code's row of ERROR_CODES: a code thrown with another category fails typecheck. */
export class AppError<Code extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'AppError';
  readonly code: Code;
  readonly category: ErrorCategory;
  readonly stage: Stage;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly exitCode: ExitCode;

  constructor(code: Code, message: string, options: AppErrorOptions<CategoryOf<Code>>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = options.category;
    this.stage = options.stage ?? defaultStage(options.category);
    this.hint = options.hint;
    this.details = options.details;
    this.exitCode = options.exitCode ?? exitCodeFor(this.category, this.stage);
  }

  /** The error JSON of docs/cli.md: `{"ok":false,"stage","code","category","message","hint"}`. */
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
  code: InputErrorCode,
  message: string,
  hint: string,
  details?: Record<string, unknown>,
): AppError {
  return new AppError<InputErrorCode>(code, message, {
    category: 'input',
    stage: 'input',
    hint,
    ...(details === undefined ? {} : { details }),
  });
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
