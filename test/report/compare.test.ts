import { describe, expect, it } from 'vitest';
import { compareRuns, renderComparison, type CompareInput } from '../../src/report/compare.js';
import { makeSyntheticRun, type SyntheticRunOptions } from './synthetic-run.js';

const STEADY: SyntheticRunOptions = { requests: 600, seed: 1, rate: 20, ttftMedianMs: 200, e2eMedianMs: 2000, sigma: 0.25 };

function input(label: string, o: SyntheticRunOptions, withRecords = true): CompareInput {
  const run = makeSyntheticRun(o);
  return { label, summary: run.summary, records: withRecords ? run.records : null };
}

describe('compareRuns', () => {
  it('passes identical runs, every change 0', () => {
    const a = input('a', STEADY);
    const c = compareRuns(a, a, { regressPct: 10 });
    expect(c.regressed).toBe(false);
    expect(c.noiseAssessed).toBe(true);
    for (const m of c.metrics.filter((x) => x.changePct !== null)) {
      expect(m.changePct).toBe(0);
      expect(m.status).toBe('ok');
    }
  });

  it('says whose figures a several-targets run brings: its baseline target\'s', () => {
    const plain = input('one', STEADY);
    const several = input('gw-vs-direct', STEADY);
    several.summary = { ...several.summary, comparison: { baseline: 'direct', rounds: 5, overlap: 1, rows: [], notes: [] } as unknown as NonNullable<CompareInput['summary']['comparison']> };
    const c = compareRuns(plain, several, { regressPct: 10 });
    expect(c.notes.filter((note) => note.includes('several targets'))).toEqual([
      "gw-vs-direct is a run of several targets: its figures are its baseline direct's; compare its folders targets/<name> for one target against another run",
    ]);
    expect(compareRuns(plain, plain, { regressPct: 10 }).notes.some((note) => note.includes('several targets'))).toBe(false);
  });

  it('fails a 30% slower candidate on throughput and tail latency, beyond the noise', () => {
    const slower = { ...STEADY, seed: 2, rate: STEADY.rate / 1.3, ttftMedianMs: 260, e2eMedianMs: 2600 };
    const c = compareRuns(input('base', STEADY), input('slow', slower), { regressPct: 10 });
    expect(c.regressed).toBe(true);
    const status = Object.fromEntries(c.metrics.map((m) => [m.key, m.status]));
    expect(status).toMatchObject({
      rps: 'regression',
      'tokens.outputPerSecond': 'regression',
      'latency.ttft.p95': 'regression',
      'latency.e2e.p95': 'regression',
      'latency.e2e.p99': 'regression',
      'latency.e2e.p50': 'worse',
    });
    const e2eP95 = c.metrics.find((m) => m.key === 'latency.e2e.p95');
    expect(e2eP95?.changePct).toBeGreaterThan(20);
    expect(e2eP95?.changeInterval?.[0]).toBeGreaterThan(0);
    expect(renderComparison(c)).toContain('REGRESSION: Requests/s (successful), Output tokens/s');
  });

  it('passes a tail change the records cannot tell from chance, with a note', () => {
    // Two small samples of one noisy server: their p99s differ by chance.
    const noisy = { ...STEADY, requests: 40, rate: 8, sigma: 0.7 };
    const c = compareRuns(input('a', { ...noisy, seed: 11 }), input('b', { ...noisy, seed: 12 }), { regressPct: 10 });
    expect(c.regressed).toBe(false);
    const noted = c.metrics.filter((m) => m.status === 'within_noise');
    expect(noted.length).toBeGreaterThan(0);
    for (const m of noted) {
      expect(Math.abs(m.changePct ?? 0)).toBeGreaterThan(10);
      expect(m.changeInterval?.[0]).toBeLessThan(0);
      expect(m.changeInterval?.[1]).toBeGreaterThan(0);
    }
    expect(renderComparison(c)).toContain('within the run-to-run spread');
  });

  it('is deterministic for a seed', () => {
    const noisy = { ...STEADY, requests: 40, rate: 8, sigma: 0.7 };
    const run = (): unknown => compareRuns(input('a', { ...noisy, seed: 11 }), input('b', { ...noisy, seed: 12 }), { regressPct: 10 }).metrics;
    expect(run()).toEqual(run());
  });

  it('without records compares with the threshold only, and says so', () => {
    const noisy = { ...STEADY, requests: 40, rate: 8, sigma: 0.7 };
    const c = compareRuns(input('a', { ...noisy, seed: 11 }, false), input('b', { ...noisy, seed: 12 }, false), { regressPct: 10 });
    expect(c.noiseAssessed).toBe(false);
    expect(c.metrics.every((m) => m.changeInterval === null)).toBe(true);
    expect(c.notes[0]).toContain('noise could not be assessed');
    // The same coin-flip that passed with records fails on the bare threshold.
    expect(c.regressed).toBe(true);
  });

  it('says when the runs are not like for like', () => {
    const a = input('a', STEADY);
    const b = { ...a, label: 'b', summary: { ...a.summary, config: { ...a.summary.config, concurrentUsers: 99 } } };
    expect(compareRuns(a, b, { regressPct: 10 }).notes.join('\n')).toContain('the runs differ in users (--concurrent-users) (4 vs 99)');
  });
});

describe('compareRuns: differences in units and different targets', () => {
  it('gives each change in the metric’s unit (ms) beside the percentage, and the table shows it', () => {
    const a = input('a', STEADY);
    const ttft = a.summary.latency.ttft;
    const b = { ...a, label: 'b', summary: { ...a.summary, latency: { ...a.summary.latency, ttft: { ...ttft, p50: (ttft.p50 ?? 0) + 50 } } } };
    const c = compareRuns(a, b, { regressPct: 10 });
    const p50 = c.metrics.find((m) => m.key === 'latency.ttft.p50');
    expect(p50?.change).toBe(50);
    expect(p50?.changePct).toBeCloseTo((50 / (ttft.p50 ?? 1)) * 100, 6);
    expect(renderComparison(c)).toMatch(/TTFT p50 \(ms\)\s+\S+\s+\S+\s+\+50\.0 ms\s+\+/);
    expect(c.differentTargets).toBe(false);
    expect(c.notes.join('\n')).not.toContain('different URLs');
  });

  it('says when the two runs targeted different URLs', () => {
    const a = input('a', STEADY);
    const b = { ...a, label: 'b', summary: { ...a.summary, target: { ...a.summary.target, url: 'http://127.0.0.1:4000/v1/chat/completions' } } };
    const c = compareRuns(a, b, { regressPct: 10 });
    expect(c.differentTargets).toBe(true);
    expect(c.notes).toContain(
      `the runs targeted different URLs (${a.summary.target.url} vs http://127.0.0.1:4000/v1/chat/completions): the changes compare two endpoints measured at different times, not one endpoint over time; run them together with --target to see the same moments`,
    );
  });
});
