/**
 * A sweep's answers (docs/experiments.md "The SLO answer"): the largest load that keeps every SLO, the
 * bracket bisection narrows, and the best goodput. Pure.
 */
import type { SweepKind, SweepPoint, SweepSloAnswer } from '../model/experiment.js';

/**
 * The largest load meeting every SLO with every lighter point meeting them too (latency grows with load,
 * so a pass above a failure is noise, not capacity), and the lightest failing load above it.
 */
export function answerSlo(points: readonly SweepPoint[], slo: readonly string[], bisect: boolean, kind: SweepKind): SweepSloAnswer {
  const sorted = [...points].sort((a, b) => a.load - b.load);
  let maxLoad: number | null = null;
  let firstFailingLoad: number | null = null;
  for (const point of sorted) {
    if (point.sloPassed === true) {
      maxLoad = point.load;
      continue;
    }
    firstFailingLoad = point.load;
    break;
  }
  const detail =
    maxLoad === null
      ? firstFailingLoad === null
        ? 'no point was measured'
        : `even the lightest point (${firstFailingLoad}) failed the SLOs`
      : firstFailingLoad === null
        ? `every point met the SLOs: the limit is above ${maxLoad}`
        : `${maxLoad} met every SLO; ${firstFailingLoad} failed one`;
  const bisected = bisect && maxLoad !== null && firstFailingLoad !== null && nextBisectLoad(maxLoad, firstFailingLoad, kind) === null;
  return { slo: [...slo], maxLoad, firstFailingLoad, bisected, detail };
}

/** Rates are bisected until the bracket is this share of its lower end (users: until it is 1 user). */
export const RATE_BISECT_SHARE = 0.1;

/** The next load to measure between a passing and a failing load, or null once the bracket is narrow enough. */
export function nextBisectLoad(passLoad: number, failLoad: number, kind: SweepKind): number | null {
  if (!(failLoad > passLoad)) return null;
  if (kind === 'users') return failLoad - passLoad <= 1 ? null : Math.floor((passLoad + failLoad) / 2);
  if (failLoad - passLoad <= RATE_BISECT_SHARE * passLoad) return null;
  return Math.round(((passLoad + failLoad) / 2) * 100) / 100;
}

/** At most this many bisection points (a bracket of 2^n users needs n). */
export function bisectStepsFor(passLoad: number, failLoad: number, kind: SweepKind): number {
  let steps = 0;
  let low = passLoad;
  for (let mid = nextBisectLoad(low, failLoad, kind); mid !== null; mid = nextBisectLoad(low, failLoad, kind)) {
    steps += 1;
    low = mid;
  }
  return steps;
}

/** The point with the most goodput (when SLOs are judged) or throughput; null with no point. */
export function bestPoint(points: readonly SweepPoint[]): { load: number; metric: 'goodput' | 'throughput'; value: number } | null {
  const withSlo = points.some((point) => point.goodput !== null);
  let best: { load: number; metric: 'goodput' | 'throughput'; value: number } | null = null;
  for (const point of points) {
    const value = withSlo ? (point.goodput ?? 0) : point.rps;
    if (best === null || value > best.value) best = { load: point.load, metric: withSlo ? 'goodput' : 'throughput', value };
  }
  return best;
}
