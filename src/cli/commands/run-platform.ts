import { AppError } from '../../errors.js';
import type { RunPlan } from '../../input/request-spec.js';
import type { CliContext } from '../io.js';

/** Platform mode of `run` (being built; replaced by its owner). */
export async function runPlatform(_ctx: CliContext, _plan: RunPlan): Promise<void> {
  throw new AppError('NOT_BUILT', 'platform mode is not built yet', { category: 'internal' });
}
