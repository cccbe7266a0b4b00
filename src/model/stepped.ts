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

/** One stretch of a stepped load at a constant user count, in seconds since the shape started. */
export interface StepWindow {
  /** 1-based. */
  index: number;
  users: number;
  fromS: number;
  toS: number;
  /** The sustain after the ramp (at the most users), not a ramp step. */
  sustain: boolean;
  /** A profile's rate stage: its requests per second (users is then the concurrency cap). */
  rate?: number | null;
}

/**
 * The stretches of the shape the engine runs (src/engine/schedule.ts usersAt): step i (from 0) has
 * min(start + i × increment, max) users for durationS, then the sustain has the most users for sustainS.
 */
export function stepWindows(step: StepOptions): StepWindow[] {
  const steps = Math.max(1, Math.ceil((step.maxUsers - step.startUsers) / step.increment));
  const windows: StepWindow[] = [];
  for (let i = 0; i < steps; i += 1) {
    const users = Math.min(step.startUsers + i * step.increment, step.maxUsers);
    windows.push({ index: i + 1, users, fromS: i * step.durationS, toS: (i + 1) * step.durationS, sustain: false });
  }
  if (step.sustainS > 0) {
    const fromS = steps * step.durationS;
    windows.push({ index: steps + 1, users: step.maxUsers, fromS, toS: fromS + step.sustainS, sustain: true });
  }
  return windows;
}
