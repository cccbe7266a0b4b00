import { describe, expect, it } from 'vitest';
import type { SloCheck } from '../../src/model/plan.js';
import { readRecords, summarizeRecords } from '../../src/metrics/from-records.js';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { RequestRecord } from '../../src/model/summary.js';
import { makeContext } from './context.js';
import { makeFailure, makeRecord } from './records.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** A 2-user run: 1 warmup request, then measured ones from t=1 s. */
const RECORDS: RequestRecord[] = [
  makeRecord({ ts: at(0), phase: 'warmup', user: 0, seq: 0, ttftMs: 900, e2eMs: 800 }),
  makeRecord({ ts: at(1000), user: 0, seq: 1, ttftMs: 100, e2eMs: 1500, outputTokens: 50, inputTokens: 10 }),
  makeRecord({ ts: at(1200), user: 1, seq: 0, ttftMs: 300, e2eMs: 1800, outputTokens: 70, inputTokens: 10, tokenSource: 'tokenizer' }),
  makeFailure('rate_limited', 429, 'slow down', { ts: at(2500), user: 0, seq: 2, e2eMs: 20 }),
  makeFailure('incomplete', null, 'run stopped', { ts: at(3000), user: 1, seq: 1 }),
];

function toJsonl(records: RequestRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n');
}

describe('readRecords', () => {
  it('reads every line and skips a truncated last line', () => {
    const text = `${toJsonl(RECORDS)}\n${JSON.stringify(makeRecord()).slice(0, 40)}`;
    const { records, skipped } = readRecords(text);
    expect(records).toHaveLength(5);
    expect(skipped).toBe(1);
    // Fields a record of an older version lacks are read as null.
    expect(records[1]).toEqual({ ...RECORDS[1], inputTokenSource: null, countedOutputTokens: null });
  });

  it.each([
    { name: 'blank lines', text: '\n\n  \n', records: 0, skipped: 0 },
    { name: 'not JSON', text: 'hello\n', records: 0, skipped: 1 },
    { name: 'JSON of another shape', text: '{"a":1}\n', records: 0, skipped: 1 },
    { name: 'a bad timestamp', text: `${JSON.stringify(makeRecord({ ts: 'yesterday' }))}\n`, records: 0, skipped: 1 },
    { name: 'missing optional fields, extra fields kept', text: '{"ts":"2026-03-01T10:00:00Z","phase":"measure","user":1,"seq":2,"ok":true,"ttftMs":5,"cachedInputTokens":3}\n', records: 1, skipped: 0 },
  ])('$name', ({ text, records, skipped }) => {
    const result = readRecords(text);
    expect(result.records).toHaveLength(records);
    expect(result.skipped).toBe(skipped);
  });

  it('fills missing nullable fields with null and keeps unknown ones', () => {
    const [record] = readRecords('{"ts":"2026-03-01T10:00:00Z","phase":"measure","user":1,"seq":2,"ok":true,"ttftMs":5,"cachedInputTokens":3}').records;
    expect(record).toMatchObject({ ttftMs: 5, e2eMs: null, tokenSource: null, chunks: 0, cachedInputTokens: 3 });
  });
});

describe('summarizeRecords', () => {
  it('re-computes the figures from records alone', () => {
    const { records } = readRecords(toJsonl(RECORDS));
    const summary = summarizeRecords(records, { ...makeContext(), startedAt: undefined, endedAt: undefined, generator: undefined } as never);
    expect(summary.requests).toEqual({ total: 4, ok: 2, failed: 1, incomplete: 1, successRate: 2 / 3 });
    // Window: first measured start (1.0 s) → last measured completion (1.2 + 1.8 = 3.0 s).
    expect(summary.measuredSeconds).toBe(2);
    expect(summary.measureStartS).toBe(1);
    expect(summary.rps).toBe(1);
    expect(summary.tokens).toMatchObject({ input: 20, output: 120, outputPerSecond: 60, source: 'mixed' });
    expect(summary.latency.ttft).toMatchObject({ count: 2, min: 100, max: 300 });
    expect(summary.latency.chunkGap.count).toBe(0);
    expect(summary.percentileMethod).toContain('no chunk gaps');
    expect(summary.errors.samples).toEqual({ rate_limited: 'slow down' });
    expect(summary.startedAt).toBe('2026-03-01T10:00:00.000Z');
    expect(summary.endedAt).toBe('2026-03-01T10:00:03.000Z');
    expect(summary.generator.verdict).toBe('ok');
    expect(summary.generator.reasons[0]).toContain('not measured');
    expect(summary.timeline.map((p) => [p.t, p.users, p.started, p.finished])).toEqual([
      [0, 1, 1, 1],
      [1, 2, 2, 0],
      [2, 2, 1, 2],
      [3, 1, 1, 1],
    ]);
  });

  it('agrees with the live summary of the same requests', () => {
    const checks: SloCheck[] = [{ raw: 'ttft_p95<=250', metric: 'ttft', stat: 'p95', op: '<=', limit: 250 }];
    const live = new Recorder({ runStartMs: T0, slo: checks });
    live.startMeasuring(T0 + 1000);
    for (const record of RECORDS) {
      const start = Date.parse(record.ts);
      live.recordStart(start, record.phase);
      live.recordRequest(record, start + (record.e2eMs ?? 0));
    }
    const context = makeContext({ slo: checks });
    const fromLive = summarize(live.snapshot(), context);
    const fromRecords = summarizeRecords(RECORDS, context);
    for (const key of ['requests', 'rps', 'tokens', 'latency', 'errors', 'goodput', 'thresholds', 'measuredSeconds'] as const) {
      expect(fromRecords[key]).toEqual(fromLive[key]);
    }
    expect(fromRecords.goodput).toBe(0.5);
  });

  it('keeps the live chunk-gap figures when given, and judges a chunk_gap SLO by them', () => {
    const checks: SloCheck[] = [{ raw: 'chunk_gap_p99<=50', metric: 'chunk_gap', stat: 'p99', op: '<=', limit: 50 }];
    const liveChunkGap = { count: 500, mean: 20, min: 1, p50: 18, p90: 30, p95: 35, p99: 45, p999: 60, max: 70 };
    const without = summarizeRecords(RECORDS, makeContext({ slo: checks, successThreshold: 0.5 }));
    expect(without.thresholds.checks[1]).toMatchObject({ passed: false, value: null });
    const withLive = summarizeRecords(RECORDS, { ...makeContext({ slo: checks, successThreshold: 0.5 }), liveChunkGap });
    expect(withLive.latency.chunkGap).toEqual(liveChunkGap);
    expect(withLive.thresholds).toMatchObject({ passed: true, checks: [{ passed: true }, { name: 'chunk_gap_p99<=50', value: 45, passed: true }] });
    expect(withLive.percentileMethod).toContain('chunk gaps as measured live');
  });

  it('summarizes an empty file as a failed run', () => {
    const summary = summarizeRecords([], makeContext());
    expect(summary.requests.total).toBe(0);
    expect(summary.thresholds.passed).toBe(false);
    expect(summary.timeline).toEqual([]);
  });
});
