import { percentileOfSorted } from '../metrics/math.js';
import type { RequestRecord, Summary, TimelinePoint } from '../model/summary.js';
import { formatBySize, formatChangePct, formatNumber, formatPct } from '../text/format.js';
import { STATUS_TEXT, type CompareInput, type Comparison } from './compare.js';
import { renderCallout, renderTable, type PageSection, type TableCell } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import type { ChartSeries, ChartSpec } from './html/chart-spec.js';
import { dataAttrs, esc } from './html/escape.js';
import { renderPage } from './html/page.js';
import { bucketSecondsFor, meanPerBucket } from './html/run-charts.js';
import { roundForChart } from './html/scale.js';
import { maskUrlOnce } from './mask-once.js';

/**
 * compare.html: N runs side by side (two for `compare`; the targets of one run for a multi-target run):
 * the verdict of the comparison when there is one, each run's key figures beside the first's, their
 * rates and TTFT over time on shared axes, and their latency by percentile.
 */
export function renderComparisonHtml(runsIn: readonly CompareInput[], comparisonIn: Comparison | null = null): string {
  const charts: ChartSpec[] = [];
  const names = shortLabels(runsIn.map((r) => r.label));
  const runs = runsIn.map((r, i) => ({ ...r, label: names[i] ?? r.label }));
  const comparison = comparisonIn === null ? null : { ...comparisonIn, baseline: names[0] ?? comparisonIn.baseline, candidate: names[1] ?? comparisonIn.candidate };
  const sections = buildComparisonSections(runs, comparison, charts);
  return renderPage({
    title: `llm-loadtest: ${names.join(' vs ')}`,
    heading: runs.length === 2 ? 'Comparison of two runs' : `Comparison of ${runs.length} runs`,
    subtitleHtml: runsIn.map((r) => esc(r.label)).join(' · '),
    bannerHtml: renderInterruptedBanner(runs),
    sections,
    charts,
  });
}

/** The sections of a comparison page; the charts they draw are pushed onto `charts` (ids prefixed "cmp-"). */
export function buildComparisonSections(runs: readonly CompareInput[], comparison: Comparison | null, charts: ChartSpec[]): PageSection[] {
  const sections: PageSection[] = [];
  if (comparison !== null) sections.push({ id: 'verdict', title: 'Verdict', body: renderVerdict(comparison) });
  sections.push({ id: 'runs', title: 'Runs', body: renderRuns(runs) });
  sections.push({ id: 'figures', title: 'Key figures', body: renderFigures(runs) });
  const time = buildOverlaidTimeCharts(runs);
  charts.push(...time);
  sections.push({ id: 'time', title: 'Over time', body: `<p class="note">Seconds since each run started. Hover for the values of every run; drag to zoom, double-click to zoom out; click a run in the legend to hide it.</p>${renderChartGrid(time)}` });
  const latency = buildPercentileCharts(runs);
  charts.push(...latency);
  sections.push({ id: 'latency', title: 'Latency by percentile', body: renderChartGrid(latency) });
  if (comparison !== null && comparison.notes.length > 0) {
    sections.push({ id: 'notes', title: 'Notes', body: `<ul>${comparison.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` });
  }
  return sections;
}

/**
 * Run folders as column heads: the last part of each path (without summary.json or results.jsonl), or
 * the labels as given when that would make two alike.
 */
export function shortLabels(labels: readonly string[]): string[] {
  const short = labels.map((label) => {
    const parts = label.replace(/[\\/]+(summary\.json|results\.jsonl)$/, '').split(/[\\/]+/).filter((p) => p !== '');
    return parts[parts.length - 1] ?? label;
  });
  return new Set(short).size === short.length ? short : [...labels];
}

