import { describe, expect, it } from 'vitest';
import { renderComparisonHtml, shortLabels } from '../../src/report/compare-html.js';
import { loadSmallRun } from './fixtures.js';
import { readPageCharts } from '../helpers/page-charts.js';

const { summary, records } = loadSmallRun();

describe('renderComparisonHtml', () => {
  it('takes N runs (targets of one run, say): one line per run in every chart, one column per run', () => {
    const slower = { ...summary, rps: summary.rps / 2, latency: { ...summary.latency, ttft: { ...summary.latency.ttft, p95: 400 } } };
    const html = renderComparisonHtml([
      { label: 'a', summary, records },
      { label: 'b', summary: slower, records },
      { label: 'c', summary, records: null },
    ]);
    const charts = readPageCharts(html);
    expect(charts.map((c) => c.id)).toEqual(['cmp-rps', 'cmp-tokens', 'cmp-ttft', 'cmp-errors', 'cmp-ttft-pct', 'cmp-itl-pct', 'cmp-e2e-pct']);
    for (const chart of charts) expect(chart.series.map((s) => s.label)).toEqual(['a', 'b', 'c']);
    // One run without records: the percentile charts use the summaries' own percentiles for all.
    expect(charts.find((c) => c.id === 'cmp-ttft-pct')?.x).toEqual([50, 90, 95, 99, 99.9]);
    expect(charts.find((c) => c.id === 'cmp-ttft-pct')?.series[1]?.values[2]).toBe(400);
    expect(html).toContain(`data-key="figures.rps.1" data-value="${String(summary.rps / 2)}"`);
    expect(html).toContain('data-key="figures.latency.ttft.p95.1" data-value="400"');
    // No verdict without a comparison; no banner when no run was interrupted.
    expect(html).not.toContain('data-section="verdict"');
    expect(html).not.toContain('data-key="banner"');
  });

  it('marks an interrupted run with a banner', () => {
    const stopped = { ...summary, verdict: 'interrupted' as const };
    const html = renderComparisonHtml([{ label: 'x/base', summary, records }, { label: 'x/stopped', summary: stopped, records }]);
    expect(html).toMatch(/data-key="banner">Interrupted: stopped stopped early/);
  });
});

describe('shortLabels', () => {
  it.each([
    [['runs/base', 'runs/cand/'], ['base', 'cand']],
    [['a/run/summary.json', 'b/other/results.jsonl'], ['run', 'other']],
    [['a/run', 'b/run'], ['a/run', 'b/run']],
    [['gpu-a'], ['gpu-a']],
  ])('%j → %j', (labels, expected) => {
    expect(shortLabels(labels)).toEqual(expected);
  });
});
