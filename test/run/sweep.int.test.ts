import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { buildRunPlan, startMockServer, type MockServer } from '../../src/index.js';
import { readRecords } from '../../src/metrics/from-records.js';
import type { SweepSummary } from '../../src/model/experiment.js';
import { runSweep, type SweepEvent } from '../../src/run/sweep.js';
import { readPageCharts } from '../helpers/page-charts.js';

/**
 * Sweeps against the mock with a slot limit N: up to N users nobody queues and throughput grows with each
 * user; past N requests wait for a slot, throughput stays at N / service time and TTFT grows by the wait.
 */
let mock: MockServer | null = null;

afterEach(async () => {
  await mock?.close();
  mock = null;
});

async function planFor(server: MockServer, extra: Record<string, string> = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'sweep-')), 'sweep');
  return buildRunPlan({ local: true, url: `${server.url}/v1/chat/completions`, model: 'mock-model', out, ...extra }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
}

describe('sweep', () => {
  test('a chosen ladder doubles from 1 user, stops by itself once throughput is flat, and finds the knee at N = 4', async () => {
    const N = 4;
    mock = await startMockServer({ maxConcurrent: N, ttftMs: 40, itlMs: 8, outputTokens: 8 });
    const plan = await planFor(mock);
    const events: SweepEvent['type'][] = [];
    const { summary, outDir } = await runSweep({ plan, cwd: process.cwd(), kind: 'users', settleS: 0.5, pointDurationS: 1.5, budgetS: 60, onEvent: (e) => events.push(e.type) }).done;

    expect(summary.points.map((p) => p.load)).toEqual([1, 2, 4, 8]);
    expect(summary.stop.reason).toBe('throughput-flat');
    expect(summary.knee.load).not.toBeNull();
    // Within 25% of N.
    expect(Math.abs((summary.knee.load as number) - N) / N).toBeLessThanOrEqual(0.25);
    expect(summary.knee.method).toContain('marginal gain');
    expect(summary.best).toMatchObject({ metric: 'throughput' });
    expect(summary.answer).toBeNull();
    expect(events[0]).toBe('precheck-start');
    expect(events.filter((e) => e === 'point')).toHaveLength(4);
    expect(events.at(-1)).toBe('done');
    // The cost: planned up front, spent at the end, within the budget.
    expect(summary.budget.plan).toMatch(/^up to 9 ladder points, 3 s each/);
    expect(summary.budget.spentS).toBeGreaterThan(4 * 2);
    expect(summary.budget.spentS).toBeLessThanOrEqual(60);

    // Each point's run folder holds its records; the point's figures are its measured window's.
    for (const point of summary.points) {
      const { records } = readRecords(readFileSync(join(point.outDir, 'results.jsonl'), 'utf8'));
      const measured = records.filter((r) => r.phase === 'measure' && r.ok);
      expect(measured.length).toBe(point.requests.ok);
      expect(records.some((r) => r.phase === 'warmup')).toBe(true);
    }
    const onDisk = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as SweepSummary;
    expect(onDisk.knee).toEqual(summary.knee);
    const csv = readFileSync(join(outDir, 'sweep.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^load,source,rps,/);
    // report.html: the charts' data are the points' own figures, lightest first, the knee marked at its load.
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    const charts = readPageCharts(html);
    expect(charts.map((c) => c.id)).toEqual(['sweep-rps', 'sweep-tokens', 'sweep-ttft', 'sweep-e2e']);
    const sorted = [...summary.points].sort((a, b) => a.load - b.load);
    for (const chart of charts) {
      expect(chart.x).toEqual(sorted.map((p) => p.load));
      expect(chart.marks).toEqual([{ x: summary.knee.load, label: `knee: ${summary.knee.load} users` }]);
    }
    expect(charts[0]?.series).toEqual([{ label: 'successful req/s', values: sorted.map((p) => p.rps) }]);
    expect(charts[1]?.series).toEqual([{ label: 'output tokens/s', values: sorted.map((p) => p.outputTokensPerSecond) }]);
    expect(charts[2]?.series[1]).toEqual({ label: 'TTFT p95', values: sorted.map((p) => p.ttftMs.p95) });
    expect(charts[3]?.series[1]).toEqual({ label: 'E2E p95', values: sorted.map((p) => p.e2eMs.p95) });
    expect(html).toContain(`data-key="sweep.knee" data-value="${summary.knee.load}"`);
  }, 60_000);

  test('with --slo ttft_p95 it answers the largest user count meeting it, as the queueing maths says, narrowed by bisection', async () => {
    // N = 2 slots, service S = TTFT + 9 gaps = 30 + 9 × 30 = 300 ms. Users ≤ N never wait: TTFT ≈ 30 ms.
    // Beyond N a request waits for a slot: about (ceil(users / N) − 1) × S in an open queue; in a closed loop
    // the (N+1)-th user's request finds the other slot part-way through, so it waits between S/2 and S.
    // With the lower bound, users = N + 1 already has p95 TTFT ≥ 30 + 150 = 180 ms > 100.
    const N = 2;
    const TTFT = 30;
    const S = TTFT + 9 * 30;
    const LIMIT = 100;
    const waitAtLeastMs = (users: number): number => (Math.ceil(users / N) - 1) * (S / 2);
    const expected = Array.from({ length: 8 }, (_, i) => i + 1).filter((users) => TTFT + waitAtLeastMs(users) <= LIMIT).at(-1);
    expect(expected).toBe(N);
    mock = await startMockServer({ maxConcurrent: N, ttftMs: TTFT, itlMs: 30, outputTokens: 10 });
    const plan = await planFor(mock, { slo: `ttft_p95<=${LIMIT}` });
    const { summary } = await runSweep({ plan, cwd: process.cwd(), kind: 'users', maxLoad: 4, settleS: 0.5, pointDurationS: 1.5, bisect: true, budgetS: 60 }).done;

    // The knee (2: throughput is flat from 2 to 4) is probed at 3, which also narrows the SLO bracket to 1 user.
    const seen = JSON.stringify(summary.points.map((p) => [p.load, p.source, p.rps, p.ttftMs.p95]));
    expect(summary.points.map((p) => [p.load, p.source, p.sloPassed]), seen).toEqual([
      [1, 'ladder', true],
      [2, 'ladder', true],
      [4, 'ladder', false],
      [3, 'knee', false],
    ]);
    expect(summary.knee.load).toBe(N);
    // 4 users: p95 TTFT ≈ 330 ms, over 5× the 30 ms at 1 user, unless a busy machine slowed the first point.
    expect(['latency-exploded', 'max-load']).toContain(summary.stop.reason);
    expect(summary.answer).toMatchObject({ slo: [`ttft_p95<=${LIMIT}`], maxLoad: expected, firstFailingLoad: 3, bisected: true });
    expect(summary.best?.metric).toBe('goodput');
    // The failing point's TTFT holds the queue wait: at least S/2, about S at most (2 S: timers fire late on a busy machine).
    const at3 = summary.points.find((p) => p.load === 3)?.ttftMs.p95 as number;
    expect(at3).toBeGreaterThanOrEqual(TTFT + waitAtLeastMs(3) - 10);
    expect(at3).toBeLessThanOrEqual(TTFT + 2 * S);
  }, 60_000);

  test('--bisect narrows the knee a doubling ladder cannot resolve: a server of 6 slots, knee within 25% of 6', async () => {
    const N = 6;
    mock = await startMockServer({ maxConcurrent: N, ttftMs: 40, itlMs: 8, outputTokens: 8 });
    const plan = await planFor(mock);
    const { summary } = await runSweep({ plan, cwd: process.cwd(), kind: 'users', maxLoad: 16, settleS: 0.5, pointDurationS: 1.5, bisect: true, budgetS: 90 }).done;
    const ladder = summary.points.filter((p) => p.source === 'ladder').map((p) => p.load);
    expect(ladder).toEqual([1, 2, 4, 8, 16].slice(0, ladder.length));
    expect(ladder.at(-1)).toBeGreaterThanOrEqual(8);
    expect(summary.points.filter((p) => p.source === 'knee').length).toBeGreaterThanOrEqual(1);
    expect(summary.knee.load).not.toBeNull();
    const seen = JSON.stringify(summary.points.map((p) => [p.load, p.source, p.rps, p.ttftMs.p95]));
    expect(Math.abs((summary.knee.load as number) - N) / N, `${summary.knee.detail} ${seen}`).toBeLessThanOrEqual(0.25);
    expect(summary.budget.plan).toContain('2 knee probes');
  }, 90_000);

  test('a budget too small for the next point stops the ladder and says so', async () => {
    mock = await startMockServer({ ttftMs: 5, outputTokens: 2 });
    const plan = await planFor(mock, { skipPrecheck: 'true' });
    const { summary, outDir } = await runSweep({ plan: { ...plan, skipPrecheck: true }, cwd: process.cwd(), kind: 'rate', given: [5, 10, 20], settleS: 0.2, pointDurationS: 1, budgetS: 3 }).done;
    expect(summary.points.map((p) => p.load)).toEqual([5]);
    expect(summary.stop.reason).toBe('budget');
    expect(summary.stop.detail).toMatch(/no room for another point of 2\.2 s/);
    expect(summary.budget.plan).toContain('the budget of 3 s allows 1 points');
    expect(existsSync(join(outDir, 'points'))).toBe(true);
  }, 30_000);

  test('a budget below one point is refused before any network; a stop ends the point under way and the sweep', async () => {
    mock = await startMockServer({ ttftMs: 5, outputTokens: 2 });
    const server = mock;
    const plan = await planFor(server);
    await expect(runSweep({ plan, cwd: process.cwd(), kind: 'users', settleS: 1, pointDurationS: 5, budgetS: 3 }).done).rejects.toMatchObject({
      code: 'INVALID_FLAG_VALUE',
      message: '--budget 3 s is less than one point of the sweep (7 s: 1 s settle + 5 s measured + ~1 s)',
    });
    expect(server.records).toHaveLength(0);

    const run = runSweep({
      plan,
      cwd: process.cwd(),
      kind: 'users',
      settleS: 0.2,
      pointDurationS: 30,
      onEvent: (event) => {
        // Stop once the first point has answered measured requests: 60 answers after its start are well past
        // its 0.2 s settle (a request here takes ~10 ms; a busy machine answers fewer within the settle).
        if (event.type === 'point-start') {
          const before = server.records.length;
          const timer = setInterval(() => {
            if (server.records.length >= before + 60) {
              clearInterval(timer);
              run.stop();
            }
          }, 20);
        }
      },
    });
    const { summary, outDir } = await run.done;
    expect(summary.stop.reason).toBe('interrupted');
    expect(summary.points).toHaveLength(1);
    expect(summary.points[0]?.requests.ok).toBeGreaterThan(0);
    expect(existsSync(join(outDir, 'summary.json'))).toBe(true);
  }, 30_000);
});
