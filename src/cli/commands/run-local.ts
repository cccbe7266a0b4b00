import type { RunPlan } from '../../model/plan.js';
import type { CliContext } from '../io.js';

/**
 * Local mode of `run`: the run layer's runLocal (pre-check, load, files) followed on the terminal
 * (capability report and progress on stderr, the console report, the exit code).
 */
export async function runLocal(ctx: CliContext, plan: RunPlan): Promise<void> {
  const [{ runLocal: startLocalRun }, { followLocalRun }] = await Promise.all([import('../../run/local.js'), import('../local-run-view.js')]);
  await followLocalRun(ctx, plan.output, (hooks) => startLocalRun({ plan, cwd: ctx.io.cwd, ...hooks }));
}
