import { describe, expect, it } from 'vitest';
import { gatewayFigures } from '../../src/metrics/gateway-figures.js';
import { roundInterval, t95 } from '../../src/metrics/t-interval.js';
import { compareTargets, failuresByLayer, targetWindow, windowOverlap } from '../../src/metrics/target-comparison.js';
import type { RequestRecord } from '../../src/model/record.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function record(atMs: number, fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    ts: new Date(T0 + atMs).toISOString(),
    phase: 'measure',
    user: 0,
    seq: 1,
    ok: true,
    status: 200,
    errorCategory: null,
    error: null,
    ttftMs: 100,
    ttfoMs: 100,
    e2eMs: 200,
    itlMs: 10,
    chunks: 10,
    inputTokens: 10,
    outputTokens: 10,
    reasoningTokens: 0,
    tokenSource: 'usage',
    queueMs: null,
    scenario: null,
    turn: null,
    ...fields,
  };
}

/** One request per 100 ms for 4 s, with a TTFT of `ttft(i)`. */
function steady(ttft: (i: number) => number, extra: (i: number) => Partial<RequestRecord> = () => ({})): RequestRecord[] {
  return Array.from({ length: 40 }, (_, i) => record(i * 100, { ttftMs: ttft(i), e2eMs: ttft(i) + 90, ...extra(i) }));
}

const target = (name: string, records: RequestRecord[], more: Partial<{ model: string; apiType: string; stream: boolean }> = {}) => ({
  name,
  records,
  model: 'm',
  apiType: 'openai-chat',
  stream: true,
  ...more,
});

describe('t95 and roundInterval', () => {
  it.each([
    [1, 12.706],
    [4, 2.776],
    [30, 2.042],
    [35, 2.021],
    [1000, 1.96],
  ])('t(0.975, %d) = %d', (df, t) => {
    expect(t95(df)).toBe(t);
  });

  it('mean ± t·s/√n of the differences, nulls left out', () => {
    // Differences 48, 50, 52, 50, null: mean 50, s = √(8/3), t(3) = 3.182.
    const interval = roundInterval([48, 50, 52, 50, null]);
    expect(interval?.rounds).toBe(4);
    expect(interval?.mean).toBe(50);
    expect(interval?.stdDev).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(interval?.halfWidth).toBeCloseTo((3.182 * Math.sqrt(8 / 3)) / 2, 12);
    expect(roundInterval([7])).toEqual({ rounds: 1, mean: 7, halfWidth: null, low: null, high: null, stdDev: null });
    expect(roundInterval([null])).toBeNull();
  });
});

