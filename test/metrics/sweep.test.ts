import { describe, expect, it } from 'vitest';
import type { SweepPoint } from '../../src/model/experiment.js';
import { fitsBudget, planSweepCost } from '../../src/metrics/sweep-budget.js';
import { findKnee, nextKneeProbe } from '../../src/metrics/sweep-knee.js';
import { nextRung, type LadderRules } from '../../src/metrics/sweep-ladder.js';
import { answerSlo, bestPoint, bisectStepsFor, nextBisectLoad } from '../../src/metrics/sweep-slo.js';

function point(load: number, rps: number, extra: Partial<SweepPoint> = {}): SweepPoint {
  return {
    load,
    source: 'ladder',
    rps,
    outputTokensPerSecond: rps * 10,
    ttftMs: { p50: 100, p95: 100, p99: 100 },
    e2eMs: { p50: 200, p95: 200, p99: 200 },
    requests: { ok: 100, failed: 0 },
    errorRate: 0,
    goodput: null,
    sloPassed: null,
    outDir: '',
    settleS: 1,
    durationS: 2,
    ...extra,
  };
}

const AUTO: LadderRules = { kind: 'users', given: null, start: 1, maxLoad: 64, minGainPct: 25, latencyFactor: 4, maxErrorRate: 0.1 };

describe('nextRung', () => {
  it.each<[string, SweepPoint[], Partial<LadderRules>, ReturnType<typeof nextRung>]>([
    ['starts at the start', [], {}, { next: 1 }],
    ['starts at the first given load', [], { given: [3, 6] }, { next: 3 }],
    ['doubles while throughput rises', [point(1, 10), point(2, 19)], {}, { next: 4 }],
    ['caps the last rung at the most allowed', [point(16, 10), point(32, 19)], { maxLoad: 48 }, { next: 48 }],
    ['stops at the most allowed', [point(24, 10), point(48, 19)], { maxLoad: 48 }, { stop: 'max-load', detail: 'reached the most users allowed (48) without saturating' }],
    ['stops when doubling gains < 25%', [point(4, 40), point(8, 49)], {}, { stop: 'throughput-flat', detail: 'throughput rose 22.5% from 4 to 8 while the load rose 100% (less than 25% of it)' }],
    ['a small step judged by its own rise', [point(10, 100), point(11, 103)], { given: [10, 11, 12] }, { next: 12 }],
    ['stops on errors beyond the limit', [point(1, 10), point(2, 18, { errorRate: 0.2 })], {}, { stop: 'errors', detail: '20% of the requests failed at 2 (limit 10%)' }],
    [
      'stops when p95 TTFT passes 4× the first',
      [point(1, 10), point(2, 19, { ttftMs: { p50: 300, p95: 401, p99: 500 } })],
      {},
      { stop: 'latency-exploded', detail: 'p95 latency 401 ms at 2 is over 4× the 100 ms at 1' },
    ],
    [
      'watches E2E when TTFT is not measured',
      [point(1, 10, { ttftMs: { p50: null, p95: null, p99: null } }), point(2, 19, { ttftMs: { p50: null, p95: null, p99: null }, e2eMs: { p50: 1, p95: 900, p99: 1 } })],
      {},
      { stop: 'latency-exploded', detail: 'p95 latency 900 ms at 2 is over 4× the 200 ms at 1' },
    ],
    ['stops after two SLO failures in a row', [point(1, 10, { sloPassed: false }), point(2, 19, { sloPassed: false })], {}, { stop: 'slo-failed', detail: 'the SLOs failed at 1 and again at 2' }],
    ['one SLO failure climbs on', [point(1, 10, { sloPassed: true }), point(2, 19, { sloPassed: false })], {}, { next: 4 }],
    ['walks a given ladder', [point(2, 10)], { given: [2, 3, 5] }, { next: 3 }],
    ['ends a given ladder', [point(2, 10), point(3, 15)], { given: [2, 3] }, { stop: 'ladder-done', detail: 'every given users value was measured' }],
    ['a given ladder stops early when saturated', [point(2, 10), point(3, 10)], { given: [2, 3, 5] }, { stop: 'throughput-flat', detail: 'throughput rose 0% from 2 to 3 while the load rose 50% (less than 25% of it)' }],
    ['rates double too', [point(0.5, 0.5)], { kind: 'rate', start: 0.5 }, { next: 1 }],
  ])('%s', (_name, points, rules, expected) => {
    expect(nextRung(points, { ...AUTO, ...rules })).toEqual(expected);
  });
});

describe('findKnee', () => {
  it.each<[string, SweepPoint[], number | null, string]>([
    ['a server of 4 slots: 1,2,4 scale, 8 does not', [point(1, 10), point(2, 20), point(4, 39), point(8, 40)], 4, 'from 4 to 8 each added unit gained 3%'],
    ['a linear ladder flattening after 6', [point(2, 20), point(4, 40), point(6, 59), point(8, 60), point(10, 60)], 6, 'from 6 to 8'],
    ['exactly half the gain still counts', [point(1, 10), point(2, 15), point(4, 20)], 2, 'from 2 to 4 each added unit gained 25%'],
    ['still scaling: no knee', [point(1, 10), point(2, 20)], null, 'still scaled at the last point (2)'],
    ['one point: no knee', [point(1, 10)], null, 'too few points'],
    ['bisection points are left out', [point(1, 10), point(2, 20), point(3, 20, { source: 'bisect' }), point(4, 40)], null, 'still scaled'],
  ])('%s', (_name, points, load, detail) => {
    const knee = findKnee(points);
    expect(knee.load).toBe(load);
    expect(knee.detail).toContain(detail);
    expect(knee.method).toMatch(/^marginal gain/);
  });
});

