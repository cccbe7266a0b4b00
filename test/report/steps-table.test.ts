import { describe, expect, it } from 'vitest';
import type { StepResult, Summary } from '../../src/model/summary.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { buildStepsTable } from '../../src/report/steps-table.js';
import { loadSmallRun } from './fixtures.js';
import { readPageCharts } from '../helpers/page-charts.js';

const STEP: StepResult = {
  step: 1,
  users: 2,
  sustain: false,
  startS: 1.4,
  endS: 3,
  settleS: 0.4,
  requests: { ok: 10, failed: 1 },
  rps: 6.25,
  outputTokensPerSecond: 18.75,
  ttft: { p50: 101.4, p95: 120, p99: 130 },
  itl: { p50: 10, p95: 11, p99: null },
  e2e: { p50: 1234, p95: 1300, p99: 1400 },
  errors: { rate_limited: 1 },
  goodput: null,
};
const STEPS: StepResult[] = [STEP, { ...STEP, step: 2, users: 4, sustain: true, startS: 3.4, endS: 5, goodput: null }];

describe('per-step table', () => {
  it('one row per step: latencies as p50/p95/p99, the sustain marked, goodput only with an SLO', () => {
    const table = buildStepsTable(STEPS);
    expect(table.heads).toEqual(['step', 'users', 'from–to s', 'ok', 'failed', 'req/s', 'out tok/s', 'TTFT p50/95/99', 'ITL p50/95/99', 'E2E p50/95/99']);
    expect(table.rows[0]).toEqual(['1', '2', '1.4–3.0', '10', '1', '6.25', '18.8', '101/120/130', '10/11/-', '1,234/1,300/1,400']);
    expect(table.rows[1]?.[0]).toBe('2 (sustain)');
    expect(table.settleNote).toContain('the first 0.4 s of each step left out');
    expect(buildStepsTable([{ ...STEP, goodput: 5 }]).rows[0]?.at(-1)).toBe('5.00');
  });

  it('the console, the page and the CSV show the steps of a summary that has them, and nothing of it otherwise', () => {
    const plain = loadSmallRun().summary;
    const stepped: Summary = { ...plain, steps: STEPS };
    const console = renderConsoleReport(stepped, {});
    expect(console).toContain('Per step');
    expect(console).toMatch(/ {2}1 +2 +1\.4–3\.0 +10 +1 +6\.25 +18\.8 +101\/120\/130 +10\/11\/- +1,234\/1,300\/1,400\n/);
    expect(renderConsoleReport(plain, {})).not.toContain('Per step');
    const page = renderHtml(stepped);
    expect(page).toContain('<h2>Per step</h2>');
    // Throughput and TTFT by the users of each step.
    const charts = readPageCharts(page);
    const rps = charts.find((c) => c.id === 'steps-rps');
    expect(rps?.x).toEqual([2, 4]);
    expect(rps?.series).toEqual([{ label: 'successful req/s', values: [6.25, 6.25] }]);
    expect(charts.find((c) => c.id === 'steps-ttft')?.series[1]).toEqual({ label: 'TTFT p95', values: [120, 120] });
    // Users that do not rise (a sustain at the same count): by step number.
    const flat = renderHtml({ ...plain, steps: [STEP, { ...STEP, step: 2, sustain: true }] });
    expect(readPageCharts(flat).find((c) => c.id === 'steps-rps')).toMatchObject({ xLabel: 'step', x: [1, 2] });
    expect(renderHtml(plain)).not.toContain('Per step');
    const stepRows = renderCsv(stepped).split('\r\n').filter((line) => line.startsWith('step,'));
    // 3 latency rows + 9 values + 1 error category, per step.
    expect(stepRows).toHaveLength(2 * 13);
    expect(stepRows[0]).toBe('step,1.4,ttft_ms,2,,,,,,,,10,,,101.4,,120,130,,,');
    expect(stepRows).toContain('step,3.4,sustain,4,,,,,,,1,,,,,,,,,,');
    expect(renderCsv(plain)).not.toContain('\r\nstep,');
  });
});

describe('per-step series in metrics.prom', () => {
  it('a stepped run adds gauges labelled with step and users, latencies in seconds; other runs add none', async () => {
    const { default: parsePrometheusTextFormat } = await import('parse-prometheus-text-format');
    const { renderProm } = await import('../../src/report/prom.js');
    const plain = loadSmallRun().summary;
    const text = renderProm({ ...plain, steps: STEPS });
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const rps = families.get('llm_loadtest_step_requests_per_second');
    expect(rps?.metrics).toEqual([
      { labels: { step: '1', users: '2' }, value: '6.25' },
      { labels: { step: '2', users: '4' }, value: '6.25' },
    ]);
    const ttft = families.get('llm_loadtest_step_ttft_seconds');
    expect(ttft?.metrics[0]).toEqual({ labels: { step: '1', users: '2', quantile: '0.5' }, value: '0.1014' });
    expect(ttft?.metrics[1]).toEqual({ labels: { step: '1', users: '2', quantile: '0.95' }, value: '0.12' });
    expect(families.get('llm_loadtest_step_itl_seconds')?.metrics[2]).toEqual({ labels: { step: '1', users: '2', quantile: '0.99' }, value: 'NaN' });
    expect(families.get('llm_loadtest_step_goodput_requests_per_second')?.metrics[0]?.value).toBe('NaN');
    expect(renderProm(plain)).not.toContain('llm_loadtest_step_');
  });
});
