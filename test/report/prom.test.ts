import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BUCKETS_S, renderProm } from '../../src/report/prom.js';
import { loadSmallRun } from './fixtures.js';

const { summary, records } = loadSmallRun();

/** Rules the parser does not enforce: valid names, TYPE before samples, counters end in _total, base units. */
function checkConventions(text: string): void {
  const typed = new Map<string, string>();
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary)$/.exec(line);
    if (type !== null) {
      const [, name = '', kind = ''] = type;
      expect(name).toMatch(/^llm_loadtest_[a-z0-9_]+$/);
      if (kind === 'counter') expect(name).toMatch(/_total$/);
      expect(name).not.toMatch(/_(ms|milliseconds)$/);
      typed.set(name, kind);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const name = m?.[1] ?? '';
    const base = [...typed.keys()].find((f) => name === f || /^_(bucket|sum|count)$/.test(name.slice(f.length)));
    expect(base, `sample ${name} has a TYPE line before it`).toBeDefined();
    for (const label of (m?.[2] ?? '').slice(1, -1).match(/[^,=]+="(?:[^"\\]|\\.)*"/g) ?? []) {
      expect(label).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*="/);
    }
  }
}

describe('renderProm', () => {
  it('parses, follows the naming conventions, and has histograms that match the records', () => {
    const text = renderProm(summary, records);
    checkConventions(text);
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const ttft = families.get('llm_loadtest_ttft_seconds');
    expect(ttft?.type).toBe('HISTOGRAM');
    const h = ttft?.metrics[0];
    expect(Number(h?.count)).toBe(summary.latency.ttft.count);
    expect(Object.keys(h?.buckets ?? {}).length).toBe(HISTOGRAM_BUCKETS_S.length + 1);
    expect(Number(h?.buckets?.['+Inf'])).toBe(37);
    // TTFTs of the fixture are 80-200 ms: none at or below 50 ms, all at or below 250 ms.
    expect(Number(h?.buckets?.['0.05'])).toBe(0);
    expect(Number(h?.buckets?.['0.25'])).toBe(37);
    expect(Number(h?.sum)).toBeCloseTo((summary.latency.ttft.mean ?? 0) * 37 / 1000, 2);
    expect(families.get('llm_loadtest_e2e_seconds')?.type).toBe('HISTOGRAM');
    expect(families.get('llm_loadtest_itl_seconds')?.type).toBe('HISTOGRAM');
  });

  it.each([
    ['llm_loadtest_requests_total', { outcome: 'ok' }, 37],
    ['llm_loadtest_requests_total', { outcome: 'failed' }, 2],
    ['llm_loadtest_requests_total', { outcome: 'incomplete' }, 1],
    ['llm_loadtest_errors_total', { category: 'rate_limited' }, 1],
    ['llm_loadtest_error_responses_total', { status: '500' }, 1],
    ['llm_loadtest_tokens_total', { kind: 'output' }, summary.tokens.output],
    ['llm_loadtest_requests_per_second', undefined, summary.rps],
    ['llm_loadtest_success_ratio', undefined, summary.requests.successRate],
  ])('%s %j = summary.json', (name, labels, value) => {
    const family = parsePrometheusTextFormat(renderProm(summary, records)).find((f) => f.name === name);
    const metric = family?.metrics.find((m) => JSON.stringify(m.labels) === JSON.stringify(labels));
    expect(Number(metric?.value)).toBe(value);
  });

  it('falls back to summaries of the run percentiles without records', () => {
    const text = renderProm(summary);
    checkConventions(text);
    const ttft = parsePrometheusTextFormat(text).find((f) => f.name === 'llm_loadtest_ttft_seconds');
    expect(ttft?.type).toBe('SUMMARY');
    expect(Number(ttft?.metrics[0]?.quantiles?.['0.95'])).toBeCloseTo((summary.latency.ttft.p95 ?? 0) / 1000, 9);
  });

  it('escapes label values and masks the target', () => {
    const odd = {
      ...summary,
      target: { ...summary.target, url: 'http://h/v1/chat/completions?api_key=abcdefghijklmnop', model: 'm"x\\y\nz' },
    };
    const text = renderProm(odd);
    expect(text).not.toContain('abcdefghijklmnop');
    const info = parsePrometheusTextFormat(text).find((f) => f.name === 'llm_loadtest_run_info');
    expect(info?.metrics[0]?.labels?.['model']).toBe('m"x\\y\nz');
  });
});
