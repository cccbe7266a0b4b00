import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRunPlan, runLocal, startMockServer, type MockServer } from '../../src/index.js';
import { readRecords } from '../../src/metrics/from-records.js';
import { recomputeSummary } from '../../src/report/load-run.js';
import type { RequestRecord } from '../../src/model/summary.js';

/**
 * A stepped run 1 → 3 users (2 s steps, a 2 s sustain) against a mock that answers one request at a time:
 * each added user waits for the others' answers, so TTFT rises step by step.
 */
const TTFT_MS = 100;
const SLO_TTFT_MS = 250;
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ maxConcurrent: 1, ttftMs: TTFT_MS, itlMs: 10, outputTokens: 3 });
});
afterAll(async () => {
  await mock.close();
});

/** Nearest rank, written apart from the code under test. */
function nearestRank(values: number[], p: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.ceil(p * sorted.length) - 1] as number;
}

describe('per-step results of a stepped run', () => {
  test('each step: the plan’s users, and figures equal to those of the records sent in it after the settle time', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'steps-')), 'run');
    const plan = await buildRunPlan(
      {
        local: true,
        url: `${mock.url}/v1/chat/completions`,
        model: 'mock-model',
        loadMode: 'stepped',
        stepStartUsers: '1',
        stepIncrement: '1',
        stepDuration: '2',
        stepMaxUsers: '3',
        stepSustain: '2',
        warmup: '1',
        slo: `ttft_p95<=${SLO_TTFT_MS}`,
        out,
      },
      { env: {}, cwd: process.cwd(), readStdin: async () => '' },
    );
    const { summary } = await runLocal({ plan: { ...plan, skipPrecheck: true }, cwd: process.cwd(), tickMs: null }).done;
    const steps = summary.steps ?? [];
    expect(steps.map((s) => [s.step, s.users, s.sustain, s.settleS])).toEqual([
      [1, 1, false, 0.4],
      [2, 2, false, 0.4],
      [3, 3, true, 0.4],
    ]);
    // Steps start at the end of warmup, every 2 s, and count from 0.4 s in.
    const measureStartS = summary.measureStartS as number;
    steps.forEach((s, i) => {
      expect(s.startS).toBeCloseTo(measureStartS + i * 2 + 0.4, 2);
      expect(s.endS).toBeCloseTo(Math.min(measureStartS + (i + 1) * 2, measureStartS + summary.measuredSeconds), 2);
    });

    const records = readRecords(readFileSync(join(out, 'results.jsonl'), 'utf8')).records;
    const runStartMs = Date.parse(summary.startedAt);
    for (const s of steps) {
      const inStep = records.filter((r) => {
        const atS = (Date.parse(r.ts) - runStartMs) / 1000;
        return r.phase === 'measure' && atS >= s.startS && atS < s.endS;
      });
      const ok = inStep.filter((r) => r.ok);
      // Every user of the step sent in it, and no other.
      expect(new Set(inStep.map((r) => r.user)).size).toBe(s.users);
      expect(Math.max(...inStep.map((r) => r.user))).toBe(s.users - 1);
      expect(s.requests).toEqual({ ok: ok.length, failed: inStep.length - ok.length });
      expect(ok.length).toBeGreaterThan(2);
      const values = (key: 'ttftMs' | 'itlMs' | 'e2eMs'): number[] => ok.map((r: RequestRecord) => r[key] as number);
      for (const [metric, key] of [['ttft', 'ttftMs'], ['itl', 'itlMs'], ['e2e', 'e2eMs']] as const) {
        for (const p of [0.5, 0.95, 0.99] as const) {
          const stat = p === 0.5 ? 'p50' : p === 0.95 ? 'p95' : 'p99';
          expect(s[metric][stat]).toBeCloseTo(nearestRank(values(key), p) as number, 2);
        }
      }
      const spanS = s.endS - s.startS;
      expect(s.rps).toBeCloseTo(ok.length / spanS, 1);
      expect(s.outputTokensPerSecond).toBeCloseTo((ok.length * 3) / spanS, 0);
      expect(s.goodput).toBeCloseTo(ok.filter((r) => (r.ttftMs as number) <= SLO_TTFT_MS).length / spanS, 1);
      expect(s.errors).toEqual({});
    }
    // One slot: each added user waits for the others' answers, so TTFT rises with every step.
    const p50s = steps.map((s) => s.ttft.p50 as number);
    expect(p50s[0]).toBeGreaterThanOrEqual(TTFT_MS - 1);
    expect(p50s[1]).toBeGreaterThan(p50s[0] as number);
    expect(p50s[2]).toBeGreaterThan(p50s[1] as number);
    expect(mock.stats().queued).toBeGreaterThan(0);

    // summary.json carries them, and `report` re-computes the same from results.jsonl.
    const written = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as typeof summary;
    expect(written.steps).toEqual(steps);
    expect(recomputeSummary(records, written).steps).toEqual(steps);
    // report.csv has a `step` row per step; report.html a table.
    const csv = readFileSync(join(out, 'report.csv'), 'utf8');
    expect(csv.split('\r\n').filter((line) => line.startsWith('step,') && line.includes(',ttft_ms,'))).toHaveLength(3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Per step');
  }, 60_000);
});