describe('compareTargets', () => {
  it('a target 50 ms slower every time: +50 ms (+50%) in every round, an interval of 0, the same rates', () => {
    const summary = compareTargets([target('a', steady(() => 100)), target('b', steady(() => 150))], 'a', 4);
    expect(summary).toMatchObject({ baseline: 'a', rounds: 4, windowSeconds: 3.9, roundSeconds: 0.975, overlap: 0.988, notes: [] });
    // b's last answer ends 50 ms after a's: 4090 / 4140 ms of the union shared.
    const ttft = summary.rows.find((row) => row.metric === 'ttft_p50');
    expect(ttft?.cells[0]).toMatchObject({ target: 'a', value: 100, diff: 0, pct: 0, interval: null });
    expect(ttft?.cells[1]).toMatchObject({ target: 'b', value: 150, diff: 50, pct: 50, interval: { rounds: 4, mean: 50, halfWidth: 0, stdDev: 0 } });
    expect(ttft?.cells[1]?.perRound).toEqual([150, 150, 150, 150]);
    const rps = summary.rows.find((row) => row.metric === 'rps');
    expect(rps?.cells.map((cell) => cell.value)).toEqual([10.256, 10.256]);
    expect(rps?.cells[1]).toMatchObject({ diff: 0, pct: 0 });
    expect(summary.rows.map((row) => row.metric)).toEqual(['ttft_p50', 'ttft_p95', 'itl_p50', 'e2e_p95', 'output_tokens_per_s', 'rps', 'errors']);
  });

  it('errors: the count, and the per-round differences scaled to the run', () => {
    const failing = steady(() => 100, (i) => (i % 10 === 0 ? { ok: false, errorCategory: 'server_error', ttftMs: null } : {}));
    const errors = compareTargets([target('a', steady(() => 100)), target('b', failing)], 'a', 4).rows.find((row) => row.metric === 'errors');
    // 4 failures, one in each round (sends 0, 1000, 2000, 3000 ms): each round's difference of 1, × 4 rounds.
    expect(errors?.cells[1]).toMatchObject({ value: 4, diff: 4, pct: null, interval: { rounds: 4, mean: 4, halfWidth: 0 } });
  });

  it('says what is not fair: another model, another API, streaming or not, mostly failing, windows apart', () => {
    const late = steady(() => 100).map((r, i) => ({ ...r, ts: new Date(T0 + 10_000 + i * 100).toISOString() }));
    const failing = steady(() => 100, () => ({ ok: false, errorCategory: 'rate_limited', ttftMs: null }));
    const notes = compareTargets(
      [target('a', steady(() => 100)), target('b', late, { model: 'other', apiType: 'anthropic-messages', stream: false }), target('c', failing)],
      'a',
      2,
    ).notes;
    expect(notes).toEqual([
      'b asks for model "other", a for "m": the difference is the models\' as much as the paths\'',
      'b speaks anthropic-messages, a openai-chat: different APIs stream and count tokens differently',
      'b does not stream, a does: TTFT and ITL do not compare',
      'c failed 40 of 40 requests: its latencies describe the few that succeeded',
      "the targets' windows share only 0% of the run: they did not see the same moments of the upstream",
    ]);
  });

  it('windows and their overlap; failures by layer', () => {
    expect(targetWindow([record(0), record(1000, { e2eMs: 500 })])).toEqual({ startMs: T0, endMs: T0 + 1500 });
    expect(targetWindow([record(0, { phase: 'warmup' })])).toBeNull();
    expect(windowOverlap([{ startMs: 0, endMs: 100 }, { startMs: 10, endMs: 100 }])).toBe(0.9);
    expect(windowOverlap([{ startMs: 0, endMs: 100 }])).toBeNull();
    expect(
      failuresByLayer([
        record(0, { ok: false, errorCategory: 'server_error', failureLayer: 'gateway' }),
        record(0, { ok: false, errorCategory: 'server_error', failureLayer: 'upstream' }),
        record(0, { ok: false, errorCategory: 'server_error' }),
        record(0, { ok: false, errorCategory: 'incomplete' }),
        record(0),
      ]),
    ).toEqual({ gateway: 1, upstream: 1, unknown: 1 });
  });
});

describe('gatewayFigures', () => {
  it('durations from each header and Server-Timing, retries, cache, chosen options and request ids, exact', () => {
    const records = [
      record(0, { headers: { 'x-litellm-overhead-duration-ms': '2', 'server-timing': 'gw;dur=1, up;dur=9', 'x-portkey-retry-attempt-count': '2', 'x-portkey-cache-status': 'HIT', 'x-request-id': 'r1' } }),
      record(100, { headers: { 'x-litellm-overhead-duration-ms': '4', 'x-portkey-cache-status': 'MISS', 'x-portkey-last-used-option-index': '1', 'request-id': 'r2' } }),
      record(200, { headers: { 'x-litellm-overhead-duration-ms': 'n/a' } }),
      record(300),
    ];
    const figures = gatewayFigures(records);
    expect(figures).toMatchObject({ answersWithHeaders: 3, retries: 2, retriedAnswers: 1, cacheHits: 1, cacheStatus: { HIT: 1, MISS: 1 }, chosenOptions: { '1': 1 }, requestIds: 2, sampleRequestId: 'r1' });
    expect(figures?.durations).toEqual([
      { source: 'x-litellm-overhead-duration-ms', count: 2, meanMs: 3, p50Ms: 2, p95Ms: 4 },
      { source: 'server-timing:gw', count: 1, meanMs: 1, p50Ms: 1, p95Ms: 1 },
      { source: 'server-timing:up', count: 1, meanMs: 9, p50Ms: 9, p95Ms: 9 },
    ]);
    expect(figures?.headers['x-litellm-overhead-duration-ms']).toEqual({ count: 3, values: ['2', '4', 'n/a'] });
    expect(gatewayFigures([record(0)])).toBeNull();
  });
});
