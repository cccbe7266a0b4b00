import { Command } from 'commander';
import { inputError } from '../../failures/errors.js';
import type { CliContext } from '../io.js';
import { createStyle } from '../io.js';

interface DemoFlags {
  duration: string;
  users: string;
  json?: boolean;
  out?: string;
  progress: boolean;
  quiet?: boolean;
  color: boolean;
}

/**
 * `llm-loadtest demo` (what `npm start` runs): the run layer's runDemo (the bundled mock with realistic
 * timing, a short local run against it), followed on the terminal like `run --local`.
 */
export function createDemoCommand(ctx: CliContext): Command {
  return new Command('demo')
    .description('Start the bundled mock LLM server and run a short local load test against it (what `npm start` runs)')
    .option('--duration <s>', 'seconds of load', '15')
    .option('--users <n>', 'concurrent users', '20')
    .option('--json', 'print summary.json on stdout (the report goes to stderr)')
    .option('--out <dir>', 'folder for the run files (default ./llm-loadtest-runs/demo-<UTC stamp>)')
    .option('--no-progress', 'no live progress line')
    .option('--quiet', 'no progress and no pre-check report')
    .option('--no-color', 'no colours')
    .action(async (flags: DemoFlags) => {
      ctx.json = flags.json === true;
      const durationS = parsePositive(flags.duration, '--duration', 3600);
      const users = parsePositive(flags.users, '--users', 1000);
      const output = { json: ctx.json, quiet: flags.quiet === true, progress: flags.progress, color: flags.color, outDir: flags.out ?? null };
      const [{ runDemo }, { followLocalRun }] = await Promise.all([import('../../run/demo.js'), import('../local-run-view.js')]);
      const style = createStyle(ctx.io.stderr, ctx.io.env, !flags.color);
      await followLocalRun(ctx, output, (hooks) =>
        runDemo({
          durationS,
          users,
          output,
          cwd: ctx.io.cwd,
          ...hooks,
          onEvent: (event) => {
            if (event.type !== 'demo') return hooks.onEvent(event);
            if (output.quiet) return;
            ctx.io.stderr.write(
              `${style.bold('Demo:')} bundled mock LLM server at ${event.mockUrl} (TTFT ${event.ttftMs} ms, ${event.itlMs} ms per token, ` +
                `${event.outputTokens} tokens per answer); ${event.users} users for ${event.durationS} s, ${event.prompts === 'built-in' ? 'prompts from the built-in set' : 'one fixed prompt'}\n`,
            );
          },
        }),
      );
    });
}

function parsePositive(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw inputError('OPTION_INVALID', `${flag} ${text}: expected a whole number from 1 to ${max}`, `e.g. ${flag} 10`);
  }
  return value;
}
