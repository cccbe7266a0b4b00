/**
 * A sweep's time budget (docs/experiments.md "Budget"): what the plan will cost before it starts, and
 * whether one more point still fits. Pure.
 */
import type { SweepKind } from '../model/experiment.js';
import { bisectStepsFor } from './sweep-slo.js';

/** Each point also spends about this on its drain and its files (seconds, an estimate). */
export const POINT_OVERHEAD_S = 1;

export interface SweepCostInput {
  kind: SweepKind;
  given: readonly number[] | null;
  start: number;
  maxLoad: number;
  settleS: number;
  durationS: number;
  /** SLO bisection (with --bisect and --slo). */
  bisect: boolean;
  /** Knee probes (with --bisect). */
  refineKnee: boolean;
  budgetS: number | null;
}

/** Knee probes planned: the gap below the knee and the one above it, once each (more are rare). */
export const KNEE_PROBES = 2;

export interface SweepCost {
  pointS: number;
  /** At most this many ladder points. */
  ladderPoints: number;
  /** At most this many bisection points. */
  bisectPoints: number;
  /** About this many knee probes. */
  kneePoints: number;
  /** The worst case, in seconds, capped by the budget. */
  plannedS: number;
  /** What it will cost, in words. */
  plan: string;
}

/** The most a sweep will spend: every rung, and the widest bisection, at one point's cost each. */
export function planSweepCost(input: SweepCostInput): SweepCost {
  const pointS = input.settleS + input.durationS + POINT_OVERHEAD_S;
  let ladderPoints: number;
  let widest: [number, number];
  if (input.given !== null) {
    ladderPoints = input.given.length;
    const gaps = input.given.slice(1).map((load, i): [number, number] => [input.given?.[i] as number, load]);
    widest = gaps.reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a), [0, 0]);
  } else {
    ladderPoints = 1 + Math.max(0, Math.ceil(Math.log2(input.maxLoad / input.start)));
    widest = [input.maxLoad / 2, input.maxLoad];
  }
  const bisectPoints = input.bisect ? bisectStepsFor(widest[0], widest[1], input.kind) : 0;
  const kneePoints = input.refineKnee ? KNEE_PROBES : 0;
  const worstS = (ladderPoints + kneePoints + bisectPoints) * pointS;
  const plannedS = input.budgetS === null ? worstS : Math.min(worstS, input.budgetS);
  const each = `${fmt(pointS)} s each (${fmt(input.settleS)} s settle + ${fmt(input.durationS)} s measured + ~${POINT_OVERHEAD_S} s to finish)`;
  const extras = [kneePoints > 0 ? `${kneePoints} knee probes` : null, bisectPoints > 0 ? `${bisectPoints} bisection point${bisectPoints === 1 ? '' : 's'}` : null].filter((x) => x !== null);
  const points = `up to ${ladderPoints} ladder point${ladderPoints === 1 ? '' : 's'}${extras.length > 0 ? ` and ${extras.join(' and ')}` : ''}`;
  const budget =
    input.budgetS === null
      ? 'no budget'
      : worstS <= input.budgetS
        ? `within the budget of ${fmt(input.budgetS)} s`
        : `the budget of ${fmt(input.budgetS)} s allows ${Math.floor(input.budgetS / pointS)} points: the sweep stops when it runs out`;
  return { pointS, ladderPoints, bisectPoints, kneePoints, plannedS, plan: `${points}, ${each}: at most ${fmt(worstS)} s, ${budget}` };
}

/** One more point fits when the time spent plus one point's cost stays within the budget. */
export function fitsBudget(spentS: number, pointS: number, budgetS: number | null): boolean {
  return budgetS === null || spentS + pointS <= budgetS;
}

function fmt(seconds: number): string {
  return String(Math.round(seconds * 10) / 10);
}
