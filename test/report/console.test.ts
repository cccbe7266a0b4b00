import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { Recorder } from '../../src/metrics/recorder.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { SloCheck } from '../../src/model/plan.js';
import type { Summary } from '../../src/model/summary.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { makeContext } from '../metrics/context.js';
import { makeFailure, makeRecord } from '../metrics/records.js';

const SLO: SloCheck[] = [{ raw: 'ttft_p95<=150', metric: 'ttft', stat: 'p95', op: '<=', limit: 150 }];

function makeSummary(): Summary {
  const recorder = new Recorder({ runStartMs: 0, slo: SLO });
  recorder.setUsers(8, 0);
  recorder.startMeasuring(5000);
  for (let i = 0; i < 95; i++) {
    recorder.recordRequest(makeRecord({ ttftMs: 100 + i, e2eMs: 2000 + i * 10, outputTokens: 100, inputTokens: 30 }), 6000 + i * 100);
  }
  for (let i = 0; i < 4; i++) recorder.recordRequest(makeFailure('rate_limited', 429, 'Rate limit reached for\n requests'), 7000);
  recorder.recordRequest(makeFailure('server_error', 500, 'upstream exploded'), 8000);
  recorder.recordRequest(makeFailure('incomplete', null, 'stopped'), 16_000);
  return summarize(recorder.snapshot(), makeContext({
    slo: SLO,
    config: { concurrentUsers: 8, durationS: 10, warmupS: 5, loadMode: 'fixed', rate: null, workers: 1 },
    generator: { eventLoopDelayP99Ms: 38, maxMs: 60, cpuPct: 70, openFileLimit: 20000, generatorErrors: 0, verdict: 'ok', reasons: [] },
  }));
}

