import { describe, expect, it } from 'vitest';
import type { StepResult, Summary } from '../../src/model/summary.js';
import { compareRuns, renderComparison } from '../../src/report/compare.js';
import { compareSteps } from '../../src/report/compare-steps.js';
import { loadSmallRun } from './fixtures.js';

const STEP: StepResult = {
  step: 1,
  users: 2,
  sustain: false,
  startS: 1.4,
  endS: 3,
  settleS: 0.4,
  requests: { ok: 10, failed: 1 },
  rps: 6.25,
  outputTokensPerSecond: 18.75,
  ttft: { p50: 100, p95: 120, p99: 130 },
  itl: { p50: 10, p95: 11, p99: 12 },
  e2e: { p50: 1000, p95: 1300, p99: 1400 },
  errors: {},
  goodput: null,
};

describe('compare: per-step figures of two stepped runs', () => {
  const plain = loadSmallRun().summary;
  const base: Summary = { ...plain, steps: [STEP, { ...STEP, step: 2, users: 4, rps: 12 }] };
  const cand: Summary = { ...plain, steps: [{ ...STEP, rps: 6 }, { ...STEP, step: 2, users: 4, rps: 8, ttft: { p50: 300, p95: 450, p99: 500 } }] };

  it('pairs the steps by users and shows baseline → candidate, without gating', () => {
    expect(compareSteps(base, cand)).toEqual([
      { step: 1, users: 2, sustain: false, rps: [6.25, 6], outputTokensPerSecond: [18.75, 18.75], ttftP95Ms: [120, 120], e2eP95Ms: [1300, 1300], failed: [1, 1] },
      { step: 2, users: 4, sustain: false, rps: [12, 8], outputTokensPerSecond: [18.75, 18.75], ttftP95Ms: [120, 450], e2eP95Ms: [1300, 1300], failed: [1, 1] },
    ]);
    const comparison = compareRuns({ label: 'a', summary: base, records: null }, { label: 'b', summary: cand, records: null }, { regressPct: 10 });
    expect(comparison.steps).toHaveLength(2);
    const text = renderComparison(comparison);
    expect(text).toContain('Per step (baseline → candidate; shown for context, does not gate)');
    expect(text).toContain('gate)\n\nPer step (baseline');
    expect(text).toMatch(/\n2 +4 +12\.0 → 8\.00 +18\.8 → 18\.8 +120 → 450 +1300 → 1300 +1 → 1\n/);
  });

  it.each<[string, Summary, Summary, number | undefined]>([
    ['neither stepped: no section', plain, plain, undefined],
    ['one stepped: no section', base, plain, undefined],
    ['users differ from the first step: none paired', base, { ...plain, steps: [{ ...STEP, users: 3 }] }, 0],
    ['a shorter run pairs what both have', base, { ...plain, steps: [STEP] }, 1],
  ])('%s', (_name, a, b, paired) => {
    expect(compareSteps(a, b)?.length).toBe(paired);
    const comparison = compareRuns({ label: 'a', summary: a, records: null }, { label: 'b', summary: b, records: null }, { regressPct: 10 });
    expect('steps' in comparison).toBe(paired !== undefined);
  });
});