function renderVerdict(c: Comparison): string {
  const regressed = c.metrics.filter((m) => m.status === 'regression').map((m) => m.label);
  const verdict = c.regressed
    ? renderCallout('bad', `<b>REGRESSION</b>: ${esc(regressed.join(', '))} worse than ${c.regressPct}% beyond the noise.`, 'compare.verdict')
    : renderCallout('ok', `<b>No regression</b> beyond ${c.regressPct}%${c.noiseAssessed ? ' and the run-to-run noise' : ''}.`, 'compare.verdict');
  const rows = c.metrics.map((m): Array<string | TableCell> => [
    `${m.label}${m.unit === '' ? '' : ` (${m.unit})`}`,
    { html: esc(formatBySize(m.baseline)), attrs: dataAttrs(`compare.${m.key}.baseline`, m.baseline) },
    { html: esc(formatBySize(m.candidate)), attrs: dataAttrs(`compare.${m.key}.candidate`, m.candidate) },
    { html: esc(m.changePct === null ? '–' : formatChangePct(m.changePct)), attrs: dataAttrs(`compare.${m.key}.change`, m.changePct) },
    m.changeInterval === null ? '–' : `${formatChangePct(m.changeInterval[0])} … ${formatChangePct(m.changeInterval[1])}`,
    { html: esc(`${STATUS_TEXT[m.status]}${m.gated ? '' : ' ·'}`), className: m.status === 'regression' ? 'bad' : m.status === 'improved' ? 'ok' : '' },
  ]);
  const columns = [{ head: 'metric' }, { head: c.baseline, numeric: true }, { head: c.candidate, numeric: true }, { head: 'change', numeric: true }, { head: '95% interval', numeric: true }, { head: 'status' }];
  return `${verdict}${renderTable(columns, rows, { rowHeads: true })}<p class="note">Baseline: ${esc(c.baseline)}; candidate: ${esc(c.candidate)}. · = shown for context, does not gate (throughput and p95/p99 latency gate).</p>`;
}

function isInterrupted(s: Summary): boolean {
  return s.verdict === 'interrupted' || s.stop?.reason === 'interrupted';
}

function renderInterruptedBanner(runs: readonly CompareInput[]): string {
  const stopped = runs.filter((r) => isInterrupted(r.summary)).map((r) => r.label);
  if (stopped.length === 0) return '';
  return `<div class="banner" role="alert" data-key="banner">Interrupted: ${esc(stopped.join(', '))} stopped early; its figures cover only the part before the stop.</div>`;
}

function renderRuns(runs: readonly CompareInput[]): string {
  const rows = runs.map((r): string[] => [
    r.label,
    maskUrlOnce(r.summary.target.url),
    r.summary.target.model,
    r.summary.startedAt,
    `${formatNumber(r.summary.measuredSeconds, 1)} s`,
    isInterrupted(r.summary) ? 'INTERRUPTED' : r.summary.thresholds.passed ? 'passed' : 'FAILED',
    formatNumber(r.summary.requests.total, 0),
    r.records === null ? 'summary only' : 'records',
  ]);
  const columns = [{ head: 'run' }, { head: 'URL' }, { head: 'model' }, { head: 'started' }, { head: 'measured', numeric: true }, { head: 'verdict' }, { head: 'requests', numeric: true }, { head: 'figures from' }];
  return renderTable(columns, rows, { rowHeads: true });
}

interface Figure {
  key: string;
  label: string;
  value: (s: Summary) => number | null;
  text: (v: number | null) => string;
}

const ms = (v: number | null): string => formatBySize(v);
const FIGURES: Figure[] = [
  { key: 'rps', label: 'Requests/s (successful)', value: (s) => s.rps, text: (v) => formatNumber(v, 2) },
  { key: 'tokens.outputPerSecond', label: 'Output tokens/s', value: (s) => s.tokens.outputPerSecond, text: (v) => formatNumber(v, 1) },
  { key: 'requests.successRate', label: 'Success rate', value: (s) => s.requests.successRate, text: (v) => formatPct(v) },
  { key: 'requests.total', label: 'Requests', value: (s) => s.requests.total, text: (v) => formatNumber(v, 0) },
  ...(['ttft', 'itl', 'e2e'] as const).flatMap((m) =>
    (['p50', 'p95', 'p99'] as const).map((p): Figure => ({ key: `latency.${m}.${p}`, label: `${m.toUpperCase()} ${p} (ms)`, value: (s) => s.latency[m][p], text: ms })),
  ),
];

