import { describe, expect, it } from 'vitest';
import { percentilesOf, settleSecondsOf, stepsOfRun, summarizeSteps, type StepsContext } from '../../src/metrics/steps.js';
import { parseSlo } from '../../src/metrics/slo.js';
import { stepWindows } from '../../src/model/stepped.js';
import type { Summary } from '../../src/model/summary.js';
import { makeFailure, makeRecord } from './records.js';

const RUN_START_MS = Date.parse('2026-01-01T00:00:00.000Z');
/** Warmup of 1 s: the shape starts 1 s into the run. */
const SHAPE_START_MS = RUN_START_MS + 1000;
const at = (ms: number): string => new Date(SHAPE_START_MS + ms).toISOString();

const CONTEXT: StepsContext = {
  step: { startUsers: 1, increment: 1, maxUsers: 3, durationS: 10, sustainS: 0 },
  runStartMs: RUN_START_MS,
  shapeStartMs: SHAPE_START_MS,
  sendEndMs: null,
  slo: [],
};

describe('stepWindows', () => {
  it.each([
    // The platform's rule: the ramp's last step reaches max only in the sustain.
    [{ startUsers: 1, increment: 1, maxUsers: 3, durationS: 10, sustainS: 0 }, [[1, 1, 0, 10, false], [2, 2, 10, 20, false]]],
    [{ startUsers: 1, increment: 1, maxUsers: 3, durationS: 10, sustainS: 5 }, [[1, 1, 0, 10, false], [2, 2, 10, 20, false], [3, 3, 20, 25, true]]],
    [{ startUsers: 2, increment: 3, maxUsers: 7, durationS: 4, sustainS: 0 }, [[1, 2, 0, 4, false], [2, 5, 4, 8, false]]],
    [{ startUsers: 4, increment: 1, maxUsers: 4, durationS: 3, sustainS: 2 }, [[1, 4, 0, 3, false], [2, 4, 3, 5, true]]],
  ])('%j → %j', (step, expected) => {
    expect(stepWindows(step).map((w) => [w.index, w.users, w.fromS, w.toS, w.sustain])).toEqual(expected);
  });
});

describe('settleSecondsOf', () => {
  it.each([[1, 0.2], [5, 1], [10, 2], [60, 2]])('a step of %s s settles %s s', (durationS, settleS) => {
    expect(settleSecondsOf(durationS)).toBe(settleS);
  });
});

describe('percentilesOf', () => {
  it.each([
    [[], { p50: null, p95: null, p99: null }],
    [[7], { p50: 7, p95: 7, p99: 7 }],
    [[4, 1, 3, 2], { p50: 2, p95: 4, p99: 4 }],
    [[...Array.from({ length: 100 }, (_, i) => 100 - i), null], { p50: 50, p95: 95, p99: 99 }],
  ])('nearest rank of %j', (values, expected) => {
    expect(percentilesOf(values)).toEqual(expected);
  });
});

