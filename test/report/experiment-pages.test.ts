import { describe, expect, it } from 'vitest';
import type { HeatmapCell, HeatmapSummary, SweepPoint, SweepSummary } from '../../src/model/experiment.js';
import type { ScenarioResult, Summary } from '../../src/model/summary.js';
import { renderHeatmapHtml } from '../../src/report/heatmap-report.js';
import { renderHtml } from '../../src/report/html.js';
import { renderSweepHtml } from '../../src/report/sweep-report.js';
import { loadSmallRun } from './fixtures.js';
import type { ChartSpec } from '../../src/report/html/chart-spec.js';
import { readPageCharts } from '../helpers/page-charts.js';


/** The text a reader sees: tags, the style and the scripts removed. */
function visibleText(page: string): string {
  return page
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'");
}
const CAMEL_CASE = /\b[a-z]+[A-Z][a-z][A-Za-z]*\b/g;

const POINT: SweepPoint = {
  load: 1,
  source: 'ladder',
  rps: 3.125,
  outputTokensPerSecond: 25.5,
  ttftMs: { p50: 40.25, p95: 44.5, p99: 50 },
  e2eMs: { p50: 120.75, p95: 130, p99: 140 },
  requests: { ok: 50, failed: 0 },
  errorRate: 0,
  goodput: 3.125,
  sloPassed: true,
  outDir: '/tmp/sweep/points/01-u1',
  settleS: 2,
  durationS: 20,
};

/** Measured in ladder order, then a knee probe at 3 (the page sorts by load). */
const SWEEP: SweepSummary = {
  tool: 'llm-loadtest',
  version: '0.0.0-test',
  kind: 'sweep',
  sweepOver: 'users',
  target: { url: 'http://127.0.0.1:8000/v1/chat/completions', apiType: 'openai-chat', model: 'mock-model' },
  startedAt: '2026-12-07T10:00:00.000Z',
  endedAt: '2026-12-07T10:02:00.000Z',
  points: [
    POINT,
    { ...POINT, load: 2, rps: 6.2, outputTokensPerSecond: 50.1, ttftMs: { p50: 41, p95: 46.25, p99: 52 }, e2eMs: { p50: 121, p95: 133, p99: 150 }, goodput: 6.2 },
    { ...POINT, load: 8, rps: 6.4, outputTokensPerSecond: 51.2, ttftMs: { p50: 600, p95: 950.5, p99: 990 }, e2eMs: { p50: 700, p95: 1100, p99: 1200 }, goodput: 0, sloPassed: false },
    { ...POINT, load: 4, rps: 6.3, outputTokensPerSecond: 50.4, ttftMs: { p50: 160, p95: 330, p99: 340 }, e2eMs: { p50: 280, p95: 420, p99: 450 }, goodput: 1.5, sloPassed: false },
    { ...POINT, load: 3, source: 'knee', rps: 6.25, outputTokensPerSecond: 50.2, ttftMs: { p50: 90, p95: 180, p99: 190 }, e2eMs: { p50: 200, p95: 260, p99: 270 }, goodput: 4, sloPassed: false },
  ],
  stop: { reason: 'throughput-flat', detail: 'throughput rose 1.6% from 4 to 8 while the load rose 100% (less than 25% of it)' },
  knee: { load: 2, method: 'marginal gain: the last point whose gain is enough', detail: 'after 2 each added user brought less than half' },
  best: { load: 2, metric: 'goodput', value: 6.2 },
  answer: { slo: ['ttft_p95<=100'], maxLoad: 2, firstFailingLoad: 3, bisected: false, detail: '2 users is the most load whose p95 TTFT stays within 100 ms' },
  budget: { budgetS: 600, plannedS: 115, spentS: 118, plan: 'up to 9 ladder points, 23 s each' },
};