/** One column per run; each run after the first also shows its change against the first. */
function renderFigures(runs: readonly CompareInput[]): string {
  const columns = [{ head: 'figure' }, ...runs.flatMap((r, i) => (i === 0 ? [{ head: r.label, numeric: true }] : [{ head: r.label, numeric: true }, { head: `vs ${runs[0]?.label ?? ''}`, numeric: true }]))];
  const rows = FIGURES.map((f): Array<string | TableCell> => {
    const first = runs[0] === undefined ? null : f.value(runs[0].summary);
    return [
      f.label,
      ...runs.flatMap((r, i): TableCell[] => {
        const v = f.value(r.summary);
        const cell = { html: esc(f.text(v)), attrs: dataAttrs(`figures.${f.key}.${i}`, v) };
        if (i === 0) return [cell];
        const change = v === null || first === null || first === 0 ? null : ((v - first) / first) * 100;
        return [cell, { html: esc(change === null ? '–' : formatChangePct(change)) }];
      }),
    ];
  });
  return renderTable(columns, rows, { rowHeads: true });
}

/** Rates and TTFT over time, one line per run, on one time axis (seconds since each run's start). */
function buildOverlaidTimeCharts(runs: readonly CompareInput[]): ChartSpec[] {
  const length = Math.max(0, ...runs.map((r) => r.summary.timeline.length));
  if (length === 0) return [];
  const bucketS = bucketSecondsFor(length);
  const buckets = Math.ceil(length / bucketS);
  const x = Array.from({ length: buckets }, (_, b) => b * bucketS);
  const overlay = (f: (p: TimelinePoint) => number | null): ChartSeries[] => runs.map((r) => ({ label: r.label, values: meanPerBucket(r.summary.timeline, bucketS, f, buckets) }));
  const base = { kind: 'time' as const, xLabel: 'time', xUnit: 's', x };
  return [
    { ...base, id: 'cmp-rps', title: 'Successful requests per second', yUnit: 'req/s', series: overlay((p) => Math.max(0, p.finished - p.failed)) },
    { ...base, id: 'cmp-tokens', title: 'Output tokens per second', yUnit: 'tok/s', series: overlay((p) => p.outputTokens) },
    { ...base, id: 'cmp-ttft', title: 'TTFT p50 over time', yUnit: 'ms', series: overlay((p) => p.ttftP50) },
    { ...base, id: 'cmp-errors', title: 'Errors per second', yUnit: 'err/s', series: overlay((p) => p.failed) },
  ];
}

/** With every run's records: each percentile 1–99 and the tail; otherwise the summary's own percentiles. */
const FULL_GRID = [...Array.from({ length: 99 }, (_, i) => i + 1), 99.5, 99.9];
const SUMMARY_GRID: Array<[number, 'p50' | 'p90' | 'p95' | 'p99' | 'p999']> = [[50, 'p50'], [90, 'p90'], [95, 'p95'], [99, 'p99'], [99.9, 'p999']];

function buildPercentileCharts(runs: readonly CompareInput[]): ChartSpec[] {
  const withRecords = runs.every((r) => r.records !== null);
  const x = withRecords ? FULL_GRID : SUMMARY_GRID.map(([p]) => p);
  const defs = [
    ['ttft', 'TTFT', 'ttftMs'],
    ['itl', 'ITL', 'itlMs'],
    ['e2e', 'E2E', 'e2eMs'],
  ] as const;
  return defs.map(([key, label, field]) => ({
    id: `cmp-${key}-pct`,
    title: `${label} by percentile`,
    kind: 'xy' as const,
    xLabel: 'percentile',
    xUnit: '%',
    yUnit: 'ms',
    x,
    series: runs.map((r) => ({
      label: r.label,
      values: withRecords
        ? percentilesOf(r.records ?? [], field, FULL_GRID)
        : SUMMARY_GRID.map(([, stat]) => roundForChart(r.summary.latency[key][stat])),
    })),
    note: withRecords ? 'Successful measured requests; exact percentiles (nearest rank).' : "From each run's summary (no records): p50, p90, p95, p99 and p99.9.",
  }));
}

function percentilesOf(records: readonly RequestRecord[], field: 'ttftMs' | 'itlMs' | 'e2eMs', grid: readonly number[]): Array<number | null> {
  const values: number[] = [];
  for (const r of records) {
    if (!r.ok || r.phase !== 'measure') continue;
    const v = r[field];
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  const sorted = Float64Array.from(values).sort();
  return grid.map((p) => roundForChart(percentileOfSorted(sorted, p)));
}
