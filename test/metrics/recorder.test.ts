import { describe, expect, it } from 'vitest';
import { statsOfEncoded } from '../../src/metrics/histogram.js';
import { medianOfEncoded } from '../../src/metrics/log-buckets.js';
import { Recorder, meetsSlo, mergeSnapshots } from '../../src/metrics/recorder.js';
import type { SloCheck } from '../../src/model/plan.js';
import { makeFailure, makeRecord } from './records.js';

const RUN_START = 10_000;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

function slo(raw: string, metric: SloCheck['metric'], op: SloCheck['op'], limit: number): SloCheck {
  return { raw, metric, stat: 'p95', op, limit };
}

describe('Recorder', () => {
  it('counts measured requests only: warmup excluded, failed excluded from latency, incomplete apart', () => {
    const recorder = new Recorder({ runStartMs: RUN_START });
    recorder.recordStart(RUN_START + 10, 'warmup');
    recorder.recordRequest(makeRecord({ phase: 'warmup', ttftMs: 9999, outputTokens: 1000 }), RUN_START + 500);
    recorder.startMeasuring(RUN_START + 2000);
    for (let i = 0; i < 4; i++) recorder.recordStart(RUN_START + 2000 + i, 'measure');
    recorder.recordRequest(makeRecord({ ttftMs: 100, e2eMs: 1000 }), RUN_START + 3000);
    recorder.recordRequest(makeRecord({ ttftMs: 300, e2eMs: 2000, outputTokens: 9, inputTokens: 5 }), RUN_START + 4500);
    recorder.recordRequest(makeFailure('rate_limited', 429, 'Rate limit reached for gpt-4o'), RUN_START + 4000);
    recorder.recordRequest(makeFailure('incomplete', null, 'run stopped'), RUN_START + 6000);
    const s = recorder.snapshot();
    expect(s.requests).toEqual({ started: 4, ok: 2, failed: 1, incomplete: 1 });
    expect(s.measureStartMs).toBe(2000);
    // The incomplete one does not extend the window.
    expect(s.lastMeasuredEndMs).toBe(4500);
    expect(s.tokens).toMatchObject({ input: 25, output: 100, reasoning: 0, usageRequests: 2, tokenizerRequests: 0 });
    expect(statsOfEncoded(s.latency.ttft)).toMatchObject({ count: 2, min: 100, max: 300, mean: 200 });
    expect(statsOfEncoded(s.latency.e2e)).toMatchObject({ count: 2, min: 1000, max: 2000 });
    expect(s.errors).toEqual({
      byCategory: { rate_limited: 1 },
      byStatus: { '429': 1 },
      samples: { rate_limited: 'Rate limit reached for gpt-4o' },
    });
    expect(statsOfEncoded(s.latency.queue).count).toBe(0);
  });

  it('keeps the first sample per category, counts statuses and generator errors apart', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.recordRequest(makeFailure('server_error', 500, 'first 500'), 100);
    recorder.recordRequest(makeFailure('server_error', 502, 'second 502'), 200);
    recorder.recordRequest(makeFailure('generator', null, 'EMFILE: too many open files'), 300);
    recorder.recordRequest(makeFailure('timeout', null, null), 400);
    recorder.recordRequest(makeFailure(null, 418, null), 500);
    const s = recorder.snapshot();
    expect(s.requests.failed).toBe(5);
    expect(s.generatorErrors).toBe(1);
    expect(s.errors.byCategory).toEqual({ server_error: 2, generator: 1, timeout: 1, unknown: 1 });
    expect(s.errors.byStatus).toEqual({ '500': 1, '502': 1, '418': 1 });
    expect(s.errors.samples).toEqual({
      server_error: 'first 500',
      generator: 'EMFILE: too many open files',
      timeout: 'timeout',
      unknown: 'HTTP 418',
    });
  });

  it('records chunk gaps, open-loop queue and E2E from the schedule', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    const gaps = new Float64Array(8);
    gaps.set([5, 15, 10, 999]);
    recorder.recordChunkGaps(gaps, 3);
    recorder.recordRequest(makeRecord({ queueMs: 50, e2eMs: 1000 }), 1000);
    const s = recorder.snapshot();
    expect(statsOfEncoded(s.latency.chunkGap)).toMatchObject({ count: 3, min: 5, max: 15, mean: 10 });
    expect(statsOfEncoded(s.latency.queue)).toMatchObject({ count: 1, max: 50 });
    expect(statsOfEncoded(s.latency.e2eFromSchedule)).toMatchObject({ count: 1, max: 1050 });
  });

  it.each([
    { name: 'usage only', sources: ['usage', 'usage'] as const, usage: 2, tokenizer: 0 },
    { name: 'both', sources: ['usage', 'tokenizer'] as const, usage: 1, tokenizer: 1 },
    { name: 'tokenizer only', sources: ['tokenizer'] as const, usage: 0, tokenizer: 1 },
  ])('counts token sources: $name', ({ sources, usage, tokenizer }) => {
    const recorder = new Recorder({ runStartMs: 0 });
    for (const tokenSource of sources) recorder.recordRequest(makeRecord({ tokenSource }), 100);
    expect(recorder.snapshot().tokens).toMatchObject({ usageRequests: usage, tokenizerRequests: tokenizer });
  });

  it('counts good requests against every SLO, chunk_gap by the request’s largest gap', () => {
    const checks = [slo('ttft_p95<=200', 'ttft', '<=', 200), slo('chunk_gap_p99<50', 'chunk_gap', '<', 50)];
    const recorder = new Recorder({ runStartMs: 0, slo: checks });
    const gaps = new Float64Array([10, 60]);
    recorder.recordChunkGaps(gaps, 1);
    recorder.recordRequest(makeRecord({ ttftMs: 200 }), 100); // good: 200 <= 200, gap 10 < 50
    recorder.recordChunkGaps(gaps, 2);
    recorder.recordRequest(makeRecord({ ttftMs: 100 }), 100); // gap 60: not good
    recorder.recordRequest(makeRecord({ ttftMs: 201 }), 100); // ttft: not good
    recorder.recordRequest(makeRecord({ ttftMs: 150 }), 100); // no gaps recorded: good
    recorder.recordRequest(makeFailure('timeout', null, 'idle'), 100); // failed: never good
    const s = recorder.snapshot();
    expect(s.goodRequests).toBe(2);
    expect(s.sloChecks).toBe(2);
  });

  it.each([
    { value: 100, op: '<' as const, limit: 100, good: false },
    { value: 100, op: '<=' as const, limit: 100, good: true },
    { value: null, op: '<' as const, limit: 1, good: true },
  ])('meetsSlo itl $value $op $limit → $good', ({ value, op, limit, good }) => {
    expect(meetsSlo([slo('itl', 'itl', op, limit)], makeRecord({ itlMs: value }), 0)).toBe(good);
  });

  it('builds a dense per-second timeline with users carried forward and per-second medians', () => {
    const recorder = new Recorder({ runStartMs: 1000 });
    recorder.setUsers(2, 1000);
    recorder.recordStart(1100, 'warmup');
    recorder.recordStart(1200, 'measure');
    recorder.recordRequest(makeRecord({ phase: 'warmup', ttftMs: 40, e2eMs: 400, outputTokens: 7 }), 1900);
    recorder.setUsers(4, 3500);
    recorder.recordRequest(makeRecord({ ttftMs: 100, e2eMs: 3000, outputTokens: 5 }), 4200);
    recorder.recordRequest(makeFailure('server_error', 500, 'boom'), 4300);
    recorder.recordRequest(makeFailure('incomplete', null, 'stopped'), 4400);
    const timeline = recorder.snapshot().timeline;
    // The measured request ran 1200 → 4200 ms, its 5 tokens from 1300 on: spread over 2.9 s of span.
    expect(timeline.map((p) => [p.t, p.users, p.started, p.finished, p.failed, p.outputTokens])).toEqual([
      [0, 2, 2, 1, 0, 7 + round3((5 * 700) / 2900)],
      [1, 2, 0, 0, 0, round3((5 * 1000) / 2900)],
      [2, 4, 0, 0, 0, round3((5 * 1000) / 2900)],
      [3, 4, 0, 2, 1, round3((5 * 200) / 2900)],
    ]);
    // TTFT in the second the request was sent, E2E in the second it ended.
    const median = medianOfEncoded(timeline[0]!.ttft) ?? 0;
    expect([40, 100].some((v) => Math.abs(median - v) <= v * 0.01)).toBe(true);
    expect(medianOfEncoded(timeline[3]!.e2e)).toBe(3000);
    expect(timeline[1]!.ttft).toBeNull();
  });

  it('spreads a request’s tokens over its first-to-last-token span, and they add up', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.recordRequest(makeRecord({ ttftMs: 500, e2eMs: 4500, outputTokens: 400 }), 5000, 500);
    // Tokens arrive from 1000 to 5000 ms: 100 per second.
    expect(recorder.snapshot().timeline.map((p) => p.outputTokens)).toEqual([0, 100, 100, 100, 100, 0]);
    const single = new Recorder({ runStartMs: 0 });
    single.recordRequest(makeRecord({ ttftMs: null, e2eMs: 300, outputTokens: 9 }), 1500, 1200);
    expect(single.snapshot().timeline.map((p) => p.outputTokens)).toEqual([0, 9]);
  });

  it('ends the window when sending stops, counts backoffs, and keeps the worst usage drift', () => {
    const recorder = new Recorder({ runStartMs: 1000 });
    recorder.stopSending(21_000);
    recorder.stopSending(25_000);
    recorder.recordBackoff(80);
    recorder.recordBackoff(150);
    for (let seq = 1; seq <= 8; seq += 1) {
      recorder.recordRequest(makeRecord({ seq, outputTokens: 10 + seq, countedOutputTokens: 10 }), 2000);
    }
    recorder.recordRequest(makeRecord({ seq: 9, outputTokens: 10, countedOutputTokens: 10 }), 2000);
    // A tokenizer count is never reconciled against itself.
    recorder.recordRequest(makeRecord({ seq: 10, tokenSource: 'tokenizer', outputTokens: 99, countedOutputTokens: 10 }), 2000);
    const snapshot = recorder.snapshot();
    expect(snapshot.sendEndMs).toBe(20_000);
    expect(snapshot.backoff).toEqual({ count: 2, waitMs: 230 });
    expect(snapshot.tokens).toMatchObject({ reconciled: 9, reconciledUsage: 10 * 9 + 36, reconciledCounted: 90 });
    expect(snapshot.tokens.worstDrift?.map((w) => [w.seq, w.driftPct])).toEqual([
      [8, 80],
      [7, 70],
      [6, 60],
      [5, 50],
      [4, 40],
    ]);
    const merged = mergeSnapshots([snapshot, JSON.parse(JSON.stringify(snapshot))]);
    expect(merged.sendEndMs).toBe(20_000);
    expect(merged.backoff).toEqual({ count: 4, waitMs: 460 });
    expect(merged.tokens.worstDrift?.map((w) => w.seq)).toEqual([8, 8, 7, 7, 6]);
  });

  it('merges timelines of different lengths, carrying a shorter one’s last user count', () => {
    const long = new Recorder({ runStartMs: 0 });
    long.setUsers(3, 0);
    long.recordRequest(makeRecord(), 2500);
    const short = new Recorder({ runStartMs: 0 });
    short.setUsers(2, 0);
    short.recordRequest(makeRecord(), 100);
    const merged = mergeSnapshots([long.snapshot(), short.snapshot()]);
    expect(merged.timeline.map((p) => [p.t, p.users, p.finished])).toEqual([
      [0, 5, 1],
      [1, 5, 0],
      [2, 5, 1],
    ]);
    expect(merged.lastMeasuredEndMs).toBe(2500);
    expect(mergeSnapshots([]).timeline).toEqual([]);
  });

  it('merging snapshots equals recording everything in one recorder', () => {
    const whole = new Recorder({ runStartMs: 0 });
    const parts = [new Recorder({ runStartMs: 0 }), new Recorder({ runStartMs: 0 })];
    whole.setUsers(4, 0);
    parts[0]!.setUsers(2, 0);
    parts[1]!.setUsers(2, 0);
    for (const r of [whole, ...parts]) r.startMeasuring(500);
    for (let i = 0; i < 40; i++) {
      const part = parts[i % 2]!;
      const record = i % 7 === 0 ? makeFailure('server_error', 503, `e${i}`) : makeRecord({ ttftMs: 50 + i, e2eMs: 500 + 10 * i });
      const endMs = 600 + i * 100;
      for (const r of [whole, part]) {
        r.recordStart(endMs - 50, 'measure');
        r.recordRequest(record, endMs);
      }
    }
    const merged = mergeSnapshots(parts.map((p) => JSON.parse(JSON.stringify(p.snapshot()))));
    const single = whole.snapshot();
    expect(merged.requests).toEqual(single.requests);
    expect(merged.tokens).toEqual(single.tokens);
    expect(merged.errors.byCategory).toEqual(single.errors.byCategory);
    expect(merged.measureStartMs).toBe(500);
    expect(merged.lastMeasuredEndMs).toBe(single.lastMeasuredEndMs);
    expect(merged.maxUsers).toBe(4);
    expect(statsOfEncoded(merged.latency.ttft)).toEqual(statsOfEncoded(single.latency.ttft));
    expect(statsOfEncoded(merged.latency.e2e)).toEqual(statsOfEncoded(single.latency.e2e));
    // Tokens spread over seconds are kept to 3 decimals, so a sum of rounded parts may differ in the last.
    const strip = (t: typeof single.timeline) =>
      t.map((p) => ({ ...p, outputTokens: Math.round(p.outputTokens * 100) / 100, ttft: medianOfEncoded(p.ttft), e2e: medianOfEncoded(p.e2e) }));
    expect(strip(merged.timeline)).toEqual(strip(single.timeline));
  });
});
