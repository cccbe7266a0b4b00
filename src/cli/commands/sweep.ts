import { Command } from 'commander';
import type { RawSweepOptions } from '../../input/experiment-options.js';
import type { CliContext } from '../io.js';
import { defined } from '../experiment-view.js';
import { addRunOptions } from '../run-options.js';

/** `llm-loadtest sweep`: a ladder of users or rates, each point a short local run; the knee and the SLO answer. */
export function createSweepCommand(ctx: CliContext): Command {
  return addRunOptions(new Command('sweep').description('find the knee and the most load meeting the SLOs: a ladder of users (or rates), each point a short run'))
    .option('--users <list>', 'users to measure, e.g. 1,2,4,8 (default: start at --start and double until saturated)')
    .option('--rates <list>', 'requests per second to measure instead (open loop; --concurrent-users caps concurrency)')
    .option('--start <n>', 'first load of a chosen ladder (default 1)')
    .option('--max-users <n>', 'most users a chosen ladder goes to (default 256)')
    .option('--max-rate <rps>', 'most requests per second a chosen rate ladder goes to (default 1000)')
    .option('--point-duration <t>', 'measured seconds of each point (default 20)')
    .option('--settle <t>', 'seconds at each point\'s start left out while it settles (default 2)')
    .option('--min-gain <pct>', 'saturated when throughput rises less than this % of the load\'s rise (default 25)')
    .option('--latency-factor <x>', 'stop when p95 TTFT (E2E without streaming) passes x times the first point\'s (default 5)')
    .option('--max-error-rate <0..1>', 'stop when more than this share of a point\'s requests fail (default 0.1)')
    .option('--bisect', 'narrow the knee between its neighbours, and with --slo the answer between the last passing and first failing point')
    .option('--budget <t>', 'most time the sweep may take, e.g. 10m (the pre-check aside)')
    .action(async (_options: unknown, command: Command) => {
      await sweepAction(ctx, command.opts<RawSweepOptions>());
    });
}

async function sweepAction(ctx: CliContext, raw: RawSweepOptions): Promise<void> {
  if (raw.json === true) ctx.json = true;
  const [{ parseSweepFlags }, { buildRunPlan, resolveMode }, { runSweep }, { renderSweepConsole }, { followExperiment }, { describeSweepEvent }] = await Promise.all([
    import('../../input/experiment-options.js'),
    import('../../input/plan.js'),
    import('../../run/sweep.js'),
    import('../../report/sweep-report.js'),
    import('../experiment-view.js'),
    import('../experiment-lines.js'),
  ]);
  const flags = parseSweepFlags(raw);
  const plan = await buildRunPlan(raw, { env: ctx.io.env, cwd: ctx.io.cwd, readStdin: () => ctx.io.readStdin() }, resolveMode({ local: true }, {}));
  await followExperiment(
    ctx,
    { quiet: raw.quiet === true, color: raw.color !== false },
    (onEvent) =>
      runSweep({
        plan,
        cwd: ctx.io.cwd,
        kind: flags.kind,
        given: flags.given,
        bisect: flags.bisect,
        budgetS: flags.budgetS,
        onEvent,
        ...defined({
          start: flags.start,
          maxLoad: flags.maxLoad,
          pointDurationS: flags.pointDurationS,
          settleS: flags.settleS,
          minGainPct: flags.minGainPct,
          latencyFactor: flags.latencyFactor,
          maxErrorRate: flags.maxErrorRate,
        }),
      }),
    describeSweepEvent,
    renderSweepConsole,
  );
}
