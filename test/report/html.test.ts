import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { binValues, renderHtml } from '../../src/report/html.js';
import { formatMs, formatNumber, formatPct } from '../../src/text/format.js';
import { loadSmallRun } from './fixtures.js';
import { readPageCharts } from '../helpers/page-charts.js';

const { summary, records } = loadSmallRun();

/** The data-value and text of the element carrying data-key="key". */
function readKey(html: string, key: string): { value: string; text: string } | null {
  const m = new RegExp(`data-key="${key.replaceAll('.', '\\.')}" data-value="([^"]*)">([^<]*)<`).exec(html);
  return m === null ? null : { value: m[1] ?? '', text: m[2] ?? '' };
}

/** A summary key as code spells it (concurrentUsers, latencyMs); product names like vLLM are not. */
const CAMEL_CASE = /\b[a-z]+[A-Z][a-z][A-Za-z]*\b/g;

/** Roughly what a reader sees: the text outside scripts, styles and tags. */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style|title)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
}

describe('renderHtml', () => {
  const html = renderHtml(summary, records);

  it('is one self-contained page: only its own inline scripts (allowed by hash), no external URL, no fetching', () => {
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("'unsafe-inline' 'self'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(2);
    for (const script of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    // uPlot (about 50 KB) is inlined: the page is still small.
    expect(html.length).toBeLessThan(200_000);
  });

  it.each([
    ['requests.total', summary.requests.total, formatNumber(summary.requests.total, 0)],
    ['requests.failed', summary.requests.failed, '2'],
    ['requests.successRate', summary.requests.successRate, formatPct(summary.requests.successRate)],
    ['rps', summary.rps, formatNumber(summary.rps, 2)],
    ['latency.ttft.p95', summary.latency.ttft.p95, formatMs(summary.latency.ttft.p95)],
    ['latency.e2e.p99', summary.latency.e2e.p99, formatMs(summary.latency.e2e.p99)],
    ['latency.itl.p50', summary.latency.itl.p50, formatMs(summary.latency.itl.p50)],
    ['errors.byCategory.server_error', 1, '1'],
  ])('shows %s as in summary.json', (key, value, text) => {
    expect(readKey(html, key)).toEqual({ value: String(value), text });
  });

  it('draws every time chart and distribution, as data for uPlot and as static SVG', () => {
    const data = readPageCharts(html);
    const ids = data.map((c) => c.id);
    expect(ids).toEqual(['users', 'rps', 'tokens', 'ttft', 'itl', 'e2e', 'errors', 'ttft-hist', 'itl-hist', 'e2e-hist', 'input-hist', 'output-hist']);
    for (const chart of data) {
      expect(html).toMatch(new RegExp(`data-chart-id="${chart.id}"><svg class="chart static" data-chart="${chart.id}" data-points="[1-9]`));
      for (const series of chart.series) expect(series.values).toHaveLength(chart.x.length);
    }
    const time = data.filter((c) => c.kind === 'time');
    for (const chart of time) expect(chart.x).toHaveLength(summary.timeline.length);
    expect(data.find((c) => c.id === 'ttft')?.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99']);
    // The errors chart counts every failed record, by category (the fixture: one server_error, one rate_limited).
    const errors = data.find((c) => c.id === 'errors');
    expect(errors?.series.map((s) => [s.label, s.values.reduce((a: number, v) => a + (v ?? 0), 0)])).toEqual([['server error', 1], ['rate limited', 1]]);
    // A histogram's bars add up to the successful measured requests.
    const measuredOk = records.filter((r) => r.ok && r.phase === 'measure');
    const ttftBars = data.find((c) => c.id === 'ttft-hist');
    expect(ttftBars?.series[0]?.values.reduce((a: number, v) => a + (v ?? 0), 0)).toBe(measuredOk.length);
    // The fixture measures from second 1: the first second is shaded as warmup on each static time chart.
    expect(html.match(/<rect class="warmup"/g)?.length).toBe(time.length);
  });

  it('shows labels in words: no camelCase key in the visible text', () => {
    const text = visibleText(html);
    expect(text.match(CAMEL_CASE) ?? []).toEqual([]);
    expect(text).toContain('Users (concurrency)');
    expect(text).toContain('Planned: 4 users each sending one request after another');
  });

  it('marks an interrupted run with a banner above everything', () => {
    const stopped = renderHtml({ ...summary, verdict: 'interrupted', stop: { reason: 'interrupted', atS: 2.5, at: summary.endedAt, detail: 'interrupted by SIGINT (Ctrl-C)' } }, records);
    expect(stopped).toMatch(/<div class="banner" role="alert" data-key="banner">Interrupted at [^<]+ \(2\.5 s into the run\): interrupted by SIGINT \(Ctrl-C\)\. This run stopped early/);
    expect(stopped.indexOf('data-key="banner"')).toBeLessThan(stopped.indexOf('<main>'));
    expect(stopped).toMatch(/data-key="verdict">INTERRUPTED</);
    expect(html).not.toContain('data-key="banner"');
  });

  it('puts the generator verdict beside the latencies and the time charts', () => {
    expect(html).toMatch(/class="callout ok" data-key="generator.latency">Load generator healthy/);
    const busy = renderHtml({ ...summary, generator: { ...summary.generator, verdict: 'degraded', reasons: ['event-loop delay p99 80 ms'] } }, records);
    expect(busy).toMatch(/class="callout warn" data-key="generator.latency">Load generator <b>degraded<\/b>[^<]*latencies include time our own process spent busy/);
    expect(busy).toMatch(/class="callout warn" data-key="generator.time">Load generator <b>degraded<\/b>/);
  });

  it('escapes sample messages and names, and keeps masked secrets masked', () => {
    expect(html).toContain('upstream exploded &#60;b&#62;badly&#60;/b&#62;');
    expect(html).not.toContain('<b>badly</b>');
    expect(html).toContain('small &#60;fixture&#62;');
    expect(html).toContain('Bearer sk-…abcd');
    expect(html).toContain('api_key=sk-…wxyz');
  });

  it('masks a secret that reached it unmasked', () => {
    const raw = {
      ...summary,
      target: { ...summary.target, url: 'http://h/v1/chat/completions?key=abcdefghijklmnop', headers: { 'x-api-key': 'sk-ant-0123456789abcdef' } },
    };
    const page = renderHtml(raw);
    expect(page).not.toContain('0123456789abcdef');
    expect(page).not.toContain('abcdefghijklmnop');
    expect(page).toContain('x-api-key: sk-…cdef');
  });

  it('shows the verdict, thresholds, generator health, pre-check and definitions', () => {
    expect(readKey(html, 'verdict')).toBeNull();
    expect(html).toMatch(/class="badge pass" data-key="verdict">PASSED</);
    expect(html).toContain('ttft_p95');
    expect(html).toContain('data-key="generator.verdict">ok<');
    expect(html).toContain('Pre-check: the one request before the load');
    expect(html).toContain('gpt-4o-mini-2024-07-18');
    expect(html).toContain('vLLM calls this TPOT');
  });

  it('stays small for an hour-long run: the time charts are bucketed to at most 600 points', () => {
    const timeline = Array.from({ length: 3600 }, (_, t) => ({ t, users: 50, started: 20, finished: 20, failed: t % 7 === 0 ? 1 : 0, outputTokens: 2000 + (t % 13), ttftP50: 300 + (t % 17), e2eP50: 4000 }));
    const page = renderHtml({ ...summary, timeline });
    const data = readPageCharts(page);
    expect(data.map((c) => [c.id, c.x.length])).toEqual([['users', 600], ['rps', 600], ['tokens', 600], ['ttft', 600], ['e2e', 600], ['errors', 600]]);
    // 6-second buckets, each the mean rate of its seconds: 20 started per second stays 20.
    expect(data[1]?.x.slice(0, 3)).toEqual([0, 6, 12]);
    expect(new Set(data[1]?.series[0]?.values)).toEqual(new Set([20]));
    expect(page.length).toBeLessThan(300_000);
  });

  it('leaves out the TTFT and ITL charts of a run that measured neither (no streaming)', () => {
    const plain = records.map((r) => ({ ...r, ttftMs: null, ttfoMs: null, itlMs: null }));
    const ids = readPageCharts(renderHtml(summary, plain)).map((c) => c.id);
    expect(ids).toEqual(['users', 'rps', 'tokens', 'e2e', 'errors', 'e2e-hist', 'input-hist', 'output-hist']);
  });

  it('says FAILED when a threshold failed, and degrades gracefully without records', () => {
    const failed = { ...summary, thresholds: { passed: false, checks: summary.thresholds.checks } };
    const page = renderHtml(failed);
    expect(page).toMatch(/class="badge fail" data-key="verdict">FAILED</);
    expect(page).toContain('Histograms need the records');
    // Without records: the summary's per-second medians, and no ITL line.
    expect(readPageCharts(page).map((c) => c.id)).toEqual(['users', 'rps', 'tokens', 'ttft', 'e2e', 'errors']);
  });
});

describe('binValues', () => {
  it.each([
    // 1..100: 10 bins of round width 10 starting at 0
    [Float64Array.from({ length: 100 }, (_, i) => i + 1), { start: 0, width: 10, bins: 11, overflow: false, total: 100 }],
    // one far outlier goes into a last "≥" bin instead of stretching the axis
    [Float64Array.from([...Array.from({ length: 399 }, (_, i) => 100 + (i % 50)), 100_000]).sort(), { start: 100, width: 2, bins: 25, overflow: true, total: 400 }],
  ])('bins %#', (sorted, expected) => {
    const b = binValues(sorted);
    expect(b.start).toBe(expected.start);
    expect(b.width).toBe(expected.width);
    expect(b.counts.length).toBe(expected.bins);
    expect(b.overflowFrom !== null).toBe(expected.overflow);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(expected.total);
  });
});

describe('formatPct', () => {
  it.each([
    [0.8996, '89.9%'],
    [0.9, '90.0%'],
    [1, '100.0%'],
    [null, '–'],
  ])('%s → %s (rounded down: just under a limit never shows as reaching it)', (fraction, text) => {
    expect(formatPct(fraction)).toBe(text);
  });
});
