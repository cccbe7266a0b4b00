/** A sweep's renderers (docs/experiments.md "Sweep files"): the console table, sweep.csv and report.html. */
import type { SweepPoint, SweepStopReason, SweepSummary } from '../model/experiment.js';
import * as format from '../text/format.js';
import { csvField } from './csv.js';
import { renderDefinitionList, renderTable, type PageSection } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import type { ChartSpec } from './html/chart-spec.js';
import { dataAttrs, esc } from './html/escape.js';
import { renderPage } from './html/page.js';
import { maskUrlOnce } from './mask-once.js';

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

/** Why the ladder stopped, in words (the detail says by how much). */
const STOP_WORDS: Readonly<Record<SweepStopReason, string>> = {
  'throughput-flat': 'throughput stopped rising with the load',
  'latency-exploded': 'latency grew past its limit',
  errors: 'too many requests failed',
  'slo-failed': 'the SLOs failed at two points in a row',
  'max-load': 'it reached the most load allowed',
  'ladder-done': 'every point of the ladder was measured',
  budget: 'the time budget ran out',
  interrupted: 'it was stopped from outside',
};

/**
 * report.html of a sweep: the answers (knee, best point, SLO answer) beside throughput and latency
 * against the load with the knee marked, the points' table, and how the sweep ran and what it cost.
 * Built from the same page, sections and chart specs as a run's report.
 */
export function renderSweepHtml(summary: SweepSummary): string {
  const over = summary.sweepOver === 'users' ? 'concurrent users' : 'request rate';
  const charts = buildSweepCharts(summary);
  const table = buildSweepTable(summary);
  const settleS = summary.points[0]?.settleS ?? 0;
  const sections: PageSection[] = [
    { id: 'answers', title: 'Capacity', body: `${renderAnswers(summary)}${charts.length === 0 ? '<p class="note">No point was measured.</p>' : renderChartGrid(charts)}` },
    {
      id: 'points',
      title: 'Points',
      body: `${renderTable(
        table.heads.map((head, i) => ({ head, numeric: i >= 1 && head !== 'SLOs' })),
        table.rows,
        { rowAttrs: (r) => `data-key="sweep.points.${r}"` },
      )}<p class="note">Lightest load first. Latencies in ms of successful requests, each point after its first ${esc(format.formatNumber(settleS, 1, WRITTEN))} s (left out while its users settle). Each point is a run of its own: its folder under points/ holds its own report.</p>`,
    },
    { id: 'run', title: 'How the sweep ran', body: renderRun(summary) },
  ];
  const interrupted = summary.stop.reason === 'interrupted';
  return renderPage({
    title: `llm-loadtest sweep: ${summary.target.model}`,
    heading: `Sweep over ${over}`,
    subtitleHtml: `${esc(maskUrlOnce(summary.target.url))} · ${esc(summary.target.model)} · ${esc(summary.target.apiType)} · ${esc(summary.startedAt)} · ${esc(summary.tool)} ${esc(summary.version)}`,
    bannerHtml: interrupted
      ? `<div class="banner" role="alert" data-key="banner">Interrupted: ${esc(summary.stop.detail)}. The sweep stopped early: its answers cover only the ${summary.points.length} point${summary.points.length === 1 ? '' : 's'} measured before the stop.</div>`
      : '',
    sections,
    charts,
  });
}

/** The load in words: "4 users", "8 req/s". */
function loadText(summary: SweepSummary, load: number): string {
  return `${format.formatNumber(load, load % 1 === 0 ? 0 : 2, WRITTEN)} ${summary.sweepOver === 'users' ? (load === 1 ? 'user' : 'users') : 'req/s'}`;
}

/** The three answers as cards (knee, best point, SLO answer), each explained underneath. */
function renderAnswers(summary: SweepSummary): string {
  const { knee, best, answer } = summary;
  const card = (key: string, value: number | null, text: string, title: string): string => `<div class="card"><b ${dataAttrs(key, value)}>${esc(text)}</b><span>${esc(title)}</span></div>`;
  const cards = [card('sweep.knee', knee.load, knee.load === null ? 'none found' : loadText(summary, knee.load), 'Knee: where more load stops paying')];
  if (best !== null) {
    cards.push(card('sweep.best', best.value, `${format.formatNumber(best.value, 2, WRITTEN)} req/s`, `Best ${best.metric === 'goodput' ? 'goodput (SLOs met)' : 'throughput'}, at ${loadText(summary, best.load)}`));
  }
  if (answer !== null) {
    cards.push(card('sweep.answer', answer.maxLoad, answer.maxLoad === null ? 'no load met them' : `up to ${loadText(summary, answer.maxLoad)}`, `Most load meeting ${answer.slo.join(', ')}`));
  }
  const lines = [`Knee: ${knee.detail}. Method: ${knee.method}.`];
  if (answer !== null) {
    lines.push(
      `SLO answer: ${answer.detail}${answer.firstFailingLoad === null ? '' : `; the lightest load failing them: ${loadText(summary, answer.firstFailingLoad)}`}${answer.bisected ? '; narrowed by bisection' : ''}.`,
    );
  }
  return `<div class="cards">${cards.join('')}</div><ul data-key="sweep.answers">${lines.map((line) => `<li>${esc(line)}</li>`).join('')}</ul>`;
}

