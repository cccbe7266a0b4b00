import type { Stage } from './scenarios.js';
import type { StepWindow } from './stepped.js';

/**
 * A profile's stages as time windows (docs/profiles.md "Stages"): each runs from the end of the one before,
 * from the shape's start (the end of warmup; warmup runs the first stage). Pure, so the engine, the per-stage
 * report and the tests agree.
 */

/** The stage running `tS` seconds after the shape started: the first before it, the last after the end. */
export function stageIndexAt(stages: readonly Stage[], tS: number): number {
  let endS = 0;
  for (let i = 0; i < stages.length; i += 1) {
    endS += (stages[i] as Stage).durationS;
    if (tS < endS) return i;
  }
  return stages.length - 1;
}

/** Seconds from the shape's start to the start of stage `index`. */
export function stageStartS(stages: readonly Stage[], index: number): number {
  let startS = 0;
  for (let i = 0; i < index; i += 1) startS += (stages[i] as Stage).durationS;
  return startS;
}

/** The stages as the windows the per-stage report counts in (src/metrics/steps.ts); `users` caps rate stages. */
export function stageWindows(stages: readonly Stage[], users: number): StepWindow[] {
  let fromS = 0;
  return stages.map((stage, i) => {
    const window: StepWindow = { index: i + 1, users: stage.users ?? users, fromS, toS: fromS + stage.durationS, sustain: false, rate: stage.rate };
    fromS += stage.durationS;
    return window;
  });
}
