import type { PrecheckResult } from '../precheck/types.js';
import type { RunPlan, TargetSpec } from '../model/plan.js';
import { unlessStopped } from './unless-stopped.js';

/**
 * One target's pre-check as the run's load would send it: with sized prompts or outputs (or a trace) it
 * sends one such body and its report says whether the server keeps to the sizes; it carries the run's
 * `x-request-id` (`<run>-precheck`, docs/cli.md "Request ids") unless the user sends their own. One run or
 * each of several targets (run/targets.ts) checks the same way.
 */
export async function precheckTarget(target: TargetSpec, plan: RunPlan, beforeLoad: AbortSignal, what: string, requestIdPrefix?: string): Promise<PrecheckResult> {
  const [{ runPrecheck }, { checkAskedLengths }, { buildPrecheckBody }, { getAdapter }] = await Promise.all([
    import('../precheck/precheck.js'),
    import('../precheck/length-check.js'),
    import('../engine/synthetic-bodies.js'),
    import('../protocol/registry.js'),
  ]);
  const workload = plan.load.workload;
  const sized = buildPrecheckBody(target, getAdapter(target.apiType), workload, requestIdPrefix);
  const checked = withPrecheckRequestId(sized === null ? target : { ...target, body: sized.body }, requestIdPrefix ?? workload?.runId ?? null);
  const result = await unlessStopped(beforeLoad, what, runPrecheck(checked, { timeoutMs: plan.precheckTimeoutMs }));
  if (!result.ok || sized === null) return result;
  return { ...result, capability: checkAskedLengths(result.capability, { inputTokens: sized.inputTokens, outputTokens: sized.outputTokens, exact: workload?.ignoreEos ?? false }) };
}

function withPrecheckRequestId(target: TargetSpec, runId: string | null): TargetSpec {
  if (runId === null || Object.keys(target.headers).some((name) => name.toLowerCase() === 'x-request-id')) return target;
  return { ...target, headers: { ...target.headers, 'x-request-id': `${runId}-precheck` } };
}
