import type { RunPlan } from '../model/plan.js';

/**
 * What every local run loads before its pre-check: the engine's modules (imported here, lazily, so a
 * dry run or a platform run never loads them), the run's prompts and the folder it will write.
 */
export async function prepareLoad(plan: RunPlan, cwd: string) {
  const [{ loadPrompts }, writer, { startLoad }] = await Promise.all([
    import('../engine/prompts.js'),
    import('../engine/results-writer.js'),
    import('../engine/run-load.js'),
  ]);
  const prompts = await loadPrompts(plan.load.testData, cwd);
  const outDir = writer.resolveRunDir({ outDir: plan.output.outDir, name: plan.load.name, cwd });
  return { writer, startLoad, prompts, outDir };
}
