import type { CapabilityReport } from '../model/capability.js';
import type { TargetSpec } from '../model/plan.js';
import { maskUrl } from '../text/mask.js';

/** The one pre-check of an experiment, before its first point: a failure throws PrecheckFailedError (exit 3). */
export async function precheckOnce(
  target: TargetSpec,
  timeoutMs: number,
  emit: (event: { type: 'precheck-start'; url: string; timeoutMs: number } | { type: 'precheck'; capability: CapabilityReport }) => void,
): Promise<CapabilityReport> {
  const [{ runPrecheck }, { PrecheckFailedError }] = await Promise.all([import('../precheck/precheck.js'), import('../failures/precheck-failed.js')]);
  emit({ type: 'precheck-start', url: maskUrl(target.url), timeoutMs });
  const result = await runPrecheck(target, { timeoutMs });
  if (!result.ok) throw new PrecheckFailedError(result.failure);
  emit({ type: 'precheck', capability: result.capability });
  return result.capability;
}