describe('nextKneeProbe', () => {
  it.each<[string, SweepPoint[], 'users' | 'rate', number | null]>([
    ['a server of 6 slots seen by a doubling ladder: probe 6 between 4 and the knee 8', [point(1, 10), point(2, 20), point(4, 40), point(8, 60), point(16, 60)], 'users', 6],
    [
      'once 6 is measured the knee is 6 and its gaps are narrow enough',
      [point(1, 10), point(2, 20), point(4, 40), point(8, 60), point(16, 60), point(6, 59, { source: 'knee' })],
      'users',
      null,
    ],
    ['the gap above is probed when the one below is narrow', [point(1, 10), point(2, 20), point(4, 22)], 'users', 3],
    ['no knee: nothing to narrow', [point(1, 10), point(2, 20)], 'users', null],
    ['rates: the gap below first', [point(1, 10), point(2, 20), point(4, 40), point(8, 45)], 'rate', 3],
    ['rates: midpoints to the cent', [point(1, 10), point(1.5, 15), point(2.45, 16)], 'rate', 1.98],
    ['SLO bisection points do not move the knee', [point(1, 10), point(2, 20), point(4, 40), point(8, 60), point(16, 60), point(6, 30, { source: 'bisect' })], 'users', 12],
  ])('%s', (_name, points, kind, expected) => {
    expect(nextKneeProbe(points, kind)).toBe(expected);
  });
});

describe('answerSlo and bisection', () => {
  it.each<[string, Array<[number, boolean]>, number | null, number | null]>([
    ['the last pass below the first failure', [[1, true], [2, true], [4, false], [8, false]], 2, 4],
    ['a pass above a failure is noise', [[1, true], [2, false], [4, true]], 1, 2],
    ['all pass', [[1, true], [2, true]], 2, null],
    ['the lightest fails', [[1, false], [2, false]], null, 1],
    ['order of measuring does not matter', [[4, false], [1, true], [3, true]], 3, 4],
  ])('%s', (_name, marks, maxLoad, firstFailing) => {
    const answer = answerSlo(marks.map(([load, passed]) => point(load, load, { sloPassed: passed })), ['ttft_p95<=100'], true, 'users');
    expect([answer.maxLoad, answer.firstFailingLoad]).toEqual([maxLoad, firstFailing]);
    // Narrow as bisection goes only when the bracket is 1 user wide.
    expect(answer.bisected).toBe(maxLoad !== null && firstFailing !== null && firstFailing - maxLoad === 1);
  });

  it.each<[number, number, 'users' | 'rate', number | null]>([
    [4, 8, 'users', 6],
    [6, 8, 'users', 7],
    [7, 8, 'users', null],
    [5, 4, 'users', null],
    [2, 4, 'rate', 3],
    [3.8, 4, 'rate', null],
  ])('bisect between %s and %s (%s): %s', (pass, fail, kind, expected) => {
    expect(nextBisectLoad(pass, fail, kind)).toBe(expected);
  });

  it('counts the bisection steps of a bracket', () => {
    expect(bisectStepsFor(4, 8, 'users')).toBe(2);
    expect(bisectStepsFor(32, 64, 'users')).toBe(5);
    expect(bisectStepsFor(7, 8, 'users')).toBe(0);
  });

  it('best goodput with SLOs, best throughput without', () => {
    expect(bestPoint([point(1, 10, { goodput: 10 }), point(2, 20, { goodput: 15 }), point(4, 30, { goodput: 5 })])).toEqual({ load: 2, metric: 'goodput', value: 15 });
    expect(bestPoint([point(1, 10), point(2, 20)])).toEqual({ load: 2, metric: 'throughput', value: 20 });
    expect(bestPoint([])).toBeNull();
  });
});

describe('the budget', () => {
  it('plans the worst case and says it in words', () => {
    const cost = planSweepCost({ kind: 'users', given: null, start: 1, maxLoad: 64, settleS: 2, durationS: 10, bisect: true, refineKnee: true, budgetS: 600 });
    expect(cost).toMatchObject({ pointS: 13, ladderPoints: 7, kneePoints: 2, bisectPoints: 5, plannedS: 182 });
    expect(cost.plan).toBe('up to 7 ladder points and 2 knee probes and 5 bisection points, 13 s each (2 s settle + 10 s measured + ~1 s to finish): at most 182 s, within the budget of 600 s');
    const tight = planSweepCost({ kind: 'users', given: [1, 2, 4, 8], start: 1, maxLoad: 64, settleS: 1, durationS: 2, bisect: false, refineKnee: false, budgetS: 10 });
    expect(tight).toMatchObject({ ladderPoints: 4, bisectPoints: 0, plannedS: 10 });
    expect(tight.plan).toContain('the budget of 10 s allows 2 points: the sweep stops when it runs out');
  });

  it.each<[number, number, number | null, boolean]>([
    [0, 4, 10, true],
    [6, 4, 10, true],
    [6.1, 4, 10, false],
    [1e6, 4, null, true],
  ])('spent %s + a point of %s within %s: %s', (spent, pointS, budget, fits) => {
    expect(fitsBudget(spent, pointS, budget)).toBe(fits);
  });
});
