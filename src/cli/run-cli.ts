import { CommanderError, type Command } from 'commander';
import { AppError } from '../failures/errors.js';
import { ExitCode } from '../failures/exit-codes.js';
import type { CliContext, Io } from './io.js';
import { createProgram } from './program.js';
import { renderError } from './render-error.js';

/** Run the CLI on argv (without node and script) and return the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const ctx: CliContext = { io, json: argv.includes('--json') };
  const program = createProgram(ctx);
  routeThroughIo(program, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
        return ExitCode.ok;
      }
      // `help <unknown>`: commander printed the help and throws its internal "(outputHelp)".
      if (error.code === 'commander.help') {
        const asked = argv[0] === 'help' && argv[1] !== undefined ? `help ${argv[1]}: there is no command "${argv[1]}"` : 'help: no such command';
        return renderError(
          new AppError('USAGE', asked, { category: 'input', hint: 'the commands are listed above; run `llm-loadtest <command> --help` for one' }),
          ctx,
        );
      }
      const message = error.message.replace(/^error:\s*/i, '');
      return renderError(
        new AppError('USAGE', message, {
          category: 'input',
          hint: 'run `llm-loadtest --help` (or `llm-loadtest <command> --help`) for the options',
        }),
        ctx,
      );
    }
    return renderError(error, ctx);
  }
}

/**
 * Every command, not only the root: commander throws instead of exiting (main.ts is the only exit, and a
 * usage error is exit 2), writes help to the injected Io, and leaves error text to render-error.ts.
 * addCommand does not pass these settings down to subcommands, so each one gets them here.
 */
function routeThroughIo(command: Command, ctx: CliContext): void {
  command.exitOverride().configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    writeErr: (s) => ctx.io.stderr.write(s),
    outputError: () => undefined,
  });
  for (const sub of command.commands) routeThroughIo(sub, ctx);
}
