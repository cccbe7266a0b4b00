import type { LoadOptions } from '../model/plan.js';
import { steppedTotalS } from '../model/stepped.js';
import { createRandom } from '../random.js';
import { stageIndexAt, stageStartS } from '../model/stages.js';
import type { Stage } from '../model/scenarios.js';

/**
 * Load shapes as pure functions of time, so the engine, the worker threads and the tests agree on them.
 * Times are seconds since the start of the run (warmup included).
 */

/** Seconds of the measured part of the run: `--duration`, or the stepped ramp plus its sustain. */
export function measuredDurationS(load: Pick<LoadOptions, 'loadMode' | 'step' | 'durationS'>): number {
  if (load.loadMode === 'stepped' && load.step !== null) return steppedTotalS(load.step);
  return load.durationS;
}

/** The most users the shape ever asks for. */
export function peakUsers(load: Pick<LoadOptions, 'loadMode' | 'step' | 'concurrentUsers'>): number {
  if (load.loadMode === 'stepped' && load.step !== null) return load.step.maxUsers;
  return load.concurrentUsers;
}

/**
 * Closed-loop users wanted at `tS` seconds after the shape started (`tS` excludes warmup for stepped
 * load: warmup runs the start users). Fixed: user i starts at i / spawnRate, so the count is
 * floor(t * rate) + 1 capped at the users (the first one at once). Stepped: the platform's rule,
 * min(start + floor(t / stepDuration) * inc, max).
 */
export function usersAt(
  tS: number,
  load: Pick<LoadOptions, 'loadMode' | 'step' | 'concurrentUsers' | 'spawnRate' | 'stages'>,
): number {
  const stages = load.stages ?? null;
  // A profile's user stages: each stage's users from its start (the first one through warmup).
  if (stages !== null && stages.length > 0) return stages[stageIndexAt(stages, tS)]?.users ?? load.concurrentUsers;
  if (load.loadMode === 'stepped' && load.step !== null) {
    const step = load.step;
    if (tS < 0) return step.startUsers;
    return Math.min(step.startUsers + Math.floor(tS / step.durationS) * step.increment, step.maxUsers);
  }
  if (tS < 0) return 0;
  return Math.min(Math.floor(tS * load.spawnRate) + 1, load.concurrentUsers);
}

/**
 * Seconds from the shape's start until `usersAt` next changes, or null when it never will. Lets the
 * engine sleep exactly until the next user is due instead of polling.
 */
export function nextUserChangeS(
  tS: number,
  load: Pick<LoadOptions, 'loadMode' | 'step' | 'concurrentUsers' | 'spawnRate' | 'stages'>,
): number | null {
  const stages = load.stages ?? null;
  if (stages !== null && stages.length > 0) {
    const index = stageIndexAt(stages, Math.max(0, tS));
    return index + 1 < stages.length ? stageStartS(stages, index + 1) : null;
  }
  const now = usersAt(tS, load);
  if (load.loadMode === 'stepped' && load.step !== null) {
    if (now >= load.step.maxUsers) return null;
    return (Math.floor(Math.max(0, tS) / load.step.durationS) + 1) * load.step.durationS;
  }
  if (now >= load.concurrentUsers) return null;
  return now / load.spawnRate;
}

/**
 * Open-loop arrivals: returns the gap in ms to the next arrival. Constant: 1000 / rate. Poisson:
 * exponentially distributed gaps with that mean.
 */
export function createArrivalGaps(rate: number, arrival: 'poisson' | 'constant', seed: number): () => number {
  const meanMs = 1000 / rate;
  if (arrival === 'constant') return () => meanMs;
  const random = createRandom(seed);
  // 1 - u is in (0, 1], so the log is finite.
  return () => -Math.log(1 - random()) * meanMs;
}

/**
 * Open-loop arrivals of rate stages: each gap is drawn at the rate of the stage its arrival falls in
 * (this thread's share of it). The function keeps its own clock (ms since the run's start), as the open
 * loop adds the gaps up from there; stages count from `shapeStartMs` (after warmup).
 */
export function createStagedArrivalGaps(
  stages: readonly Stage[],
  shapeStartMs: number,
  share: number,
  arrival: 'poisson' | 'constant',
  seed: number,
): () => number {
  const random = createRandom(seed);
  let atMs = 0;
  return () => {
    const stage = stages[stageIndexAt(stages, (atMs - shapeStartMs) / 1000)] as Stage;
    const meanMs = 1000 / ((stage.rate ?? 1) * share);
    const gap = arrival === 'constant' ? meanMs : -Math.log(1 - random()) * meanMs;
    atMs += gap;
    return gap;
  };
}
