import { Command } from 'commander';
import type { RawHeatmapOptions } from '../../input/experiment-options.js';
import type { CliContext } from '../io.js';
import { addRunOptions } from '../run-options.js';
import { defined } from '../experiment-view.js';

/** `llm-loadtest heatmap`: latency and throughput over input × output token sizes, each cell a short local run. */
export function createHeatmapCommand(ctx: CliContext): Command {
  return addRunOptions(new Command('heatmap').description('latency and throughput over a grid of input × output token sizes, each cell a short run'))
    .option('--input-sizes <list>', 'prompt sizes in tokens, e.g. 128,512,2048')
    .option('--output-sizes <list>', 'answer sizes in tokens (max_tokens), e.g. 64,256')
    .option('--cell-duration <t>', 'measured seconds of each cell (default 10)')
    .option('--settle <t>', 'seconds at each cell\'s start left out (default 1)')
    .action(async (_options: unknown, command: Command) => {
      await heatmapAction(ctx, command.opts<RawHeatmapOptions>());
    });
}

async function heatmapAction(ctx: CliContext, raw: RawHeatmapOptions): Promise<void> {
  if (raw.json === true) ctx.json = true;
  const [{ parseHeatmapFlags }, { buildRunPlan, resolveMode }, { runHeatmap }, { renderHeatmapConsole }, { followExperiment }, { describeHeatmapEvent }] = await Promise.all([
    import('../../input/experiment-options.js'),
    import('../../input/plan.js'),
    import('../../run/heatmap.js'),
    import('../../report/heatmap-report.js'),
    import('../experiment-view.js'),
    import('../experiment-lines.js'),
  ]);
  const flags = parseHeatmapFlags(raw);
  const plan = await buildRunPlan(raw, { env: ctx.io.env, cwd: ctx.io.cwd, readStdin: () => ctx.io.readStdin() }, resolveMode({ local: true }, {}));
  await followExperiment(
    ctx,
    { quiet: raw.quiet === true, color: raw.color !== false },
    (onEvent) =>
      runHeatmap({
        plan,
        cwd: ctx.io.cwd,
        inputSizes: flags.inputSizes,
        outputSizes: flags.outputSizes,
        onEvent,
        ...defined({ users: flags.users, cellDurationS: flags.cellDurationS, settleS: flags.settleS }),
      }),
    describeHeatmapEvent,
    renderHeatmapConsole,
  );
}
