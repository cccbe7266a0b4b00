import { AppError } from '../failures/errors.js';
import type { ExitCode } from '../failures/exit-codes.js';
import { escapeControl } from '../text/escape.js';
import { createStyle, type CliContext } from './io.js';
import { writeJson } from './json-output.js';

/**
 * The one place an error becomes text and an exit code. Bad input is one line plus a hint, never a
 * stack; an unexpected error is a bug (exit 1) and shows its stack only with LLM_LOADTEST_DEBUG=1.
 * An error about a platform task carries its `taskId` and `reportUrl` at the top level of the JSON: the
 * task may well be running, and an agent must still be able to point its user at it.
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
  const named = (text: string): string => nameCommand(text, ctx.io.commandName);
  const message = named(appError.message);
  const hint = appError.hint === undefined ? undefined : named(appError.hint);
  if (ctx.json) {
    const json = appError.toJSON();
    const said = (value: unknown): unknown => (typeof value === 'string' ? named(value) : value);
    writeJson(ctx, false, { ...json, ...pickTask(appError.details), message: said(json['message']), hint: said(json['hint']) });
  }
  const style = createStyle(ctx.io.stderr, ctx.io.env);
  // Messages may quote a server or a file: escaped, the terminal shows control sequences, never obeys them.
  ctx.io.stderr.write(`${style.red('Error:')} ${escapeControl(message, { keepNewlines: true })}\n`);
  if (hint !== undefined) ctx.io.stderr.write(`${style.yellow('Hint:')} ${escapeControl(hint, { keepNewlines: true })}\n`);
  if (appError.category === 'internal' && ctx.io.env['LLM_LOADTEST_DEBUG'] === '1' && error instanceof Error) {
    ctx.io.stderr.write(`${error.stack ?? ''}\n`);
  }
  return appError.exitCode;
}

/**
 * Hints and messages write commands as `` `llm-loadtest status <id>` ``; through the skill's launcher the
 * user (an agent) ran `node scripts/run.mjs`, so that is what they must read.
 */
export function nameCommand(text: string, commandName: string | undefined): string {
  if (commandName === undefined || commandName === 'llm-loadtest') return text;
  return text.replace(/(`|`[^`]*\| )llm-loadtest(?=[ `])/g, `$1${commandName}`);
}

function pickTask(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined) return {};
  const task: Record<string, unknown> = {};
  if (typeof details['taskId'] === 'string') task['taskId'] = details['taskId'];
  if (typeof details['reportUrl'] === 'string') task['reportUrl'] = details['reportUrl'];
  return task;
}
