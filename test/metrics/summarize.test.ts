import { describe, expect, it } from 'vitest';
import type { SloCheck } from '../../src/model/plan.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { INPUT_ESTIMATE_NOTE, isDerivedNote, summarize } from '../../src/metrics/summarize.js';
import { evaluateThresholds } from '../../src/metrics/thresholds.js';
import type { LatencyStats } from '../../src/model/summary.js';
import { makeContext } from './context.js';
import { makeFailure, makeRecord } from './records.js';

function slo(raw: string, metric: SloCheck['metric'], stat: SloCheck['stat'], op: SloCheck['op'], limit: number): SloCheck {
  return { raw, metric, stat, op, limit };
}

/** 10 s measured window after 2 s of warmup: 18 ok (TTFT 100..270 ms), 2 failed, 1 incomplete. */
function recordRun(checks: SloCheck[] = []): Recorder {
  const recorder = new Recorder({ runStartMs: 0, slo: checks });
  recorder.setUsers(4, 0);
  recorder.recordRequest(makeRecord({ phase: 'warmup', outputTokens: 5000 }), 1500);
  recorder.startMeasuring(2000);
  for (let i = 0; i < 18; i++) {
    recorder.recordStart(2000 + i * 500, 'measure');
    recorder.recordRequest(
      makeRecord({ ttftMs: 100 + i * 10, e2eMs: 1000 + i * 10, outputTokens: 100, inputTokens: 50, tokenSource: i === 0 ? 'tokenizer' : 'usage' }),
      3000 + i * 500,
    );
  }
  recorder.recordRequest(makeFailure('server_error', 500, 'Internal error'), 5000);
  recorder.recordRequest(makeFailure('timeout', null, 'no bytes for 30 s'), 12_000);
  recorder.recordRequest(makeFailure('incomplete', null, 'stopped'), 13_000);
  return recorder;
}