describe('the sweep page', () => {
  const page = renderSweepHtml(SWEEP);
  const charts = readPageCharts(page);
  const sorted = [...SWEEP.points].sort((a, b) => a.load - b.load);

  it('draws throughput, tokens/s, TTFT and E2E against the users: the points’ own figures, lightest first, the knee marked', () => {
    expect(charts.map((c) => c.id)).toEqual(['sweep-rps', 'sweep-tokens', 'sweep-ttft', 'sweep-e2e']);
    for (const chart of charts) {
      expect(chart).toMatchObject({ kind: 'xy', xLabel: 'users', x: [1, 2, 3, 4, 8], xLog: true, marks: [{ x: 2, label: 'knee: 2 users' }] });
    }
    const series = (id: string): ChartSpec['series'] | undefined => charts.find((c) => c.id === id)?.series;
    expect(series('sweep-rps')).toEqual([
      { label: 'successful req/s', values: [3.125, 6.2, 6.25, 6.3, 6.4] },
      { label: 'goodput (SLOs met)', values: [3.125, 6.2, 4, 1.5, 0] },
    ]);
    expect(series('sweep-tokens')).toEqual([{ label: 'output tokens/s', values: sorted.map((p) => p.outputTokensPerSecond) }]);
    expect(series('sweep-ttft')).toEqual([
      { label: 'TTFT p50', values: [40.25, 41, 90, 160, 600] },
      { label: 'TTFT p95', values: [44.5, 46.25, 180, 330, 950.5] },
    ]);
    expect(series('sweep-e2e')).toEqual([
      { label: 'E2E p50', values: sorted.map((p) => p.e2eMs.p50) },
      { label: 'E2E p95', values: sorted.map((p) => p.e2eMs.p95) },
    ]);
    // The static SVG (print, no JavaScript) marks the knee too, with a tick at each measured load (log scale).
    expect(page.match(/<g class="mark" data-mark-x="2">/g)).toHaveLength(4);
    const svg = /<svg class="chart static" data-chart="sweep-rps"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect([...svg.matchAll(/<text x="[\d.]+" y="192" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4', '8']);
    expect(svg.match(/<circle /g)).toHaveLength(2 * 5);
  });

  it('says the answers beside the charts, the points in a table, why it stopped and what it cost in words', () => {
    expect(page).toContain('data-key="sweep.knee" data-value="2">2 users</b>');
    expect(page).toContain('data-key="sweep.best" data-value="6.2">6.20 req/s</b><span>Best goodput (SLOs met), at 2 users</span>');
    expect(page).toContain('data-key="sweep.answer" data-value="2">up to 2 users</b><span>Most load meeting ttft_p95&#60;=100</span>');
    expect(page).toContain('the lightest load failing them: 3 users');
    expect(page.indexOf('id="answers"')).toBeLessThan(page.indexOf('data-chart-id="sweep-rps"'));
    // The table scrolls in its own box; one row per point, lightest first, the knee and its probe said.
    const points = /<section id="points"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(points).toContain('<div class="table-wrap"><table>');
    expect(points.match(/data-key="sweep\.points\.\d"/g)).toHaveLength(5);
    expect(points).toContain('2 ← knee');
    expect(points).toContain('3 (knee probe)');
    const run = /<section id="run"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(run).toContain('<dt>Stopped because</dt><dd>throughput stopped rising with the load: throughput rose 1.6%');
    expect(run).toContain('<dt>Time spent</dt><dd>118 s of a budget of 600 s</dd>');
    expect(run).toContain('<dt>Points measured</dt><dd>5: 4 on the ladder, 1 narrowing the knee, 0 narrowing the SLO answer</dd>');
    expect(visibleText(page).match(CAMEL_CASE) ?? []).toEqual([]);
    expect(page).not.toContain('throughput-flat');
    expect(page).not.toContain('data-key="banner"');
  });

  it('a rate sweep: by offered rate on a linear scale; without --slo no goodput; no knee, no mark; an interrupted sweep has a banner', () => {
    const rate = renderSweepHtml({
      ...SWEEP,
      sweepOver: 'rate',
      points: [{ ...POINT, load: 5, goodput: null, sloPassed: null }, { ...POINT, load: 10, goodput: null, sloPassed: null, ttftMs: { p50: null, p95: null, p99: null } }],
      knee: { load: null, method: 'm', detail: 'throughput still scaled at the last point (10)' },
      best: { load: 10, metric: 'throughput', value: 3.125 },
      answer: null,
      stop: { reason: 'interrupted', detail: 'stopped from outside' },
    });
    const rateCharts = readPageCharts(rate);
    expect(rateCharts[0]).toMatchObject({ id: 'sweep-rps', xLabel: 'offered rate', x: [5, 10], xLog: false, marks: [] });
    expect(rateCharts[0]?.series.map((s) => s.label)).toEqual(['successful req/s']);
    expect(rate).toContain('data-key="sweep.knee" data-value="">none found</b>');
    expect(rate).toContain('data-key="banner">Interrupted: stopped from outside. The sweep stopped early: its answers cover only the 2 points measured');
    expect(rate).not.toContain('<g class="mark"');
  });
});

const CELL: HeatmapCell = {
  inputTokens: 64,
  outputTokens: 16,
  measuredInputTokens: 66,
  measuredOutputTokens: 16,
  requests: { ok: 20, failed: 0 },
  rps: 10,
  outputTokensPerSecond: 160,
  ttftMs: { p50: 20, p95: 25 },
  e2eMs: { p50: 60, p95: 70 },
  outDir: '/tmp/heatmap/cells/in64-out16',
};
const HEATMAP: HeatmapSummary = {
  tool: 'llm-loadtest',
  version: '0.0.0-test',
  kind: 'heatmap',
  target: { url: 'http://127.0.0.1:8000/v1/chat/completions', apiType: 'openai-chat', model: 'mock-model' },
  startedAt: '2026-12-07T10:00:00.000Z',
  endedAt: '2026-12-07T10:01:00.000Z',
  inputSizes: [64, 256],
  outputSizes: [16, 64],
  users: 1,
  cells: [
    CELL,
    { ...CELL, outputTokens: 64, outputTokensPerSecond: 200, ttftMs: { p50: 21, p95: 26 }, e2eMs: { p50: 150, p95: 170 } },
    { ...CELL, inputTokens: 256, outputTokensPerSecond: 120, ttftMs: { p50: 40, p95: 48 }, e2eMs: { p50: 80, p95: 95 } },
    { ...CELL, inputTokens: 256, outputTokens: 64, outputTokensPerSecond: 180, ttftMs: { p50: 42, p95: 50 }, e2eMs: { p50: 170, p95: 190 } },
  ],
  method: 'prompts repeated to the size; answers capped by max_tokens',
  budget: { plannedS: 60, spentS: 52 },
};

describe('the heatmap page', () => {
  const page = renderHeatmapHtml(HEATMAP);
  /** A cell of a grid: its value and background. */
  const cell = (grid: string, input: number, output: number): { value: string; background: string; text: string } => {
    const match = new RegExp(`data-key="heatmap\\.${grid}\\.${input}x${output}" data-value="([^"]*)" style="background:([^"]+)"[^>]*>([^<]*)<`).exec(page);
    return { value: match?.[1] ?? 'missing', background: match?.[2] ?? 'missing', text: match?.[3] ?? 'missing' };
  };

  it('one coloured grid per metric, input sizes as rows and output sizes as columns, each cell its value', () => {
    expect([...page.matchAll(/data-grid="([^"]+)"/g)].map((m) => m[1])).toEqual(['ttft_p50', 'ttft_p95', 'e2e_p50', 'e2e_p95', 'output_tokens_per_second']);
    expect(page.match(/<td class="n cell"/g)).toHaveLength(5 * 4);
    for (const c of HEATMAP.cells) {
      expect(cell('ttft_p95', c.inputTokens, c.outputTokens).value).toBe(String(c.ttftMs.p95));
      expect(cell('e2e_p50', c.inputTokens, c.outputTokens).value).toBe(String(c.e2eMs.p50));
      expect(cell('output_tokens_per_second', c.inputTokens, c.outputTokens).value).toBe(String(c.outputTokensPerSecond));
    }
    expect(cell('e2e_p95', 256, 64).text).toBe('190');
    // Rows are the input sizes (a row head each), columns the output sizes.
    const grid = /data-grid="ttft_p50"[\s\S]*?<\/figure>/.exec(page)?.[0] ?? '';
    expect([...grid.matchAll(/<th(?: class="n")?>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(['input \\ output', '16', '64', '64', '256']);
  });

  it('the best cell gets the green end of the scale and the worst the red end; tokens/s is better high, latency low', () => {
    const green = 'hsl(120, 70%, 75%)';
    const red = 'hsl(0, 70%, 75%)';
    expect(cell('ttft_p50', 64, 16).background).toBe(green);
    expect(cell('ttft_p50', 256, 64).background).toBe(red);
    expect(cell('e2e_p95', 64, 16).background).toBe(green);
    expect(cell('e2e_p95', 256, 64).background).toBe(red);
    expect(cell('output_tokens_per_second', 64, 64).background).toBe(green);
    expect(cell('output_tokens_per_second', 256, 16).background).toBe(red);
    // In between: by its place between min and max (TTFT p50 21 of 20..42: hue 120 × (1 − 1/22)).
    expect(cell('ttft_p50', 64, 64).background).toBe('hsl(115, 70%, 75%)');
    expect(page).toContain('lower is better: best 20 <span class="heat-scale"');
    expect(page).toContain('higher is better: best 200.0 <span class="heat-scale"');
    expect(page).toContain('</span> worst 120.0</p>');
  });

  it('reads as a page of the report: cells table, how it ran in words, human labels, no chart data needed', () => {
    expect(readPageCharts(page)).toEqual([]);
    expect(page).toContain('<section id="cells" data-section="cells">');
    expect(page).toContain('<dt>Time spent</dt><dd>52 s for 4 cells (planned at most 60 s)</dd>');
    expect(visibleText(page).match(CAMEL_CASE) ?? []).toEqual([]);
  });
});

const SCENARIO: ScenarioResult = {
  scenario: 'chat',
  weightShare: 0.75,
  conversations: 30,
  conversationShare: 0.74,
  requests: { ok: 60, failed: 1, incomplete: 0 },
  rps: 3,
  outputTokensPerSecond: 90,
  meanInputTokens: 120,
  meanOutputTokens: 30,
  ttft: { p50: 80.5, p95: 120, p99: 150 },
  itl: { p50: 5, p95: 8, p99: 9 },
  e2e: { p50: 400, p95: 650.25, p99: 700 },
  errors: { server_error: 1 },
  goodput: null,
};

describe('the per-scenario view of a run page', () => {
  it('the table and TTFT / E2E p50 and p95 as bars grouped by scenario, the summary’s figures', () => {
    const plain = loadSmallRun().summary;
    const scenarios = [SCENARIO, { ...SCENARIO, scenario: 'summarize long documents', ttft: { p50: 300, p95: 410.5, p99: 500 }, e2e: { p50: 2100, p95: 2900, p99: 3000 } }];
    const page = renderHtml({ ...plain, scenarios } satisfies Summary);
    const charts = readPageCharts(page).filter((c) => c.id.startsWith('scenarios-'));
    expect(charts).toEqual([
      {
        id: 'scenarios-ttft',
        kind: 'groups',
        xLabel: 'scenario',
        xUnit: '',
        yUnit: 'ms',
        x: [0, 1],
        categories: ['chat', 'summarize long documents'],
        color: 4,
        series: [
          { label: 'TTFT p50', values: [80.5, 300] },
          { label: 'TTFT p95', values: [120, 410.5] },
        ],
      },
      expect.objectContaining({ id: 'scenarios-e2e', series: [{ label: 'E2E p50', values: [400, 2100] }, { label: 'E2E p95', values: [650.25, 2900] }] }),
    ]);
    const section = /<section id="scenarios"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(section).toContain('data-key="scenarios.chat"');
    expect(section).toContain('data-chart-id="scenarios-ttft"');
    // The static chart: a bar per scenario and series, the names under the groups (long ones cut).
    const svg = /<svg class="chart static" data-chart="scenarios-e2e"[\s\S]*?<\/svg>/.exec(section)?.[0] ?? '';
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg).toContain('>summarize lon…</text>');
    expect(svg).toContain('<title>chat, E2E p95: 650 ms</title>');
    expect(renderHtml(plain)).not.toContain('scenarios-ttft');
  });
});
