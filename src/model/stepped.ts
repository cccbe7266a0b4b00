import type { StepOptions } from './plan.js';

/**
 * Seconds of a stepped load, the platform's rule (docs/platform.md "What we send"): at least one step of
 * `durationS`, ceil((max - start) / increment) in all, then the sustain. The local engine runs the same
 * shape, so a plan lasts as long in both modes.
 */
export function steppedTotalS(step: StepOptions): number {
  const steps = Math.max(1, Math.ceil((step.maxUsers - step.startUsers) / step.increment));
  return steps * step.durationS + step.sustainS;
}