describe('summarize', () => {
  it('computes run figures over the measured window', () => {
    const summary = summarize(recordRun().snapshot(), makeContext());
    expect(summary.measuredSeconds).toBe(10);
    expect(summary.measureStartS).toBe(2);
    expect(summary.requests).toEqual({ total: 21, ok: 18, failed: 2, incomplete: 1, successRate: 0.9 });
    expect(summary.rps).toBe(1.8);
    expect(summary.tokens).toEqual({
      input: 900,
      output: 1800,
      outputPerSecond: 180,
      totalPerSecond: 270,
      source: 'mixed',
      inputSource: 'none',
      reconciliation: null,
    });
    expect(summary.latency.ttft).toMatchObject({ count: 18, min: 100, max: 270, mean: 185 });
    expect(summary.latency.queue).toBeUndefined();
    expect(summary.errors.byCategory).toEqual({ server_error: 1, timeout: 1 });
    expect(summary.goodput).toBeNull();
    expect(summary.thresholds).toEqual({
      passed: true,
      checks: [{ name: 'success_rate', value: 0.9, limit: 0.9, op: '>=', passed: true, result: 'passed' }],
    });
    expect(summary.generator.verdict).toBe('ok');
    expect(summary.percentileMethod).toContain('HDR histogram');
    expect(summary.timeline).toHaveLength(13);
    expect(summary.timeline[3]).toMatchObject({ t: 3, users: 4, finished: 2 });
    // Per-second medians come from 2-significant-digit histograms: within 1%. TTFT counts in the second
    // the request was sent: 2980 ms (TTFT 120) is second 2; 3470 and 3960 ms (130, 140) second 3.
    expect([130, 140].some((v) => Math.abs((summary.timeline[3]?.ttftP50 ?? 0) - v) <= 1.5)).toBe(true);
    expect(summary.tool).toBe('llm-loadtest');
    expect(summary.mode).toBe('local');
  });

  it('fails the success threshold below it, and counts goodput against every SLO', () => {
    const checks = [slo('ttft_p95<=200', 'ttft', 'p95', '<=', 200), slo('e2e_p50<2000', 'e2e', 'p50', '<', 2000)];
    const summary = summarize(recordRun(checks).snapshot(), makeContext({ successThreshold: 0.95, slo: checks }));
    // TTFT 100..200 ms: 11 of the 18 successful requests meet ttft<=200 (and all meet e2e<2000): 11 / 10 s.
    expect(summary.goodput).toBe(1.1);
    expect(summary.thresholds.passed).toBe(false);
    expect(summary.thresholds.checks.map((c) => [c.name, c.passed])).toEqual([
      ['success_rate', false],
      ['ttft_p95<=200', false],
      ['e2e_p50<2000', true],
    ]);
    expect(summary.thresholds.checks[1]?.value).toBe(270);
  });

  it('fails a run where no measured request finished, with a clear note', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.startMeasuring(0);
    recorder.recordRequest(makeFailure('incomplete', null, 'stopped'), 500);
    const summary = summarize(recorder.snapshot(), makeContext());
    expect(summary.measuredSeconds).toBe(0);
    expect(summary.rps).toBe(0);
    expect(summary.requests.successRate).toBeNull();
    expect(summary.thresholds.passed).toBe(false);
    expect(summary.thresholds.checks[0]).toMatchObject({ name: 'success_rate', value: null, passed: false });
    expect(summary.thresholds.checks[0]?.note).toContain('no measured request finished');
    expect(summary.tokens.source).toBe('none');
  });

  it('re-judges generator health with the recorder’s counts', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.setUsers(500, 0);
    for (let i = 0; i < 10; i++) recorder.recordRequest(makeRecord(), 100);
    recorder.recordRequest(makeFailure('generator', null, 'EMFILE'), 100);
    const generator = { ...makeContext().generator, openFileLimit: 256, reasons: ['a note from the caller'] };
    const summary = summarize(recorder.snapshot(), makeContext({ generator }));
    expect(summary.generator.verdict).toBe('invalid');
    expect(summary.generator.generatorErrors).toBe(1);
    expect(summary.generator.reasons[0]).toBe('a note from the caller');
    expect(summary.generator.reasons.join('\n')).toContain('open-file limit 256 is below 500 users + 64');
    expect(summary.generator.reasons.join('\n')).toContain('1 generator-side error (9.1% of requests)');
  });

  it.each([
    { name: 'one thread', config: {}, threads: undefined, verdict: 'degraded' },
    { name: 'workers: 2 in config', config: { workers: 2 }, threads: undefined, verdict: 'ok' },
    { name: 'threads: 2 in context', config: {}, threads: 2, verdict: 'ok' },
  ])('judges process CPU 170% per thread: $name → $verdict', ({ config, threads, verdict }) => {
    const generator = { ...makeContext().generator, cpuPct: 170 };
    const context = makeContext({ generator, config, ...(threads === undefined ? {} : { threads }) });
    expect(summarize(new Recorder({ runStartMs: 0 }).snapshot(), context).generator.verdict).toBe(verdict);
  });

  it('reports open-loop queue and E2E from the schedule', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.recordRequest(makeRecord({ queueMs: 30, e2eMs: 1000 }), 1000);
    const summary = summarize(recorder.snapshot(), makeContext());
    expect(summary.latency.queue).toMatchObject({ count: 1, max: 30 });
    expect(summary.latency.e2eFromSchedule).toMatchObject({ count: 1, max: 1030 });
  });
});

const EMPTY: LatencyStats = { count: 0, mean: null, min: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null };
const TTFT: LatencyStats = { count: 100, mean: 500, min: 100, p50: 450, p90: 900, p95: 1000, p99: 1900, p999: 2000, max: 2000 };

describe('evaluateThresholds', () => {
  it.each([
    { name: 'p95 at the limit with <=', check: slo('ttft_p95<=1000', 'ttft', 'p95', '<=', 1000), passed: true },
    { name: 'p95 at the limit with <', check: slo('ttft_p95<1000', 'ttft', 'p95', '<', 1000), passed: false },
    { name: 'p99 over', check: slo('ttft_p99<=1500', 'ttft', 'p99', '<=', 1500), passed: false },
    { name: 'max under', check: slo('ttft_max<=2000', 'ttft', 'max', '<=', 2000), passed: true },
    { name: 'no chunk gaps', check: slo('chunk_gap_p99<=100', 'chunk_gap', 'p99', '<=', 100), passed: false },
  ])('$name → $passed', ({ check, passed }) => {
    const result = evaluateThresholds({
      ok: 100,
      failed: 0,
      successThreshold: 0.9,
      slo: [check],
      latency: { ttft: TTFT, ttfo: TTFT, itl: EMPTY, e2e: TTFT, chunkGap: EMPTY },
    });
    expect(result.checks[1]?.passed).toBe(passed);
    expect(result.passed).toBe(passed);
    if (check.metric === 'chunk_gap') expect(result.checks[1]?.note).toContain('results.jsonl');
  });

  it.each([
    { ok: 89, failed: 11, threshold: 0.9, passed: false },
    { ok: 90, failed: 10, threshold: 0.9, passed: true },
    { ok: 0, failed: 5, threshold: 0, passed: true },
  ])('success rate $ok/$failed vs $threshold → $passed', ({ ok, failed, threshold, passed }) => {
    const result = evaluateThresholds({ ok, failed, successThreshold: threshold, slo: [], latency: { ttft: EMPTY, ttfo: EMPTY, itl: EMPTY, e2e: EMPTY, chunkGap: EMPTY } });
    expect(result.passed).toBe(passed);
  });
});

