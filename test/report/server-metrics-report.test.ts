import { describe, expect, it } from 'vitest';
import { summarizeServerMetrics } from '../../src/metrics/server-window.js';
import type { PromSample, Scrape } from '../../src/model/server-metrics.js';
import type { Summary } from '../../src/model/summary.js';
import { renderConsoleReport } from '../../src/report/console.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { recomputeSummary } from '../../src/report/load-run.js';
import { loadSmallRun } from './fixtures.js';

/** A run whose server queued from 2 s with 4 running: the report shows its side beside ours. */
function withServer(): Summary {
  const { summary } = loadSmallRun();
  const url = 'http://127.0.0.1:8000/metrics?token=sk-metrics0123456789abcd';
  const s = (name: string, value: number, labels: Record<string, string> = {}): PromSample => ({ name, labels, value });
  const at = (t: number, running: number, waiting: number, ttftCount: number, ttftSum: number): Scrape => ({
    url,
    t,
    ok: true,
    status: 200,
    durationMs: 2,
    samples: [
      s('vllm:num_requests_running', running),
      s('vllm:num_requests_waiting', waiting),
      s('vllm:kv_cache_usage_perc', running / 4),
      s('vllm:time_to_first_token_seconds_bucket', ttftCount, { le: '0.1' }),
      s('vllm:time_to_first_token_seconds_bucket', ttftCount, { le: '+Inf' }),
      s('vllm:time_to_first_token_seconds_sum', ttftSum),
      s('vllm:time_to_first_token_seconds_count', ttftCount),
    ],
  });
  const scrapes: Scrape[] = [at(0, 0, 0, 0, 0), at(1, 2, 0, 10, 0.5), at(2, 4, 3, 20, 1), { url, t: 3, ok: false, error: 'timed out after 1000 ms', durationMs: 1000 }, at(4, 4, 1, 30, 1.5)];
  const serverMetrics = summarizeServerMetrics(scrapes, { intervalS: 1, timeoutMs: 1000, urls: [url], windowStartS: null, client: { ttft: summary.latency.ttft, requests: summary.latency.ttft.count } });
  return { ...summary, serverMetrics };
}

describe('the server in the reports', () => {
  const summary = withServer();

  it('console: a Server block with its figures, the TTFT gap and the verdict; the key masked', () => {
    const text = renderConsoleReport(summary, { outDir: '/runs/x' });
    expect(text).toContain('Server (scraped every 1.0 s)');
    expect(text).toMatch(/Endpoint {4}http:\/\/127\.0\.0\.1:8000\/metrics\?token=sk-…abcd · vllm · 5 scrapes · 1 failed \(last: timed out after 1000 ms\)/);
    expect(text).toContain('TTFT        mean 50.0 ms');
    expect(text).toContain('running max 4 (mean 2.5) · waiting max 3 (mean 1.0) · KV cache max 100.0%');
    expect(text).toContain('Saturation  the server queued requests from 2s: waiting > 0 while running = 4');
    expect(text).toMatch(/TTFT gap {4}ours − server's: mean /);
    expect(text).toContain('/runs/x/server-metrics.jsonl');
    expect(text).not.toContain('sk-metrics0123456789abcd');
  });

  it('HTML: its own section with queue depth and KV cache over time, the latencies side by side and the verdict', () => {
    const html = renderHtml(summary);
    expect(html).toContain('<h2>Server metrics</h2>');
    expect(html).toContain('data-chart="server-queue"');
    expect(html).toContain('data-chart="server-kv"');
    expect(html).toMatch(/data-key="serverMetrics.saturation">The server queued requests from 2s: waiting (?:&gt;|&#62;) 0 while running = 4/);
    expect(html).toMatch(/<tr data-key="serverMetrics.ttft"><td><\/td><td>server<\/td><td class="n">50\.0<\/td>/);
    expect(html).not.toContain('sk-metrics0123456789abcd');
    expect(renderHtml(loadSmallRun().summary)).not.toContain('Server metrics');
  });

  it('CSV: server_* summary rows', () => {
    const csv = renderCsv(summary);
    expect(csv).toMatch(/summary,,server_ttft_ms,.*,30,50,/);
    expect(csv).toContain('summary,,server_saturation,,,,,,,,queued');
    expect(csv).toContain('summary,,server_running_max,,,,,,,,4');
    expect(csv).toContain('summary,,server_scrapes_failed,,,,,,,,1');
    expect(renderCsv(loadSmallRun().summary)).not.toMatch(/,server_(ttft|saturation|scrapes)/);
  });

  it('report keeps the server’s side when it re-computes a summary, and drops one of the wrong shape', () => {
    const { records } = loadSmallRun();
    expect(recomputeSummary(records, summary).serverMetrics).toEqual(summary.serverMetrics);
    const broken = { ...summary, serverMetrics: { endpoints: 'x' } } as unknown as Summary;
    expect(recomputeSummary(records, broken).serverMetrics).toBeUndefined();
  });
});
