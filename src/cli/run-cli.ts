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
      return renderError(usageError(error, argv, program), ctx);
    }
    return renderError(error, ctx);
  }
}

const USAGE_HINT = 'run `llm-loadtest --help` (or `llm-loadtest <command> --help`) for the options';

/**
 * Commander's complaint as a USAGE error. A target given without its flag is the common slip (a URL as a
 * positional argument, a curl command pasted unquoted): the hint then says which flag it needs.
 */
function usageError(error: CommanderError, argv: readonly string[], program: Command): AppError {
  const message = error.message.replace(/^error:\s*/i, '');
  const loose = error.code === 'commander.excessArguments' || error.code === 'commander.unknownCommand' ? strayArguments(argv, program) : [];
  if (loose[0] === 'curl') {
    return new AppError('USAGE', 'a curl command was given without --curl', {
      category: 'input',
      hint: "pass the whole command as one quoted value: `llm-loadtest --curl 'curl https://… -H … -d …'` (or pipe it in with --curl -)",
    });
  }
  const url = loose.find((arg) => /^(https?:\/\/|localhost\b|\d{1,3}(\.\d{1,3}){3}\b|[\w-]+(\.[\w-]+)+(:\d+)?\/)/i.test(arg));
  if (url !== undefined) {
    return new AppError('USAGE', `"${url}" was given as an argument, not as --url`, {
      category: 'input',
      hint: `use --url: \`llm-loadtest --url ${url} …\` (or --curl '<curl command>')`,
    });
  }
  return new AppError('USAGE', message, { category: 'input', hint: USAGE_HINT });
}

/** The words of argv that are neither an option nor an option's value (for `run`, the default command). */
function strayArguments(argv: readonly string[], program: Command): string[] {
  const run = program.commands.find((command) => command.name() === 'run');
  const takesValue = new Set(
    (run?.options ?? []).filter((option) => option.required || option.optional).flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined)),
  );
  const loose: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i += 1;
      continue;
    }
    if (i === 0 && program.commands.some((command) => command.name() === arg)) continue;
    loose.push(arg);
  }
  return loose;
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
