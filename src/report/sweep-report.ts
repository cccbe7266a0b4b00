/** A sweep's renderers (docs/experiments.md "Sweep files"): the console table, sweep.csv and report.html. */
import type { SweepPoint, SweepSummary } from '../model/experiment.js';
import * as format from '../text/format.js';
import { csvField, escapeHtml, renderLineChart } from './svg-chart.js';

const WRITTEN: format.NumberStyle = { rounding: 'written' };

export const SWEEP_CSV_COLUMNS = [
  'load',
  'source',
  'rps',
  'output_tokens_per_second',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
  'e2e_p50_ms',
  'e2e_p95_ms',
  'e2e_p99_ms',
  'requests_ok',
  'requests_failed',
  'error_rate',
  'goodput_rps',
  'slo_passed',
  'knee',
  'out_dir',
] as const;

/** One row per point in the order measured; `knee` is 1 on the knee's point. */
export function renderSweepCsv(summary: SweepSummary): string {
  const rows = summary.points.map((p) =>
    [
      p.load,
      p.source,
      p.rps,
      p.outputTokensPerSecond,
      p.ttftMs.p50,
      p.ttftMs.p95,
      p.ttftMs.p99,
      p.e2eMs.p50,
      p.e2eMs.p95,
      p.e2eMs.p99,
      p.requests.ok,
      p.requests.failed,
      p.errorRate,
      p.goodput,
      p.sloPassed === null ? null : p.sloPassed ? 1 : 0,
      p.source !== 'bisect' && p.load === summary.knee.load ? 1 : 0,
      p.outDir,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[SWEEP_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The table the console and the page share: one row per point, lightest load first. */
export function buildSweepTable(summary: SweepSummary): { heads: string[]; rows: string[][] } {
  const withSlo = summary.answer !== null;
  const heads = [summary.sweepOver === 'users' ? 'users' : 'rate', 'req/s', 'out tok/s', 'TTFT p50/p95', 'E2E p50/p95', 'failed'];
  if (withSlo) heads.push('goodput', 'SLOs');
  const rows = sortedPoints(summary).map((p) => {
    const cells = [
      `${format.formatNumber(p.load, p.load % 1 === 0 ? 0 : 2, WRITTEN)}${p.source === 'ladder' ? '' : ` (${p.source === 'knee' ? 'knee probe' : 'bisect'})`}${p.source !== 'bisect' && p.load === summary.knee.load ? ' ← knee' : ''}`,
      format.formatNumber(p.rps, 2, WRITTEN),
      format.formatNumber(p.outputTokensPerSecond, 1, WRITTEN),
      pair(p.ttftMs.p50, p.ttftMs.p95),
      pair(p.e2eMs.p50, p.e2eMs.p95),
      format.formatCount(p.requests.failed, WRITTEN),
    ];
    if (withSlo) cells.push(p.goodput === null ? '-' : format.formatNumber(p.goodput, 2, WRITTEN), p.sloPassed === true ? 'met' : 'failed');
    return cells;
  });
  return { heads, rows };
}

/** The answers in words: the knee, the best point, the SLO answer, why it stopped, what it cost. */
export function describeSweepAnswers(summary: SweepSummary): string[] {
  const unit = summary.sweepOver === 'users' ? 'users' : 'req/s offered';
  const lines = [
    summary.knee.load === null ? `Knee: none found (${summary.knee.detail})` : `Knee: ${summary.knee.load} ${unit} (${summary.knee.detail})`,
    `  method: ${summary.knee.method}`,
  ];
  if (summary.best !== null) lines.push(`Best ${summary.best.metric}: ${format.formatNumber(summary.best.value, 2, WRITTEN)} req/s at ${summary.best.load} ${unit}`);
  if (summary.answer !== null) {
    const a = summary.answer;
    lines.push(
      a.maxLoad === null
        ? `SLO answer (${a.slo.join(', ')}): no load met them (${a.detail})`
        : `SLO answer (${a.slo.join(', ')}): up to ${a.maxLoad} ${unit}${a.bisected ? ', narrowed by bisection' : ''} (${a.detail})`,
    );
  }
  lines.push(`Stopped: ${summary.stop.reason} (${summary.stop.detail})`);
  const budget = summary.budget.budgetS === null ? 'no budget' : `budget ${summary.budget.budgetS} s`;
  lines.push(`Cost: ${summary.budget.spentS} s for ${summary.points.length} points (${budget}; planned: ${summary.budget.plan})`);
  return lines;
}

export function renderSweepConsole(summary: SweepSummary, outDir: string | null): string {
  const table = buildSweepTable(summary);
  const widths = table.heads.map((head, i) => Math.max(head.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`;
  const out = [`Sweep over ${summary.sweepOver === 'users' ? 'concurrent users' : 'request rate'}: ${summary.target.model} at ${summary.target.url}`, line(table.heads), ...table.rows.map(line), '', ...describeSweepAnswers(summary)];
  if (outDir !== null) out.push(`Files: ${outDir} (summary.json, sweep.csv, report.html, points/)`);
  return `${out.join('\n')}\n`;
}

export function renderSweepHtml(summary: SweepSummary): string {
  const points = sortedPoints(summary);
  const x = summary.sweepOver === 'users' ? 'concurrent users' : 'offered rate (req/s)';
  const mark = summary.knee.load === null ? null : { x: summary.knee.load, label: `knee ${summary.knee.load}` };
  const throughput = renderLineChart({
    title: 'Throughput',
    xLabel: x,
    yLabel: 'req/s',
    series: [
      { name: 'successful req/s', color: '#2563eb', points: points.map((p) => [p.load, p.rps] as const) },
      ...(summary.answer === null ? [] : [{ name: 'goodput (SLOs met)', color: '#16a34a', points: points.map((p) => [p.load, p.goodput] as const) }]),
    ],
    mark,
  });
  const latency = renderLineChart({
    title: 'Latency (p95)',
    xLabel: x,
    yLabel: 'ms',
    series: [
      { name: 'TTFT p95', color: '#9333ea', points: points.map((p) => [p.load, p.ttftMs.p95] as const) },
      { name: 'E2E p95', color: '#ea580c', points: points.map((p) => [p.load, p.e2eMs.p95] as const) },
    ],
    mark,
  });
  const table = buildSweepTable(summary);
  const head = `<tr>${table.heads.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  const answers = describeSweepAnswers(summary)
    .map((line) => `<li>${escapeHtml(line.trim())}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep: ${escapeHtml(summary.target.model)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1000px}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}svg{max-width:100%;height:auto;display:block;margin:12px 0}</style>
</head><body>
<h1>Sweep over ${summary.sweepOver === 'users' ? 'concurrent users' : 'request rate'}</h1>
<p>${escapeHtml(summary.target.model)} at ${escapeHtml(summary.target.url)} · ${escapeHtml(summary.startedAt)} → ${escapeHtml(summary.endedAt)}</p>
<h2>Answers</h2>
<ul>
${answers}
</ul>
<h2>Charts</h2>
${throughput}
${latency}
<h2>Points</h2>
<table>
${head}
${body}
</table>
<p>Each point is a run of its own (its folder under points/ holds its report); its first ${summary.points[0]?.settleS ?? 0} s are left out while its users settle.</p>
</body></html>
`;
}

function sortedPoints(summary: SweepSummary): SweepPoint[] {
  return [...summary.points].sort((a, b) => a.load - b.load);
}

function pair(p50: number | null, p95: number | null): string {
  return [p50, p95].map((ms) => (ms === null ? '-' : format.formatMs(ms, 'brief', WRITTEN))).join('/');
}
