import { describe, expect, it } from 'vitest';
import { LATENCY_KEYS, LATENCY_METRICS, LATENCY_STATS, SLO_METRICS, SLO_STATS, latencyMetric } from '../../src/model/metric-catalog.js';

describe('metric catalog', () => {
  it('pins every latency metric: id, summary key, label, title, streaming-only, open-loop-only, --slo, record field', () => {
    expect(
      LATENCY_METRICS.map((m) => [m.id, m.key, m.label, m.title, m.unit, m.streamingOnly, m.openLoopOnly, m.slo, m.recordField]),
    ).toEqual([
      ['ttft', 'ttft', 'TTFT', 'TTFT (time to first token)', 'ms', true, false, true, 'ttftMs'],
      ['ttfo', 'ttfo', 'TTFO', 'TTFO (time to first output)', 'ms', true, false, true, 'ttfoMs'],
      ['itl', 'itl', 'ITL', 'ITL (inter-token latency)', 'ms', true, false, true, 'itlMs'],
      ['e2e', 'e2e', 'E2E', 'E2E (end-to-end)', 'ms', false, false, true, 'e2eMs'],
      ['chunk_gap', 'chunkGap', 'Chunk gap', 'Chunk gap', 'ms', true, false, true, null],
      ['queue', 'queue', 'Queue', 'Queue (open loop)', 'ms', false, true, false, 'queueMs'],
      ['e2e_from_schedule', 'e2eFromSchedule', 'E2E sched.', 'E2E from schedule', 'ms', false, true, false, null],
    ]);
  });

  it('keeps summary.json latency keys in their order', () => {
    expect(LATENCY_KEYS).toEqual(['ttft', 'ttfo', 'itl', 'e2e', 'chunkGap', 'queue', 'e2eFromSchedule']);
  });

  it('pins the statistics, their column labels and percentiles, in summary.json order', () => {
    expect(LATENCY_STATS.map((s) => [s.id, s.label, s.percentile])).toEqual([
      ['mean', 'mean', null],
      ['min', 'min', null],
      ['p50', 'p50', 50],
      ['p90', 'p90', 90],
      ['p95', 'p95', 95],
      ['p99', 'p99', 99],
      ['p999', 'p99.9', 99.9],
      ['max', 'max', null],
    ]);
  });

  it('lists what --slo accepts, as its message names them', () => {
    expect(SLO_METRICS.join('|')).toBe('ttft|ttfo|itl|e2e|chunk_gap');
    expect(SLO_STATS.join('|')).toBe('mean|min|max|p50|p90|p95|p99|p999');
  });

  it('gives every metric a one-line definition and a reason for having no values', () => {
    for (const metric of LATENCY_METRICS) {
      expect(metric.definition).not.toContain('\n');
      expect(metric.definition.length).toBeGreaterThan(20);
      expect(metric.noValuesWhy.length).toBeGreaterThan(10);
    }
  });

  it('finds a metric by id', () => {
    expect(latencyMetric('chunk_gap').key).toBe('chunkGap');
  });
});