/** Why it stopped, what it cost against the budget and plan, and how the points came to be. */
function renderRun(summary: SweepSummary): string {
  const { budget, stop } = summary;
  const count = (source: SweepPoint['source']): number => summary.points.filter((p) => p.source === source).length;
  const point = summary.points[0];
  const items: Array<readonly [string, string]> = [
    ['Stopped because', `${STOP_WORDS[stop.reason]}: ${stop.detail}`],
    ['Time spent', `${format.formatNumber(budget.spentS, 0, WRITTEN)} s${budget.budgetS === null ? ', no budget set' : ` of a budget of ${format.formatNumber(budget.budgetS, 0, WRITTEN)} s`}`],
    ['Plan', budget.plan],
    ['Points measured', `${summary.points.length}: ${count('ladder')} on the ladder, ${count('knee')} narrowing the knee, ${count('bisect')} narrowing the SLO answer`],
  ];
  if (point !== undefined) items.push(['Each point', `${format.formatNumber(point.settleS, 1, WRITTEN)} s to settle, then ${format.formatNumber(point.durationS, 1, WRITTEN)} s measured`]);
  items.push(['Started', summary.startedAt], ['Ended', summary.endedAt]);
  return `<div data-key="sweep.run">${renderDefinitionList(items)}</div>`;
}

/**
 * Throughput (req/s with goodput, output tokens/s) and latency (TTFT and E2E p50/p95) against the load,
 * lightest first, with the knee marked; x on a log scale when the ladder spans 8× or more (it doubles).
 * The values are the points' own figures, unrounded.
 */
function buildSweepCharts(summary: SweepSummary): ChartSpec[] {
  const points = sortedPoints(summary);
  if (points.length === 0) return [];
  const x = points.map((p) => p.load);
  const users = summary.sweepOver === 'users';
  const by = users ? 'by users' : 'by offered rate';
  const first = x[0] as number;
  const base = {
    kind: 'xy' as const,
    xLabel: users ? 'users' : 'offered rate',
    xUnit: users ? 'users' : 'req/s',
    x,
    xLog: first > 0 && (x[x.length - 1] as number) / first >= 8,
    marks: summary.knee.load === null ? [] : [{ x: summary.knee.load, label: `knee: ${loadText(summary, summary.knee.load)}` }],
  };
  const specs: ChartSpec[] = [
    {
      ...base,
      id: 'sweep-rps',
      title: `Throughput ${by}`,
      yUnit: 'req/s',
      series: [
        { label: 'successful req/s', values: points.map((p) => p.rps) },
        ...(summary.answer === null ? [] : [{ label: 'goodput (SLOs met)', values: points.map((p) => p.goodput) }]),
      ],
      note: `Dashed: the knee (${summary.knee.load === null ? 'none found' : loadText(summary, summary.knee.load)}).${base.xLog ? ' Load on a log scale.' : ''}`,
    },
    { ...base, id: 'sweep-tokens', title: `Output tokens per second ${by}`, yUnit: 'tok/s', color: 2, series: [{ label: 'output tokens/s', values: points.map((p) => p.outputTokensPerSecond) }] },
    { ...base, id: 'sweep-ttft', title: `TTFT ${by}`, yUnit: 'ms', color: 4, series: [{ label: 'TTFT p50', values: points.map((p) => p.ttftMs.p50) }, { label: 'TTFT p95', values: points.map((p) => p.ttftMs.p95) }] },
    { ...base, id: 'sweep-e2e', title: `E2E ${by}`, yUnit: 'ms', color: 5, series: [{ label: 'E2E p50', values: points.map((p) => p.e2eMs.p50) }, { label: 'E2E p95', values: points.map((p) => p.e2eMs.p95) }] },
  ];
  // Without streaming there is no TTFT: its chart is left out rather than drawn empty.
  return specs.filter((spec) => spec.series.some((series) => series.values.some((v) => v !== null)));
}

function sortedPoints(summary: SweepSummary): SweepPoint[] {
  return [...summary.points].sort((a, b) => a.load - b.load);
}

function pair(p50: number | null, p95: number | null): string {
  return [p50, p95].map((ms) => (ms === null ? '-' : format.formatMs(ms, 'brief', WRITTEN))).join('/');
}
