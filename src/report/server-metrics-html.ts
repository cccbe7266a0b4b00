import type { ServerLatency, ServerMetricsSummary, ServerTimelinePoint } from '../model/server-metrics.js';
import type { Summary } from '../model/summary.js';
import { formatMs, formatNumber, formatPct } from '../text/format.js';
import { maskUrlOnce } from './mask-once.js';

/**
 * report.html's "Server metrics" section (--server-metrics runs only; '' otherwise): queue depth and KV-cache
 * use over time beside the load's users, the server's latencies beside ours, the TTFT gap explained and the
 * saturation verdict. Self-contained SVG like the rest of the page (no script); its own module so the page's
 * chart code can change without it.
 */
export function renderServerMetricsSection(summary: Summary): string {
  const server = summary.serverMetrics;
  if (server === undefined) return '';
  const endpoints = server.endpoints
    .map(
      (e) =>
        `<tr><td><code>${esc(maskUrlOnce(e.url))}</code></td><td>${esc(e.server)}</td><td class="n">${e.scrapes}</td><td class="n ${e.failed > 0 ? 'warn' : ''}">${e.failed}</td><td>${esc(e.lastError ?? '–')}</td><td class="n">${e.rawFamilies}</td></tr>`,
    )
    .join('');
  const saturationClass = server.saturation.state === 'queued' ? 'warn' : server.saturation.state === 'not-queued' ? 'ok' : 'note';
  return `<section data-key="serverMetrics"><h2>Server metrics</h2>
<p class="${saturationClass}" data-key="serverMetrics.saturation">${esc(capitalize(server.saturation.verdict))}.</p>
${renderCharts(summary, server)}
${renderLatencies(summary, server)}
${renderComparison(server)}
<h3>Endpoints</h3><table><tr><th>URL</th><th>server</th><th class="n">scrapes</th><th class="n">failed</th><th>last error</th><th class="n">raw families</th></tr>${endpoints}</table>
<p class="note">Scraped every ${esc(formatNumber(server.intervalS, 1))} s, each scrape with a ${esc(formatMs(server.timeoutMs))} ms deadline; every sample is in server-metrics.jsonl. ${esc(capitalize(server.percentileMethod))}.</p></section>`;
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
  return `<h3>Latency (ms): ours beside the server's</h3><table><tr><th>metric</th><th>side</th><th class="n">mean</th><th class="n">p50</th><th class="n">p95</th><th class="n">p99</th><th class="n">count</th></tr>${rows}</table>${figures.length === 0 ? '' : `<p class="note">Server: ${esc(figures.join(' · '))}.</p>`}`;
}

function renderComparison(server: ServerMetricsSummary): string {
  const c = server.comparison;
  if (c === null) return '<p class="note">The server publishes no TTFT histogram we know: no TTFT comparison.</p>';
  const d = c.difference;
  return `<h3>TTFT: ours − the server's</h3><p data-key="serverMetrics.comparison.difference.mean" data-value="${d.mean ?? ''}">Mean ${esc(formatMs(d.mean))} ms · p50 ${esc(formatMs(d.p50))} ms · p95 ${esc(formatMs(d.p95))} ms · p99 ${esc(formatMs(d.p99))} ms</p><p class="note">${esc(capitalize(c.explanation))}</p>`;
}

const W = 560;
const H = 200;
const PAD = { left: 50, right: 10, top: 10, bottom: 26 };
const COLORS = ['var(--c1,#0969da)', 'var(--c4,#cf222e)', 'var(--mute,#57606a)'];

interface Line {
  name: string;
  points: ReadonlyArray<[number, number | null]>;
  dashed?: boolean;
}

function renderCharts(summary: Summary, server: ServerMetricsSummary): string {
  const tl = server.timeline;
  if (tl.length === 0) return '<p class="note">No scrape succeeded: nothing to draw.</p>';
  const users: Array<[number, number | null]> = summary.timeline.map((p) => [p.t + 1, p.users]);
  const pick = (f: (p: ServerTimelinePoint) => number | null): Array<[number, number | null]> => tl.map((p) => [Math.max(0, p.t), f(p)]);
  const queue = chart('server-queue', 'Queue depth beside the load', [
    { name: 'running', points: pick((p) => p.running) },
    { name: 'waiting', points: pick((p) => p.waiting) },
    { name: 'our users', points: users, dashed: true },
  ]);
  const kv = chart('server-kv', 'KV-cache use (%)', [{ name: 'KV cache', points: pick((p) => (p.kvCacheUsage === null ? null : p.kvCacheUsage * 100)) }], 100);
  return `<div class="grid">${queue}${kv}</div>`;
}

function chart(id: string, title: string, lines: readonly Line[], fixedMax?: number): string {
  const all = lines.flatMap((line) => line.points);
  const xMax = Math.max(1, ...all.map(([t]) => t));
  const yMax = fixedMax ?? Math.max(1, ...all.map(([, v]) => v ?? 0));
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (t: number): string => (PAD.left + (t / xMax) * iw).toFixed(1);
  const y = (v: number): string => (PAD.top + ih - (v / yMax) * ih).toFixed(1);
  const ticks = [0, yMax / 2, yMax];
  const grid = ticks
    .map((v) => `<line class="grid-line" stroke="#eaeef2" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}"/><text x="${PAD.left - 4}" y="${y(v)}" dy="3" text-anchor="end">${esc(formatNumber(v, v < 10 && !Number.isInteger(v) ? 1 : 0))}</text>`)
    .join('');
  const xLabels = [0, xMax / 2, xMax].map((t) => `<text x="${x(t)}" y="${H - 8}" text-anchor="middle">${esc(formatNumber(t, 0))}s</text>`).join('');
  const paths = lines
    .map((line, i) => {
      let d = '';
      let pen = false;
      for (const [t, v] of line.points) {
        if (v === null) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${x(t)} ${y(v)}`;
        pen = true;
      }
      return `<path d="${d}" fill="none" stroke="${COLORS[i % COLORS.length] as string}" stroke-width="1.6"${line.dashed === true ? ' stroke-dasharray="4 3"' : ''}/>`;
    })
    .join('');
  const legend = lines.map((line, i) => `<i style="background:${COLORS[i % COLORS.length] as string}"></i>${esc(line.name)}`).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><div class="legend">${legend}</div><svg class="chart" data-chart="${id}" viewBox="0 0 ${W} ${H}" role="img"><title>${esc(lines.map((line) => line.name).join(', '))}</title>${grid}<line class="axis" stroke="#8c959f" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + ih}" y2="${PAD.top + ih}"/>${xLabels}${paths}</svg></figure>`;
}

function capitalize(text: string): string {
  return text === '' ? text : `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