describe('summarize: windows, rates, what was not measured, how the run ended', () => {
  it('ends the window at the end of sending: the drain counts its requests, not its time', () => {
    const recorder = recordRun();
    // Sending stopped 8 s into measurement; the last completion (12 s) is in the drain.
    recorder.stopSending(10_000);
    const summary = summarize(recorder.snapshot(), makeContext({ config: { rate: 2 } }));
    expect(summary.measuredSeconds).toBe(8);
    expect(summary.drainSeconds).toBe(2);
    expect(summary.rps).toBe(2.25);
    // 18 sends recorded by recordStart (the failures and the incomplete one had none here).
    expect(summary.rates).toEqual({ offered: 2, sent: 2.25, completed: 2.5, ok: 2.25 });
    expect(summary.verdict).toBe('passed');
  });

  it('a non-streaming run: TTFT, TTFO, ITL and chunk gaps not measured, an SLO on them not checked', () => {
    const checks = [slo('itl_p95<=1', 'itl', 'p95', '<=', 1), slo('e2e_p99<=30000', 'e2e', 'p99', '<=', 30_000)];
    const recorder = new Recorder({ runStartMs: 0, slo: checks });
    recorder.startMeasuring(0);
    for (let i = 0; i < 5; i++) recorder.recordRequest(makeRecord({ ttftMs: null, ttfoMs: null, itlMs: null, e2eMs: 500 }), 1000 + i);
    const target = { ...makeContext().target, stream: false };
    const summary = summarize(recorder.snapshot(), makeContext({ target, slo: checks }));
    for (const key of ['ttft', 'ttfo', 'itl', 'chunkGap'] as const) {
      expect(summary.latency[key]).toMatchObject({ count: 0, p95: null, notMeasured: expect.stringContaining('did not stream') });
    }
    expect(summary.latency.e2e.notMeasured).toBeUndefined();
    expect(summary.thresholds.checks.map((c) => [c.name, c.result, c.passed])).toEqual([
      ['success_rate', 'passed', true],
      ['itl_p95<=1', 'not_checked', false],
      ['e2e_p99<=30000', 'passed', true],
    ]);
    expect(summary.thresholds.passed).toBe(true);
    expect(summary.notes).toContain(`SLO itl_p95<=1 ${summary.thresholds.checks[1]?.note}`);
  });

  it('an interrupted run: verdict, stop and the first note say so, whatever the checks', () => {
    const stop = { reason: 'interrupted' as const, atS: 6.5, at: '2026-01-01T00:00:06.500Z', detail: 'interrupted by SIGINT (Ctrl-C)' };
    const summary = summarize(recordRun().snapshot(), makeContext({ stop, notes: ['3 scheduled arrivals were still queued'] }));
    expect(summary.thresholds.passed).toBe(true);
    expect(summary.verdict).toBe('interrupted');
    expect(summary.stop).toEqual(stop);
    expect(summary.notes?.slice(0, 2)).toEqual([
      'interrupted: interrupted by SIGINT (Ctrl-C); the figures cover the part of the run before it',
      '3 scheduled arrivals were still queued',
    ]);
  });
});

describe('isDerivedNote: the notes summarize re-makes from the figures, apart from the caller\'s own', () => {
  it.each([
    ['interrupted: interrupted by SIGINT (Ctrl-C); the figures cover the part of the run before it', true],
    [`${INPUT_ESTIMATE_NOTE} (6 of 6 successful requests)`, true],
    ['usage drift +50% beyond the ±20% tolerance: the server\'s usage says 180', true],
    ['27 requests failed at the transport level (no HTTP answer: DNS, refused, reset or TLS)', true],
    ['SLO itl_p95<=1 not checked: not measured (no streaming)', true],
    ['3 scheduled arrivals were still queued at the stop (every user was busy) and never sent', false],
  ])('%s → %s', (note, derived) => {
    expect(isDerivedNote(note)).toBe(derived);
  });
});
