import { AppError } from '../failures/errors.js';
import type { ExitCode } from '../failures/exit-codes.js';
import { escapeControl } from '../text/escape.js';
import { createStyle, type CliContext } from './io.js';

/**
 * The one place an error becomes text and an exit code. Bad input is one line plus a hint, never a
 * stack; an unexpected error is a bug (exit 1) and shows its stack only with LLM_LOADTEST_DEBUG=1.
 */
export function renderError(error: unknown, ctx: CliContext): ExitCode {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('INTERNAL', `internal error: ${error instanceof Error ? error.message : String(error)}`, {
          category: 'internal',
          hint: 'this is a bug in llm-loadtest; rerun with LLM_LOADTEST_DEBUG=1 and report the output',
          cause: error,
        });
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(appError.toJSON())}\n`);
  const style = createStyle(ctx.io.stderr, ctx.io.env);
  // Messages may quote a server or a file: escaped, the terminal shows control sequences, never obeys them.
  ctx.io.stderr.write(`${style.red('Error:')} ${escapeControl(appError.message, { keepNewlines: true })}\n`);
  if (appError.hint !== undefined) ctx.io.stderr.write(`${style.yellow('Hint:')} ${escapeControl(appError.hint, { keepNewlines: true })}\n`);
  if (appError.category === 'internal' && ctx.io.env['LLM_LOADTEST_DEBUG'] === '1' && error instanceof Error) {
    ctx.io.stderr.write(`${error.stack ?? ''}\n`);
  }
  return appError.exitCode;
}