describe('renderConsoleReport', () => {
  const summary = makeSummary();
  const text = renderConsoleReport(summary, { outDir: '/tmp/run-1' });
  const lines = text.split('\n');
  const line = (start: string): string => lines.find((l) => l.startsWith(start)) ?? `(no line starting "${start}")`;

  it('heads with the masked target, model, API and load', () => {
    expect(lines[0]).toMatch(/^llm-loadtest \S+ · local run · 2026-01-01T00:00:00.000Z → /);
    expect(line('Target')).toBe('Target      http://127.0.0.1:8000/v1/chat/completions');
    expect(line('Model')).toBe('Model       gpt-4o-mini · openai-chat · streaming');
    expect(line('Load')).toBe('Load        8 users (closed loop) · 10 s + 5 s warmup');
  });

  it('masks a target key that reached the summary unmasked, and keeps a masked one as it is', () => {
    const bare = { ...summary, target: { ...summary.target, url: 'https://api.example.test/v1/chat/completions?api_key=sk-live-1234567890abcd' } };
    expect(renderConsoleReport(bare, {})).not.toContain('sk-live-1234567890abcd');
    const masked = { ...summary, target: { ...summary.target, url: 'https://api.example.test/v1/chat/completions?api_key=sk-…abcd' } };
    expect(renderConsoleReport(masked, {})).toContain('api_key=sk-…abcd');
  });

  it('counts requests and throughput', () => {
    expect(line('Finished')).toBe('Finished    95 ok · 5 failed · 1 incomplete (in flight at the stop)');
    expect(line('Success')).toBe('Success     95.0%');
    expect(line('Window')).toBe('Window      10.4 s measured (after 5.0 s of warmup, not counted)');
    expect(line('Requests ')).toBe('Requests    9.14 req/s successful');
    expect(line('Goodput')).toBe('Goodput     4.90 req/s meeting every SLO');
    expect(line('Tokens')).toBe('Tokens      2,850 in · 9,500 out · counts from the server’s usage');
  });

  it('aligns a percentile table in ms with every metric row', () => {
    const header = lines.find((l) => l.trim().startsWith('mean'));
    expect(header?.trim().split(/\s+/)).toEqual(['mean', 'p50', 'p90', 'p95', 'p99', 'max', 'count']);
    expect(line('TTFT').split(/\s+/)).toEqual(['TTFT', '147.0', '147.1', '185.1', '190.1', '194.0', '194.0', '95']);
    expect(line('E2E ').split(/\s+/).slice(-1)).toEqual(['95']);
    expect(line('Chunk gap').split(/\s+/).slice(2)).toEqual(['-', '-', '-', '-', '-', '-', '0']);
    expect(line('TTFT').length).toBe(header?.length);
    expect(text).toContain('vLLM TPOT, AIPerf ITL');
    expect(text).toContain('Percentiles: HDR histogram');
    expect(text).not.toContain('Queue');
  });

  it('lists errors by category with a one-line sample, and statuses', () => {
    expect(lines.find((l) => l.includes('rate_limited'))).toBe('  rate_limited       4  "Rate limit reached for requests"');
    expect(lines.find((l) => l.includes('server_error'))).toBe('  server_error       1  "upstream exploded"');
    expect(line('  by status')).toBe('  by status: 429 ×4, 500 ×1');
  });

  it('marks each threshold and says the run failed', () => {
    expect(text).toContain('Thresholds: FAILED');
    expect(lines.find((l) => l.includes('success_rate'))).toBe('  ✓ success_rate           95.0% >= 90.0%');
    expect(lines.find((l) => l.includes('ttft_p95<=150'))).toBe('  ✗ ttft_p95<=150          190.1 ms <= 150.0 ms');
  });

  it('gives the generator verdict with its reasons, and the files', () => {
    expect(text).toContain('Generator: degraded');
    expect(text).toContain('  - event loop p99 delay 38 ms: TTFT figures may be inflated by up to that much; use --workers or fewer users');
    expect(text).toContain('event loop p99 38.0 ms · max 60.0 ms · CPU 70% · open files 20,000 · generator errors 0');
    const files = lines.slice(lines.indexOf('Files:') + 1);
    expect(files).toEqual(['  /tmp/run-1/summary.json', '  /tmp/run-1/results.jsonl', '  /tmp/run-1/report.html', '  /tmp/run-1/report.csv', '  /tmp/run-1/metrics.prom']);
  });

  it('shows event-loop utilization when measured', () => {
    const busy = renderConsoleReport({ ...summary, generator: { ...summary.generator, eventLoopUtilization: 0.42 } }, {});
    expect(busy).toContain('CPU 70% · loop busy 42% · open files 20,000');
  });

  it('shows an open loop\'s schedule lag when measured', () => {
    const paced = renderConsoleReport({ ...summary, generator: { ...summary.generator, scheduleLagP99Ms: 0.417, scheduleLagMaxMs: 3.2 } }, {});
    expect(paced).toContain('CPU 70% · schedule lag p99 0.42 ms, max 3.20 ms · open files 20,000');
    const none = renderConsoleReport({ ...summary, generator: { ...summary.generator, scheduleLagP99Ms: null, scheduleLagMaxMs: null } }, {});
    expect(none).toContain('CPU 70% · schedule lag p99 n/a, max n/a · open files 20,000');
    expect(text).not.toContain('schedule lag');
  });

  it('colours only when asked', () => {
    expect(text).not.toContain('\u001b[');
    const coloured = renderConsoleReport(summary, { style: new Chalk({ level: 1 }) });
    expect(coloured).toContain('\u001b[31mFAILED');
    expect(coloured).not.toContain('Files:');
  });

  it.each<[string, Partial<Summary['config']>, string]>([
    ['a burst (its plan\'s 300 s and request cap are not the user\'s)', { concurrentUsers: 4, durationS: 300, maxRequests: 4, burst: { users: 4, rounds: 3, pauseS: 2 } }, 'burst of 4 requests at once (one per user) × 3 rounds, 2.0 s apart'],
    ['a one-round burst', { concurrentUsers: 4, durationS: 300, maxRequests: 4, burst: { users: 4, rounds: 1, pauseS: 0 } }, 'burst of 4 requests at once (one per user)'],
    [
      'a trace',
      { concurrentUsers: 50, durationS: 601, maxRequests: 20, workers: 2, workload: { trace: { path: 'trace.jsonl', speedup: 2, requests: 20 } } as NonNullable<Summary['config']['workload']> },
      'trace replay of 20 requests (trace.jsonl, 2.00× as fast), at most 50 in flight · at most 601 s · 2 threads',
    ],
    ['user stages', { concurrentUsers: 3, durationS: 120, stages: [{ users: 1, rate: null, durationS: 60 }, { users: 3, rate: null, durationS: 60 }] }, '2 stages: 1 → 3 users · 120 s'],
    ['rate stages', { concurrentUsers: 50, durationS: 120, rate: 5, stages: [{ users: null, rate: 5, durationS: 60 }, { users: null, rate: 20, durationS: 60 }] }, '2 stages: 5.00 → 20.00 req/s, at most 50 in flight · 120 s'],
  ])('says the load of %s as it was asked for', (_what, config, load) => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.recordRequest(makeRecord({ e2eMs: 500 }), 500);
    expect(renderConsoleReport(summarize(recorder.snapshot(), makeContext({ config })), {})).toContain(`\nLoad        ${load}\n`);
  });

  it('says plainly when nothing was measured, and shows open-loop rows', () => {
    const recorder = new Recorder({ runStartMs: 0 });
    recorder.recordRequest(makeRecord({ queueMs: 12, e2eMs: 500 }), 500);
    const openLoop = renderConsoleReport(summarize(recorder.snapshot(), makeContext({ config: { rate: 5, arrival: 'poisson', concurrentUsers: 50, durationS: 60 } })), {});
    expect(openLoop).toContain('Load        open loop 5.00 req/s poisson arrivals, at most 50 in flight · 60 s');
    expect(openLoop).toMatch(/\nQueue\s+12\.0/);
    expect(openLoop).toMatch(/\nE2E sched\.\s+512\.0/);

    const empty = renderConsoleReport(summarize(new Recorder({ runStartMs: 0 }).snapshot(), makeContext()), {});
    expect(empty).toContain('Success     n/a (no measured request finished)');
    expect(empty).toContain('✗ success_rate           no value >= 90.0% (no measured request finished: nothing to judge, so the run fails)');
  });
});
