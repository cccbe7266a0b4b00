import { describe, expect, it } from 'vitest';
import { binValues, renderHtml } from '../../src/report/html.js';
import { formatMs, formatNumber, formatPct } from '../../src/text/format.js';
import { loadSmallRun } from './fixtures.js';

const { summary, records } = loadSmallRun();

/** The data-value and text of the element carrying data-key="key". */
function readKey(html: string, key: string): { value: string; text: string } | null {
  const m = new RegExp(`data-key="${key.replaceAll('.', '\\.')}" data-value="([^"]*)">([^<]*)<`).exec(html);
  return m === null ? null : { value: m[1] ?? '', text: m[2] ?? '' };
}

describe('renderHtml', () => {
  const html = renderHtml(summary, records);

  it('is one self-contained page: no script, no external URL, a CSP that forbids fetching', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
    expect(html.length).toBeLessThan(60_000);
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

  it('draws the five time charts and two histograms with data', () => {
    for (const id of ['users', 'rps', 'tokens', 'ttft', 'errors']) {
      const m = new RegExp(`data-chart="${id}" data-points="(\\d+)"`).exec(html);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(summary.timeline.length);
    }
    expect(html).toContain('</i>TTFT p95');
    // The fixture measures from second 1: the first second is shaded as warmup on each time chart.
    expect(html.match(/<rect class="warmup"/g)?.length).toBe(5);
    for (const id of ['ttft-hist', 'e2e-hist']) {
      const m = new RegExp(`data-chart="${id}" data-bars="(\\d+)"`).exec(html);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(5);
    }
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
    expect(html).toContain('Pre-check capability report');
    expect(html).toContain('gpt-4o-mini-2024-07-18');
    expect(html).toContain('vLLM calls this TPOT');
  });

  it('stays small for an hour-long run: each line is averaged down to at most 600 points', () => {
    const timeline = Array.from({ length: 3600 }, (_, t) => ({ t, users: 50, started: 20, finished: 20, failed: t % 7 === 0 ? 1 : 0, outputTokens: 2000 + (t % 13), ttftP50: 300 + (t % 17), e2eP50: 4000 }));
    const page = renderHtml({ ...summary, timeline });
    const points = [...page.matchAll(/data-chart="(\w+)" data-points="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(points).toEqual([['users', 600], ['rps', 1200], ['tokens', 600], ['ttft', 600], ['errors', 600]]);
    expect(page.length).toBeLessThan(150_000);
  });

  it('says FAILED when a threshold failed, and degrades gracefully without records', () => {
    const failed = { ...summary, thresholds: { passed: false, checks: summary.thresholds.checks } };
    const page = renderHtml(failed);
    expect(page).toMatch(/class="badge fail" data-key="verdict">FAILED</);
    expect(page).toContain('Histograms need the records');
    expect(page).not.toContain('</i>TTFT p95');
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