describe('summarizeSteps', () => {
  it('puts each request in the step it was sent in, after the settle time, with its figures', () => {
    const records = [
      makeRecord({ ts: at(1000), ttftMs: 999 }), // step 1, inside its 2 s settle: left out
      makeRecord({ ts: at(2000), ttftMs: 100, e2eMs: 1000, itlMs: 10, outputTokens: 40 }), // settle ends at 2 s: counted
      makeRecord({ ts: at(5000), ttftMs: 300, e2eMs: 3000, itlMs: 30, outputTokens: 40 }),
      makeFailure('rate_limited', 429, 'slow down', { ts: at(6000) }),
      makeRecord({ ts: at(9999), ttftMs: 200, e2eMs: 2000, itlMs: 20, outputTokens: 40 }),
      makeRecord({ ts: at(12_500), ttftMs: 500, e2eMs: 5000, itlMs: 50, outputTokens: 80, user: 1 }), // step 2
      makeRecord({ ts: at(19_999), ttftMs: 700, e2eMs: 7000, itlMs: 70, outputTokens: 80, user: 1 }),
      makeRecord({ ts: at(20_000), ttftMs: 1 }), // after the plan's end
      makeRecord({ ts: at(3000), phase: 'warmup', ttftMs: 1 }), // warmup is never a step's
    ];
    const [first, second, ...rest] = summarizeSteps(records, CONTEXT);
    expect(rest).toEqual([]);
    expect(first).toEqual({
      step: 1,
      users: 1,
      sustain: false,
      startS: 3,
      endS: 11,
      settleS: 2,
      requests: { ok: 3, failed: 1 },
      rps: 3 / 8,
      outputTokensPerSecond: 120 / 8,
      ttft: { p50: 200, p95: 300, p99: 300 },
      itl: { p50: 20, p95: 30, p99: 30 },
      e2e: { p50: 2000, p95: 3000, p99: 3000 },
      errors: { rate_limited: 1 },
      goodput: null,
    });
    expect(second).toMatchObject({ step: 2, users: 2, startS: 13, endS: 21, requests: { ok: 2, failed: 0 }, rps: 0.25, ttft: { p50: 500, p95: 700, p99: 700 } });
  });

  it('goodput counts the requests meeting every SLO (the chunk-gap one is not judged from records)', () => {
    const records = [
      makeRecord({ ts: at(3000), ttftMs: 100, e2eMs: 900 }),
      makeRecord({ ts: at(4000), ttftMs: 100, e2eMs: 1500 }),
      makeRecord({ ts: at(5000), ttftMs: 400, e2eMs: 900 }),
    ];
    const [first] = summarizeSteps(records, { ...CONTEXT, slo: parseSlo('ttft_p95<=200,e2e_p99<=1000,chunk_gap_max<=1') });
    expect(first?.goodput).toBe(1 / 8);
  });

  it('an early stop ends the step it fell in and drops the steps never reached', () => {
    const records = [makeRecord({ ts: at(3000) }), makeRecord({ ts: at(6500) })];
    const steps = summarizeSteps(records, { ...CONTEXT, sendEndMs: SHAPE_START_MS + 6000 });
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ startS: 3, endS: 7, requests: { ok: 1, failed: 0 }, rps: 0.25 });
    // A stop inside the settle time leaves nothing to count.
    expect(summarizeSteps(records, { ...CONTEXT, sendEndMs: SHAPE_START_MS + 1500 })).toEqual([]);
  });
});

describe('stepsOfRun', () => {
  const summary = {
    startedAt: new Date(RUN_START_MS).toISOString(),
    measureStartS: 1,
    measuredSeconds: 20,
    config: { loadMode: 'stepped', step: CONTEXT.step },
  } as unknown as Summary;

  it('times the steps from the run start and measurement start of the summary', () => {
    const steps = stepsOfRun(summary, [makeRecord({ ts: at(3000) }), makeRecord({ ts: at(15_000) })], []);
    expect(steps?.map((s) => [s.step, s.users, s.startS, s.endS, s.requests.ok])).toEqual([
      [1, 1, 3, 11, 1],
      [2, 2, 13, 21, 1],
    ]);
  });

  it.each([
    ['a fixed run', { loadMode: 'fixed', step: null }],
    ['an increment of 0 (would never end)', { loadMode: 'stepped', step: { ...CONTEXT.step, increment: 0 } }],
    ['max below start', { loadMode: 'stepped', step: { ...CONTEXT.step, maxUsers: 0 } }],
    ['a step of 0 s', { loadMode: 'stepped', step: { ...CONTEXT.step, durationS: 0 } }],
    ['a billion steps', { loadMode: 'stepped', step: { ...CONTEXT.step, maxUsers: 1e9 } }],
  ])('has no steps for %s', (_, config) => {
    expect(stepsOfRun({ ...summary, config } as unknown as Summary, [], [])).toBeUndefined();
  });
});
