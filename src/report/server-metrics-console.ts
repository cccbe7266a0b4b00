import type { ServerLatency, ServerMetricsSummary } from '../model/server-metrics.js';
import { escapeControl } from '../text/escape.js';
import { formatMs as formatMsBare, formatNumber, formatPct } from '../text/format.js';
import { PLAIN_STYLE, type TextStyle } from '../text/style.js';
import { maskUrlOnce } from './mask-once.js';

const LABEL_WIDTH = 12;

function formatMs(ms: number | null): string {
  return ms === null ? '–' : `${formatMsBare(ms)} ms`;
}

/**
 * The console report's "Server" block (after our latency table): the server's figures beside ours, its
 * TTFT against ours with the difference explained, and the saturation verdict. Empty without --server-metrics.
 */
export function renderServerMetricsLines(server: ServerMetricsSummary | undefined, style: TextStyle = PLAIN_STYLE): string[] {
  if (server === undefined) return [];
  const lines: string[] = ['', style.bold(`Server (scraped every ${formatNumber(server.intervalS, 1)} s)`)];
  const row = (label: string, value: string): void => {
    lines.push(`${style.dim(label.padEnd(LABEL_WIDTH))}${value}`);
  };
  for (const endpoint of server.endpoints) {
    const failed = endpoint.failed === 0 ? '' : style.yellow(` · ${endpoint.failed} failed (last: ${escapeControl(endpoint.lastError ?? '')})`);
    row('Endpoint', `${escapeControl(maskUrlOnce(endpoint.url))} · ${endpoint.server} · ${endpoint.scrapes} scrapes${failed}`);
  }
  const latency = (label: string, stats: ServerLatency | null): void => {
    if (stats === null || stats.count === 0) return;
    row(label, `mean ${formatMs(stats.mean)} · p50 ${formatMs(stats.p50)} · p95 ${formatMs(stats.p95)} · p99 ${formatMs(stats.p99)} · ${formatNumber(stats.count, 0)} requests`);
  };
  latency('TTFT', server.ttft);
  latency('E2E', server.e2e);
  latency('Queue time', server.queueTime);
  const gauges: string[] = [];
  if (server.running !== null) gauges.push(`running max ${formatNumber(server.running.max, 0)} (mean ${formatNumber(server.running.mean, 1)})`);
  if (server.waiting !== null) gauges.push(`waiting max ${formatNumber(server.waiting.max, 0)} (mean ${formatNumber(server.waiting.mean, 1)})`);
  if (server.kvCacheUsage !== null) gauges.push(`KV cache max ${formatPct(server.kvCacheUsage.max)} (mean ${formatPct(server.kvCacheUsage.mean)})`);
  if (gauges.length > 0) row('Gauges', gauges.join(' · '));
  const rates: string[] = [];
  if (server.generationTokensPerSecond !== null) rates.push(`${formatNumber(server.generationTokensPerSecond, 1)} generated tokens/s`);
  if (server.promptTokensPerSecond !== null) rates.push(`${formatNumber(server.promptTokensPerSecond, 1)} prompt tokens/s`);
  if (server.prefixCacheHitRate !== null) rates.push(`prefix-cache hits ${formatPct(server.prefixCacheHitRate)}`);
  if (rates.length > 0) row('Throughput', rates.join(' · '));
  const comparison = server.comparison;
  if (comparison !== null && comparison.difference.mean !== null) {
    const d = comparison.difference;
    row('TTFT gap', `ours − server's: mean ${formatMs(d.mean)} · p50 ${formatMs(d.p50)} · p95 ${formatMs(d.p95)} · p99 ${formatMs(d.p99)}`);
    lines.push(`  ${style.dim(escapeControl(comparison.explanation))}`);
  }
  const saturation = server.saturation;
  const color = saturation.state === 'queued' ? style.yellow : saturation.state === 'not-queued' ? style.green : style.dim;
  row('Saturation', color(escapeControl(saturation.verdict)));
  lines.push(style.dim(`  ${server.percentileMethod.charAt(0).toUpperCase()}${server.percentileMethod.slice(1)}`));
  return lines;
}
