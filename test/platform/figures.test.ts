import { describe, expect, it } from 'vitest';
import type { SloCheck } from '../../src/model/plan.js';
import { checkPlatformThresholds, summarizeResultRows } from '../../src/platform/figures.js';
import { renderFigures } from '../../src/platform/render.js';
import { resultRowSchema } from '../../src/platform/schema.js';
import { resultRows } from '../helpers/platform-handlers.js';

const rows = (overrides: Parameters<typeof resultRows>[0] = {}) => resultRows(overrides).map((row) => resultRowSchema.parse(row));
const slo = (raw: string, metric: SloCheck['metric'], stat: SloCheck['stat'], limit: number, op: SloCheck['op'] = '<='): SloCheck => ({
  raw,
  metric,
  stat,
  op,
  limit,
});

describe('figures from the platform result rows', () => {
  it('reads totals from the api_path row, failures from the failure row, rates from token_metrics', () => {
    expect(summarizeResultRows(rows({ total: 1000, failed: 25 }))).toEqual({
      requests: { total: 1000, failed: 25, successRate: 0.975 },
      ttftMs: { mean: 250, min: 90, max: 900, p50: 230, p95: 480 },
      ttfoMs: { mean: 250, min: 90, max: 900, p50: 230, p95: 480 },
      totalTimeMs: { mean: 2100, min: 800, max: 5200, p50: 2000, p95: 3900 },
      rps: 3.25,
      outputTokensPerSecond: 412.5,
      totalTokensPerSecond: 530.25,
      avgOutputTokensPerRequest: 120,
      avgTotalTokensPerRequest: 160,
    });
  });

  it('TTFT is the first-reasoning row when the model reasons (first content of any kind)', () => {
    const withReasoning = [
      ...rows(),
      resultRowSchema.parse({ metric_type: 'Time_to_first_reasoning_token', avg_response_time: 120, median_response_time: 110, percentile_95_response_time: 200 }),
    ];
    const figures = summarizeResultRows(withReasoning);
    expect(figures.ttftMs?.p95).toBe(200);
    expect(figures.ttfoMs?.p95).toBe(480);
  });

  it('non-stream tasks have no TTFT row: null, not zero', () => {
    const figures = summarizeResultRows(rows().filter((row) => row.metric_type !== 'Time_to_first_output_token'));
    expect(figures.ttftMs).toBeNull();
  });

  it('success threshold and SLOs on the figures the platform keeps; the rest said, not guessed', () => {
    const figures = summarizeResultRows(rows({ total: 1000, failed: 150 }));
    const result = checkPlatformThresholds(figures, {
      successThreshold: 0.9,
      slo: [
        slo('ttft_p95<=500', 'ttft', 'p95', 500),
        slo('e2e_p50<1500', 'e2e', 'p50', 1500, '<'),
        slo('e2e_p99<=30000', 'e2e', 'p99', 30_000),
        slo('itl_p50<=50', 'itl', 'p50', 50),
      ],
    });
    expect(result.passed).toBe(false);
    expect(result.checks).toEqual([
      { name: 'success_rate', value: 0.85, limit: 0.9, op: '>=', passed: false },
      { name: 'ttft_p95<=500', value: 480, limit: 500, op: '<=', passed: true },
      { name: 'e2e_p50<1500', value: 2000, limit: 1500, op: '<', passed: false },
    ]);
    expect(result.unchecked).toEqual([
      'e2e_p99<=30000: the platform keeps only mean, min, max, p50 and p95',
      'itl_p50<=50: the platform reports no itl',
    ]);
  });

  it('passes when every check the platform allows passes', () => {
    const result = checkPlatformThresholds(summarizeResultRows(rows({ failed: 10 })), { successThreshold: 0.9, slo: [slo('ttft_p95<=2000', 'ttft', 'p95', 2000)] });
    expect(result.passed).toBe(true);
  });
});

describe('renderFigures', () => {
  it('rounds the success rate down: 89.996% does not show as a passing-looking 90.00%', () => {
    expect(renderFigures('completed', summarizeResultRows(rows({ total: 25_000, failed: 2501 })), null)).toContain('25000 total, 2501 failed, success rate 89.99%\n');
  });
});
