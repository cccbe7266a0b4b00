import type { ServerLatency, ServerMetricsSummary, ServerTimelinePoint } from '../model/server-metrics.js';
import type { Summary } from '../model/summary.js';
import { formatMs, formatNumber, formatPct } from '../text/format.js';
import { maskUrlOnce } from './mask-once.js';
import { type PageSection } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import type { ChartSpec } from './html/chart-spec.js';
import { esc } from './html/escape.js';

/**
 * report.html's "Server metrics" section (--server-metrics runs only; null otherwise): queue depth and
 * KV-cache use over time beside the load's users (time charts: they share the page's cursor and zoom), the
 * server's latencies beside ours, the TTFT gap explained and the saturation verdict. The charts it draws are
 * pushed onto `charts`.
 */
export function buildServerMetricsSection(summary: Summary, charts: ChartSpec[]): PageSection | null {
  const server = summary.serverMetrics;
  if (server === undefined) return null;
  const endpoints = server.endpoints
    .map(
      (e) =>
        `<tr><td><code>${esc(maskUrlOnce(e.url))}</code></td><td>${esc(e.server)}</td><td class="n">${e.scrapes}</td><td class="n ${e.failed > 0 ? 'warn' : ''}">${e.failed}</td><td>${esc(e.lastError ?? '–')}</td><td class="n">${e.rawFamilies}</td></tr>`,
    )
    .join('');
  const saturationClass = server.saturation.state === 'queued' ? 'warn' : server.saturation.state === 'not-queued' ? 'ok' : 'note';
  const specs = buildServerCharts(summary, server);
  charts.push(...specs);
  return {
    id: 'server-metrics',
    title: 'Server metrics',
    body: `<div data-key="serverMetrics"><p class="${saturationClass}" data-key="serverMetrics.saturation">${esc(capitalize(server.saturation.verdict))}.</p>
${specs.length === 0 ? '<p class="note">No scrape succeeded: nothing to draw.</p>' : renderChartGrid(specs)}
${renderLatencies(summary, server)}
${renderComparison(server)}
<h3>Endpoints</h3><div class="table-wrap"><table><tr><th>URL</th><th>server</th><th class="n">scrapes</th><th class="n">failed</th><th>last error</th><th class="n">raw families</th></tr>${endpoints}</table></div>
<p class="note">Scraped every ${esc(formatNumber(server.intervalS, 1))} s, each scrape with a ${esc(formatMs(server.timeoutMs))} ms deadline; every sample is in server-metrics.jsonl. ${esc(capitalize(server.percentileMethod))}.</p></div>`,
  };
}

function renderLatencies(summary: Summary, server: ServerMetricsSummary): string {
  const row = (label: string, key: string, ours: { mean: number | null; p50: number | null; p95: number | null; p99: number | null } | null, theirs: ServerLatency | null): string => {
    const cells = (stats: typeof ours): string =>
      (['mean', 'p50', 'p95', 'p99'] as const).map((stat) => `<td class="n">${esc(stats === null ? '–' : formatMs(stats[stat]))}</td>`).join('');
    return `<tr><td>${esc(label)}</td><td>ours</td>${cells(ours)}<td class="n">–</td></tr><tr data-key="serverMetrics.${key}"><td></td><td>server</td>${cells(theirs)}<td class="n">${theirs === null ? '–' : theirs.count}</td></tr>`;
  };
  const rows = [
    row('TTFT', 'ttft', summary.latency.ttft.notMeasured === undefined ? summary.latency.ttft : null, server.ttft),
    row('E2E', 'e2e', summary.latency.e2e, server.e2e),
    server.queueTime === null ? '' : `<tr data-key="serverMetrics.queueTime"><td>Queue time</td><td>server</td>${(['mean', 'p50', 'p95', 'p99'] as const).map((stat) => `<td class="n">${esc(formatMs(server.queueTime?.[stat] ?? null))}</td>`).join('')}<td class="n">${server.queueTime.count}</td></tr>`,
  ].join('');
  const figures: string[] = [];
  if (server.generationTokensPerSecond !== null) figures.push(`${formatNumber(server.generationTokensPerSecond, 1)} generated tokens/s (ours ${formatNumber(summary.tokens.outputPerSecond, 1)})`);
  if (server.promptTokensPerSecond !== null) figures.push(`${formatNumber(server.promptTokensPerSecond, 1)} prompt tokens/s`);
  if (server.prefixCacheHitRate !== null) figures.push(`prefix-cache hit rate ${formatPct(server.prefixCacheHitRate)}`);
  if (server.requestsFinished !== null) figures.push(`${formatNumber(server.requestsFinished, 0)} requests finished`);
  return `<h3>Latency (ms): ours beside the server's</h3><div class="table-wrap"><table><tr><th>metric</th><th>side</th><th class="n">mean</th><th class="n">p50</th><th class="n">p95</th><th class="n">p99</th><th class="n">count</th></tr>${rows}</table></div>${figures.length === 0 ? '' : `<p class="note">Server: ${esc(figures.join(' · '))}.</p>`}`;
}

function renderComparison(server: ServerMetricsSummary): string {
  const c = server.comparison;
  if (c === null) return '<p class="note">The server publishes no TTFT histogram we know: no TTFT comparison.</p>';
  const d = c.difference;
  return `<h3>TTFT: ours − the server's</h3><p data-key="serverMetrics.comparison.difference.mean" data-value="${d.mean ?? ''}">Mean ${esc(formatMs(d.mean))} ms · p50 ${esc(formatMs(d.p50))} ms · p95 ${esc(formatMs(d.p95))} ms · p99 ${esc(formatMs(d.p99))} ms</p><p class="note">${esc(capitalize(c.explanation))}</p>`;
}

/** Queue depth (with our users at each scrape's second) and KV-cache use, on the scrapes' times. */
function buildServerCharts(summary: Summary, server: ServerMetricsSummary): ChartSpec[] {
  const tl = server.timeline;
  if (tl.length === 0) return [];
  const usersAt = new Map(summary.timeline.map((p) => [p.t, p.users]));
  const x = tl.map((p) => Math.max(0, p.t));
  const pick = (f: (p: ServerTimelinePoint) => number | null): Array<number | null> => tl.map(f);
  const base = { kind: 'time', xLabel: 'time', xUnit: 's', x, warmupS: summary.measureStartS ?? 0 } as const;
  return [
    {
      ...base,
      id: 'server-queue',
      title: 'Queue depth beside the load',
      yUnit: 'requests',
      series: [
        { label: 'running', values: pick((p) => p.running) },
        { label: 'waiting', values: pick((p) => p.waiting) },
        { label: 'our users', values: x.map((t) => usersAt.get(Math.floor(t)) ?? null) },
      ],
      note: "The server's running and waiting requests at each scrape; our users in the second of the scrape.",
    },
    {
      ...base,
      id: 'server-kv',
      title: 'KV-cache use',
      yUnit: '%',
      series: [{ label: 'KV cache', values: pick((p) => (p.kvCacheUsage === null ? null : p.kvCacheUsage * 100)) }],
      color: 3,
    },
  ];
}

function capitalize(text: string): string {
  return text === '' ? text : `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}
