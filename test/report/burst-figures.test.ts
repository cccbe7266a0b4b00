import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import type { BurstRound, Summary } from '../../src/model/summary.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderProm } from '../../src/report/prom.js';
import { makeSyntheticRun } from './synthetic-run.js';

const round = (requests: number, succeeded: number, e2eMin: number): BurstRound => ({
  requests,
  succeeded,
  failed: requests - succeeded,
  successRate: succeeded / requests,
  e2eMs: { count: succeeded, min: e2eMin, max: e2eMin + 900, mean: e2eMin + 400, median: e2eMin + 350, stddev: 120.5, p90: e2eMin + 800, p99: e2eMin + 890 },
  ttftMs: { count: succeeded, min: 50, max: 250, mean: 120, median: 110, stddev: 30.25, p90: 200, p99: 245 },
});

const base = makeSyntheticRun({ requests: 100, seed: 4, rate: 100, ttftMedianMs: 100, e2eMedianMs: 800, sigma: 0.3 });
const twoRounds: Summary = { ...base.summary, burst: { users: 50, rounds: 2, pauseS: 1.5, perRound: [round(50, 50, 300), round(50, 45, 320)], total: round(100, 95, 300) } };
const oneRound: Summary = { ...base.summary, burst: { users: 50, rounds: 1, pauseS: 0, perRound: [round(50, 50, 300)], total: round(50, 50, 300) } };

describe('burst figures in the report files', () => {
  it('report.html has a Burst section with each round and all rounds', () => {
    const html = renderHtml(twoRounds);
    expect(html).toContain('<h2>Burst</h2>');
    expect(html).toContain('50 requests at once, 2 rounds 1.5 s apart.');
    expect(html).toMatch(/<td>round 2<\/td><td>E2E<\/td><td class="n">45\/50<\/td><td class="n">90\.0%<\/td>/);
    expect(html).toContain('<td>all rounds</td><td>TTFT</td>');
    expect(renderHtml(base.summary)).not.toContain('<h2>Burst</h2>');
  });

  it('report.csv has burst rows: counts, success rate and each statistic per round and all', () => {
    const rows = renderCsv(twoRounds).trim().split('\r\n').filter((line) => line.startsWith('burst,'));
    const value = (metric: string): string | undefined => rows.find((line) => line.split(',')[2] === metric)?.split(',')[10];
    expect(value('round_2_succeeded')).toBe('45');
    expect(value('all_success_rate')).toBe('0.95');
    expect(value('round_1_e2e_p99_ms')).toBe('1190');
    expect(value('all_ttft_stddev_ms')).toBe('30.25');
    expect(rows).toHaveLength(3 * (3 + 2 * 7));
    expect(renderCsv(base.summary)).not.toContain('\r\nburst,');
  });

  it('metrics.prom has burst gauges by round and statistic (seconds), `all` even for one round, and parses', () => {
    const families = parsePrometheusTextFormat(renderProm(oneRound));
    const ratio = families.find((family) => family.name === 'llm_loadtest_burst_success_ratio');
    expect(ratio?.metrics.map((metric) => [metric.labels?.['round'], metric.value])).toEqual([['1', '1'], ['all', '1']]);
    const e2e = families.find((family) => family.name === 'llm_loadtest_burst_e2e_seconds');
    expect(e2e?.metrics.find((metric) => metric.labels?.['round'] === 'all' && metric.labels['stat'] === 'p90')?.value).toBe('1.1');
    expect(renderProm(base.summary)).not.toContain('llm_loadtest_burst_');
  });
});
