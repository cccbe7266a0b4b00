/**
 * The ladder of a sweep (docs/experiments.md "Sweep"): which load to measure next, and when to stop
 * climbing. Pure: it sees the points measured so far and the rules, nothing else.
 */
import type { SweepKind, SweepPoint, SweepStopReason } from '../model/experiment.js';

export interface LadderRules {
  kind: SweepKind;
  /** The loads to measure, in order (`--users 1,2,4,8`, `--rates 1,2,4`); null: start low and double. */
  given: readonly number[] | null;
  /** The first load of a chosen ladder. */
  start: number;
  /** A chosen ladder never goes above this (its last rung is this when doubling would pass it). */
  maxLoad: number;
  /**
   * Saturated when throughput rose less than this percentage of the load's own rise from the previous
   * point (25: doubling the users must add at least 25% throughput). Relative to the load's rise, so a
   * ladder of small steps is judged as fairly as a doubling one.
   */
  minGainPct: number;
  /** The p95 TTFT (E2E when TTFT is not measured) beyond this many times the first point's: latency exploded. */
  latencyFactor: number;
  /** The share of failed requests (0..1) beyond which the server is past its limit. */
  maxErrorRate: number;
}

export type LadderStep = { next: number } | { stop: SweepStopReason; detail: string };

/** The next load of the ladder given its points so far (in the order measured), or why it stops. */
export function nextRung(points: readonly SweepPoint[], rules: LadderRules): LadderStep {
  const last = points.at(-1);
  if (last === undefined) return { next: rules.given?.[0] ?? rules.start };
  const saturated = judgeSaturation(points, rules);
  if (saturated !== null) return saturated;
  if (rules.given !== null) {
    const next = rules.given[points.length];
    return next === undefined ? { stop: 'ladder-done', detail: `every given ${unitOf(rules.kind)} value was measured` } : { next };
  }
  if (last.load >= rules.maxLoad) return { stop: 'max-load', detail: `reached the most ${unitOf(rules.kind)} allowed (${rules.maxLoad}) without saturating` };
  return { next: Math.min(last.load * 2, rules.maxLoad) };
}

/** Why the server is past its limit at the last point, or null while it still scales. */
export function judgeSaturation(points: readonly SweepPoint[], rules: LadderRules): LadderStep | null {
  const last = points.at(-1);
  const first = points[0];
  if (last === undefined || first === undefined) return null;
  if (last.errorRate > rules.maxErrorRate) {
    return { stop: 'errors', detail: `${pct(last.errorRate)} of the requests failed at ${last.load} (limit ${pct(rules.maxErrorRate)})` };
  }
  const baseMs = latencyOf(first);
  const lastMs = latencyOf(last);
  if (points.length > 1 && baseMs !== null && lastMs !== null && baseMs > 0 && lastMs > rules.latencyFactor * baseMs) {
    return { stop: 'latency-exploded', detail: `p95 latency ${round(lastMs)} ms at ${last.load} is over ${rules.latencyFactor}× the ${round(baseMs)} ms at ${first.load}` };
  }
  const previous = points.at(-2);
  if (previous !== undefined && previous.sloPassed === false && last.sloPassed === false) {
    return { stop: 'slo-failed', detail: `the SLOs failed at ${previous.load} and again at ${last.load}` };
  }
  if (previous !== undefined && previous.rps > 0 && last.load > previous.load) {
    const gainPct = ((last.rps - previous.rps) / previous.rps) * 100;
    const loadRisePct = ((last.load - previous.load) / previous.load) * 100;
    if (gainPct < (rules.minGainPct / 100) * loadRisePct) {
      return {
        stop: 'throughput-flat',
        detail: `throughput rose ${round(gainPct)}% from ${previous.load} to ${last.load} while the load rose ${round(loadRisePct)}% (less than ${rules.minGainPct}% of it)`,
      };
    }
  }
  return null;
}

/** The latency the ladder watches: p95 TTFT, or p95 E2E when the run measured no TTFT (no streaming). */
export function latencyOf(point: SweepPoint): number | null {
  return point.ttftMs.p95 ?? point.e2eMs.p95;
}

export function unitOf(kind: SweepKind): string {
  return kind === 'users' ? 'users' : 'rate';
}

function pct(share: number): string {
  return `${round(share * 100)}%`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
