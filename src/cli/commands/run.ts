import { Command } from 'commander';
import type { RawRunOptions } from '../../input/options.js';
import { createStyle, type CliContext } from '../io.js';
import { writeJson } from '../json-output.js';
import { addRunOptions } from '../run-options.js';

/**
 * `llm-loadtest [run]`: the main flow, parse → run → render: the flags (run-options.ts) become a plan in
 * src/input/plan.ts; the modes run in src/run/ and are rendered by run-local.ts and run-platform.ts beside
 * this file. Everything heavy is imported
 * inside the action so `--help` and `--version` stay fast.
 */
export function createRunCommand(ctx: CliContext): Command {
  return addRunOptions(new Command('run').description('load test an LLM API given as --url or --curl (the default command)'))
    .action(async (_options: unknown, command: Command) => {
      await runAction(ctx, command.opts<RawRunOptions>());
    });
}

async function runAction(ctx: CliContext, options: RawRunOptions): Promise<void> {
  if (options.json === true) ctx.json = true;
  const { io } = ctx;
  const { buildRunPlan, resolveMode } = await import('../../input/plan.js');
  const mode = resolveMode(options, io.env);
  // --quiet: nothing on stderr but errors, and stdout holds the result.
  const quiet = options.quiet === true;
  if (!quiet) io.stderr.write(`${mode.reason}\n`);
  const plan = await buildRunPlan(options, { env: io.env, cwd: io.cwd, readStdin: () => io.readStdin() }, mode);
  if (plan.mode === 'local' && plan.output.outDir !== null) {
    // A folder that already holds a run is bad input, and a dry run should say so too.
    const { resolveRunDir } = await import('../../engine/results-writer.js');
    resolveRunDir({ outDir: plan.output.outDir, name: plan.load.name, cwd: io.cwd });
  }
  const { renderDryRunJson, renderDryRunText } = await import('../../input/dry-run.js');
  if (options.dryRun === true) {
    if (plan.mode === 'platform') {
      // What submitting would refuse (headers, cookies, payload, test data), a dry run refuses too.
      const [{ checkPlatformLimits }, { readTestDataFile }] = await Promise.all([
        import('../../platform/payload.js'),
        import('../../run/platform.js'),
      ]);
      checkPlatformLimits(plan);
      await readTestDataFile(plan.load.testData, io.cwd);
    } else {
      // The test data a real run would refuse, a dry run refuses too: one validation for both.
      const { loadPrompts } = await import('../../engine/prompts.js');
      await loadPrompts(plan.load.testData, io.cwd);
    }
    if (ctx.json) writeJson(ctx, true, renderDryRunJson(plan));
    else io.stdout.write(renderDryRunText(plan));
    return;
  }
  // The plan's notes and warnings are said before anything is sent (masked like everything printed).
  const shown = renderDryRunJson(plan);
  const style = createStyle(io.stderr, io.env, options.color === false);
  if (!quiet) {
    for (const note of shown['notes'] as string[]) io.stderr.write(`${style.dim('note:')} ${note}\n`);
    for (const warning of shown['warnings'] as string[]) io.stderr.write(`${style.yellow('warning:')} ${warning}\n`);
  }
  if (plan.mode === 'platform') {
    const { runPlatform } = await import('./run-platform.js');
    await runPlatform(ctx, plan);
  } else {
    const { runLocal } = await import('./run-local.js');
    await runLocal(ctx, plan);
  }
}
