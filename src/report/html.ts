import { FAILURE_HINTS } from '../failures/hints.js';
import { LATENCY_METRICS, LATENCY_STATS, latencyMetric, RUN_FIGURES, TIMELINE_SERIES } from '../model/metric-catalog.js';
import type { RequestRecord, Summary, TimelinePoint } from '../model/summary.js';
import type { FailureCategory } from '../failures/categories.js';
import { maskHeadersOnce, maskUrlOnce } from './mask-once.js';
import { percentileOfSorted } from '../metrics/math.js';
import { buildStepsTable } from './steps-table.js';
import { collectSortedValues, ttftBySentSecond } from './record-series.js';
import { formatMs, formatNumber, formatPct, formatPercentage } from '../text/format.js';

/**
 * report.html: one self-contained page (no script, no external request: a CSP forbids both) that a
 * person keeps, mails and prints. Charts are SVG drawn here at render time: smaller than any inlined
 * chart library, nothing to execute, and they print sharp.
 */
export function renderHtml(summary: Summary, records?: readonly RequestRecord[]): string {
  const name = summary.config.name ?? hostOf(summary.target.url);
  const sections = [
    renderVerdict(summary),
    renderNotes(summary),
    renderLatencyTable(summary),
    renderSteps(summary),
    renderTimeCharts(summary, records),
    renderHistograms(records),
    renderErrors(summary),
    renderSettings(summary),
    renderDefinitions(summary),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`llm-loadtest: ${name}`)}</title>
<style>${STYLE}</style></head>
<body><header><h1>${esc(name)}</h1>
<p class="sub">${esc(maskUrlOnce(summary.target.url))} · ${esc(summary.target.model)} · ${esc(summary.target.apiType)} · ${esc(summary.startedAt)} · ${formatNumber(summary.measuredSeconds, 1)} s measured · ${esc(summary.tool)} ${esc(summary.version)}</p></header>
${sections.join('\n')}
</body></html>
`;
}

const STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#57606a;--line:#d0d7de;--c1:#0969da;--c2:#bf3989;--c3:#1a7f37;--c4:#cf222e}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:6px 0}
.sub{color:var(--mute);margin:2px 0 0;word-break:break-all}
.verdict{display:flex;align-items:center;gap:12px;margin:14px 0 8px}.badge{font-weight:700;padding:4px 12px;border-radius:6px;color:#fff}
.pass{background:var(--ok)}.fail{background:var(--bad)}.degraded,.invalid{background:var(--warn)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.card b{display:block;font-size:20px}.card span{color:var(--mute);font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td>code:only-child{word-break:normal}.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}figcaption{font-weight:600;margin-bottom:2px}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}.legend{font-size:12px;color:var(--mute)}
svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#57606a}svg .grid-line{stroke:#eaeef2}svg .axis{stroke:#8c959f}svg .warmup{fill:#f6f8fa}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
.note{color:var(--mute);font-size:12px}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}dt{font-weight:600}dd{margin:0}
@media print{body{max-width:none;padding:0;font-size:11px;-webkit-print-color-adjust:exact;print-color-adjust:exact}section,figure,table{break-inside:avoid}.grid{grid-template-columns:1fr 1fr}}
`;

const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)'] as const;

function renderVerdict(s: Summary): string {
  const gen = s.generator.verdict;
  const interrupted = s.verdict === 'interrupted' || s.stop?.reason === 'interrupted';
  const status = interrupted ? 'invalid' : !s.thresholds.passed ? 'fail' : gen === 'ok' ? 'pass' : gen;
  const label = interrupted
    ? 'INTERRUPTED'
    : !s.thresholds.passed
      ? 'FAILED'
      : gen === 'ok'
        ? 'PASSED'
        : `PASSED, generator ${gen}`;
  const ttftMeasured = s.latency.ttft.notMeasured === undefined;
  type Card = [string, string, number | null, string];
  const rateCards: Card[] = [];
  if (s.rates !== undefined) {
    if (s.rates.offered !== null) rateCards.push(['Offered req/s', 'rates.offered', s.rates.offered, formatNumber(s.rates.offered, 2)]);
    rateCards.push(['Sent req/s', 'rates.sent', s.rates.sent, formatNumber(s.rates.sent, 2)]);
    rateCards.push(['Completed req/s (total)', 'rates.completed', s.rates.completed, formatNumber(s.rates.completed, 2)]);
  }
  const cards: Card[] = [
    ['Success rate', 'requests.successRate', s.requests.successRate, formatPct(s.requests.successRate)],
    ['Requests/s (successful)', 'rps', s.rps, formatNumber(s.rps, 2)],
    ...rateCards,
    ...(s.vectors === undefined
      ? ([['Output tokens / s', 'tokens.outputPerSecond', s.tokens.outputPerSecond, formatNumber(s.tokens.outputPerSecond, 1)]] as Card[])
      : ([
          ['Vectors / s', 'vectors.perSecond', s.vectors.perSecond, formatNumber(s.vectors.perSecond, 1)],
          ['Input tokens / s', 'tokens.totalPerSecond', s.tokens.totalPerSecond, formatNumber(s.tokens.totalPerSecond, 1)],
        ] as Card[])),
    ['TTFT p95', 'latency.ttft.p95', s.latency.ttft.p95, ttftMeasured ? formatMs(s.latency.ttft.p95) : 'not measured'],
    ['E2E p95', 'latency.e2e.p95', s.latency.e2e.p95, formatMs(s.latency.e2e.p95)],
    ['Requests', 'requests.total', s.requests.total, formatNumber(s.requests.total, 0)],
    ['OK', 'requests.ok', s.requests.ok, formatNumber(s.requests.ok, 0)],
    ['Failed', 'requests.failed', s.requests.failed, formatNumber(s.requests.failed, 0)],
    ['Incomplete', 'requests.incomplete', s.requests.incomplete, formatNumber(s.requests.incomplete, 0)],
  ];
  if (s.goodput !== null) cards.push(['Goodput (req/s in SLO)', 'goodput', s.goodput, formatNumber(s.goodput, 2)]);
  const cached = s.tokens.cached;
  if (cached !== undefined) {
    cards.push(['Cached input tokens (server usage)', 'tokens.cached.input', cached.input, formatNumber(cached.input, 0)]);
    if (cached.sharePct !== null) cards.push(['Cached share of input tokens', 'tokens.cached.sharePct', cached.sharePct, `${formatNumber(cached.sharePct, 1)}%`]);
  }
  const drift = s.tokens.reconciliation?.driftPct ?? null;
  if (drift !== null) {
    const flagged = s.tokens.reconciliation?.flagged === true ? ' FLAGGED' : '';
    cards.push([`Usage drift vs our count (±${s.tokens.reconciliation?.tolerancePct ?? ''}%)`, 'tokens.reconciliation.driftPct', drift, `${drift > 0 ? '+' : ''}${formatNumber(drift, 1)}%${flagged}`]);
  }
  const cardHtml = cards
    .map(
      ([title, key, value, text]) =>
        `<div class="card"><b ${dataAttrs(key, value)}>${esc(text)}</b><span>${esc(title)}</span></div>`,
    )
    .join('');
  const checks = s.thresholds.checks
    .map((c) => {
      const result = c.result ?? (c.passed ? 'passed' : 'failed');
      const cell =
        result === 'not_checked'
          ? `<td class="warn" data-key="check.${esc(c.name)}">not checked</td>`
          : `<td class="${c.passed ? 'ok' : 'bad'}" data-key="check.${esc(c.name)}">${c.passed ? 'pass' : 'FAIL'}</td>`;
      const note = c.note === undefined ? '' : `<div class="note">${esc(c.note)}</div>`;
      return `<tr><td>${esc(c.name)}${note}</td><td class="n">${esc(formatCheckValue(c.name, c.value))}</td><td>${esc(c.op)} ${esc(formatCheckValue(c.name, c.limit))}</td>${cell}</tr>`;
    })
    .join('');
  const reasons = s.generator.reasons.map((r) => `<li>${esc(r)}</li>`).join('');
  return `<section><div class="verdict"><span class="badge ${status}" data-key="verdict">${esc(label)}</span>
<span>${formatNumber(s.requests.total, 0)} requests in ${formatNumber(s.measuredSeconds, 1)} s measured${s.drainSeconds === undefined || s.drainSeconds === 0 ? '' : ` (+ ${formatNumber(s.drainSeconds, 1)} s drain)`}, output token counts from ${esc(s.tokens.source)}${s.tokens.inputSource === undefined ? '' : `, input from ${esc(s.tokens.inputSource === 'tokenizer' ? 'the tokenizer (estimated)' : s.tokens.inputSource)}`}</span></div>
${describeStop(s)}
<div class="cards">${cardHtml}</div>
<h3>Thresholds and SLOs</h3>
${checks === '' ? '<p class="note">No checks were configured.</p>' : `<table><tr><th>check</th><th class="n">value</th><th>limit</th><th>result</th></tr>${checks}</table>`}
<h3>Generator health: <span class="${gen === 'ok' ? 'ok' : 'warn'}" data-key="generator.verdict">${esc(gen)}</span></h3>
<p class="note">Event-loop delay p99 ${esc(formatMs(s.generator.eventLoopDelayP99Ms))} (max ${esc(formatMs(s.generator.maxMs))}), CPU ${esc(formatPercentage(s.generator.cpuPct, { digits: 0, round: 'nearest' }))}, open-file limit ${esc(s.generator.openFileLimit === null ? '–' : String(s.generator.openFileLimit))}, generator-side errors ${s.generator.generatorErrors}.</p>
${reasons === '' ? '' : `<ul>${reasons}</ul>`}</section>`;
}

/** How the run ended, when it did not run its course. */
function describeStop(s: Summary): string {
  const stop = s.stop;
  if (stop === undefined || stop.reason !== 'interrupted') return '';
  const when = stop.at === null ? '' : ` at ${stop.at}${stop.atS === null ? '' : ` (${formatNumber(stop.atS, 1)} s into the run)`}`;
  return `<p class="bad" data-key="stop">Interrupted${esc(when)}: ${esc(stop.detail ?? 'stopped from outside')}. The figures cover the part of the run before the stop; the checks are shown but the run did not run its course.</p>`;
}

/** Everything the run said about itself: dropped arrivals, backoff, estimates, usage drift, unchecked SLOs. */
function renderNotes(s: Summary): string {
  const notes = s.notes ?? [];
  if (notes.length === 0) return '';
  return `<section><h2>Notes</h2><ul data-key="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>`;
}

const STAT_COLUMNS = [{ id: 'count', label: 'count' }, ...LATENCY_STATS] as const;

function renderLatencyTable(s: Summary): string {
  const rows = LATENCY_METRICS.flatMap(({ key, title }) => {
    const stats = s.latency[key];
    if (stats === undefined) return [];
    if (stats.notMeasured !== undefined) {
      return [`<tr><th>${esc(title)}</th><td class="n" colspan="${STAT_COLUMNS.length}" data-key="latency.${key}" data-value="">not measured: ${esc(stats.notMeasured)}</td></tr>`];
    }
    const cells = STAT_COLUMNS.map(({ id }) => {
      const v = stats[id];
      const text = id === 'count' ? formatNumber(v, 0) : formatMs(v);
      return `<td class="n" ${dataAttrs(`latency.${key}.${id}`, v)}>${esc(text)}</td>`;
    }).join('');
    return [`<tr><th>${esc(title)}</th>${cells}</tr>`];
  });
  const head = STAT_COLUMNS.map(({ label }) => `<th class="n">${label}</th>`).join('');
  return `<section><h2>Latency (ms)</h2><table><tr><th>metric</th>${head}</tr>${rows.join('')}</table>
<p class="note">Successful measured requests only. ${esc(s.percentileMethod)}</p></section>`;
}

function renderSteps(s: Summary): string {
  if (s.steps === undefined || s.steps.length === 0) return '';
  const table = buildStepsTable(s.steps);
  const head = table.heads.map((h, i) => `<th${i < 3 ? '' : ' class="n"'}>${esc(h)}</th>`).join('');
  const rows = table.rows
    .map((cells, r) => `<tr data-key="steps.${r}">${cells.map((cell, i) => `<td${i < 3 ? '' : ' class="n"'}>${esc(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<section><h2>Per step</h2><table><tr>${head}</tr>${rows}</table>
<p class="note">Latencies in ms. ${esc(table.settleNote)}.</p></section>`;
}

interface Series {
  name: string;
  values: ReadonlyArray<number | null>;
}

function renderTimeCharts(s: Summary, records?: readonly RequestRecord[]): string {
  const tl = s.timeline;
  if (tl.length === 0) return '<section><h2>Over time</h2><p class="note">The run has no timeline.</p></section>';
  const pick = (f: (p: TimelinePoint) => number | null): Array<number | null> => tl.map(f);
  const ttftSeries: Series[] = [{ name: 'TTFT p50', values: pick((p) => p.ttftP50) }];
  const p95 = records === undefined ? null : computeTtftP95PerSecond(records, s, tl.length);
  if (p95 !== null) ttftSeries.push({ name: 'TTFT p95', values: p95 });
  const t = tl.map((p) => p.t);
  // Warmup seconds are shaded: the timeline shows them, the figures do not count them.
  const warmupS = s.measureStartS ?? 0;
  const chartFigure = (id: string, title: string, tt: readonly number[], series: readonly Series[], unit: string, color = 0): string =>
    renderChartFigure(id, title, tt, series, unit, color, warmupS);
  const charts = [
    chartFigure('users', 'Active users', t, [{ name: 'users', values: pick((p) => p.users) }], ''),
    chartFigure(
      'rps',
      'Requests per second',
      t,
      [
        { name: 'started (sent in the second)', values: pick((p) => p.started) },
        { name: 'finished ok (ended in the second)', values: pick((p) => Math.max(0, p.finished - p.failed)) },
      ],
      'req/s',
    ),
    chartFigure(
      'tokens',
      'Output tokens per second',
      t,
      [{ name: "tokens/s (each request's tokens spread over its first-to-last-token span)", values: pick((p) => p.outputTokens) }],
      'tok/s',
    ),
    chartFigure('ttft', 'TTFT over time (by the second the request was sent)', t, ttftSeries, 'ms'),
    chartFigure('errors', 'Errors per second', t, [{ name: 'failed', values: pick((p) => p.failed) }], 'err/s', 3),
  ];
  const note =
    p95 === null ? '<p class="note">TTFT p95 over time needs the records (results.jsonl); run `llm-loadtest report` on the run folder.</p>' : '';
  return `<section><h2>Over time (per second of the run)</h2><div class="grid">${charts.join('')}</div>${note}</section>`;
}

/** Per-second TTFT p95 from the records, aligned on the summary's timeline (second 0 = startedAt). */
function computeTtftP95PerSecond(records: readonly RequestRecord[], s: Summary, length: number): Array<number | null> | null {
  const origin = Date.parse(s.startedAt);
  if (!Number.isFinite(origin)) return null;
  const seconds = ttftBySentSecond(records, origin);
  const out: Array<number | null> = [];
  for (let i = 0; i < length; i++) {
    const values = (seconds[i] ?? []).slice().sort((a, b) => a - b);
    out.push(percentileOfSorted(values, 95));
  }
  return out;
}

const CHART_W = 560;
const CHART_H = 200;
const PAD = { left: 50, right: 10, top: 10, bottom: 26 };
/** Beyond this many seconds, points are averaged so the page stays small. */
const MAX_POINTS = 600;

function renderChartFigure(
  id: string,
  title: string,
  t: readonly number[],
  series: readonly Series[],
  unit: string,
  color: number,
  warmupS: number,
): string {
  const legend = series
    .map((se, i) => `<i style="background:${COLORS[(color + i) % COLORS.length]}"></i>${esc(se.name)}`)
    .join('');
  return `<figure><figcaption>${esc(title)}${unit === '' ? '' : ` <span class="note">(${esc(unit)})</span>`}</figcaption><div class="legend">${legend}</div>${renderLineChart(id, t, series, color, warmupS)}</figure>`;
}

function renderLineChart(id: string, tIn: readonly number[], seriesIn: readonly Series[], color: number, warmupS: number): string {
  const step = Math.ceil(tIn.length / MAX_POINTS);
  const t = downsample(tIn, step, 'first').map((v) => v ?? 0);
  const series = seriesIn.map((se) => ({ ...se, values: downsample(se.values, step, 'mean') }));
  const xMax = Math.max(1, t[t.length - 1] ?? 1);
  const yMaxRaw = Math.max(0, ...series.flatMap((se) => se.values.filter((v): v is number => v !== null)));
  const yTicks = niceTicks(yMaxRaw);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const xTicks = niceTicks(xMax);
  const iw = CHART_W - PAD.left - PAD.right;
  const ih = CHART_H - PAD.top - PAD.bottom;
  const x = (v: number): string => round1(PAD.left + (v / xMax) * iw);
  const y = (v: number): string => round1(PAD.top + ih - (v / yMax) * ih);
  const grid = yTicks
    .map((v) => `<line class="grid-line" x1="${PAD.left}" x2="${CHART_W - PAD.right}" y1="${y(v)}" y2="${y(v)}"/><text x="${PAD.left - 4}" y="${y(v)}" dy="3" text-anchor="end">${formatTick(v)}</text>`)
    .join('');
  const xLabels = xTicks
    .filter((v) => v <= xMax)
    .map((v) => `<text x="${x(v)}" y="${CHART_H - 8}" text-anchor="middle">${formatTick(v)}s</text>`)
    .join('');
  let points = 0;
  const paths = series
    .map((se, i) => {
      let d = '';
      let pen = false;
      se.values.forEach((v, k) => {
        const tk = t[k];
        if (v === null || tk === undefined) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(tk)} ${y(v)}`;
        pen = true;
        points += 1;
      });
      return `<path d="${d}" fill="none" stroke="${COLORS[(color + i) % COLORS.length]}" stroke-width="1.6" stroke-linejoin="round"/>`;
    })
    .join('');
  const warmup =
    warmupS > 0
      ? `<rect class="warmup" x="${PAD.left}" y="${PAD.top}" width="${round1((Math.min(warmupS, xMax) / xMax) * iw)}" height="${ih}"><title>warmup: not measured</title></rect><text x="${PAD.left + 4}" y="${PAD.top + 11}">warmup</text>`
      : '';
  return `<svg class="chart" data-chart="${id}" data-points="${points}" viewBox="0 0 ${CHART_W} ${CHART_H}" role="img"><title>${esc(seriesIn.map((s) => s.name).join(', '))}</title>${warmup}${grid}<line class="axis" x1="${PAD.left}" x2="${CHART_W - PAD.right}" y1="${PAD.top + ih}" y2="${PAD.top + ih}"/>${xLabels}${paths}</svg>`;
}

function renderHistograms(records?: readonly RequestRecord[]): string {
  if (records === undefined) {
    return '<section><h2>Distributions</h2><p class="note">Histograms need the records (results.jsonl): run `llm-loadtest report` on the run folder.</p></section>';
  }
  const figures = (
    [
      ['ttft-hist', 'TTFT distribution', 'ttftMs'],
      ['e2e-hist', 'E2E distribution', 'e2eMs'],
    ] as const
  ).map(([id, title, key]) => {
    const values = collectSortedValues(records, key);
    return `<figure><figcaption>${esc(title)} <span class="note">(ms, ${values.length} requests)</span></figcaption>${renderHistogram(id, values)}</figure>`;
  });
  return `<section><h2>Distributions</h2><div class="grid">${figures.join('')}</div></section>`;
}

/** Bars of equal, round width; values above p99.5 go into the last bar (labelled "≥") so one outlier cannot flatten the rest. */
export function binValues(sorted: ArrayLike<number>): { start: number; width: number; counts: number[]; overflowFrom: number | null } {
  const n = sorted.length;
  if (n === 0) return { start: 0, width: 1, counts: [], overflowFrom: null };
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  const cap = percentileOfSorted(sorted, 99.5) ?? max;
  const top = max > cap * 1.5 ? cap : max;
  const bins = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(n))));
  const width = niceStep(Math.max(top - min, 1e-9) / bins, 'nearest');
  const start = Math.floor(min / width) * width;
  const count = Math.max(1, Math.floor((top - start) / width) + 1);
  const counts = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.min(count - 1, Math.floor(((sorted[i] as number) - start) / width));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { start, width, counts, overflowFrom: top < max ? start + (count - 1) * width : null };
}

function renderHistogram(id: string, sorted: ArrayLike<number>): string {
  const { start, width, counts, overflowFrom } = binValues(sorted);
  if (counts.length === 0) return `<svg class="chart" data-chart="${id}" data-bars="0" viewBox="0 0 ${CHART_W} 40"><text x="10" y="24">no successful requests</text></svg>`;
  const yTicks = niceTicks(Math.max(...counts));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const iw = CHART_W - PAD.left - PAD.right;
  const ih = CHART_H - PAD.top - PAD.bottom;
  const bw = iw / counts.length;
  const y = (v: number): number => PAD.top + ih - (v / yMax) * ih;
  const grid = yTicks
    .map((v) => `<line class="grid-line" x1="${PAD.left}" x2="${CHART_W - PAD.right}" y1="${round1(y(v))}" y2="${round1(y(v))}"/><text x="${PAD.left - 4}" y="${round1(y(v))}" dy="3" text-anchor="end">${formatTick(v)}</text>`)
    .join('');
  const bars = counts
    .map((c, i) => {
      const lo = start + i * width;
      const range = overflowFrom !== null && i === counts.length - 1 ? `≥ ${formatTick(lo)}` : `${formatTick(lo)}–${formatTick(lo + width)}`;
      return `<rect x="${round1(PAD.left + i * bw + 0.5)}" y="${round1(y(c))}" width="${round1(Math.max(1, bw - 1))}" height="${round1(PAD.top + ih - y(c))}" fill="var(--c1)"><title>${range} ms: ${c}</title></rect>`;
    })
    .join('');
  const labelEvery = Math.ceil(counts.length / 8);
  const xLabels = counts
    .map((_, i) => i)
    .filter((i) => i % labelEvery === 0)
    .map((i) => `<text x="${round1(PAD.left + i * bw)}" y="${CHART_H - 8}" text-anchor="middle">${formatTick(start + i * width)}</text>`)
    .join('');
  return `<svg class="chart" data-chart="${id}" data-bars="${counts.length}" viewBox="0 0 ${CHART_W} ${CHART_H}" role="img"><title>histogram, ms</title>${grid}<line class="axis" x1="${PAD.left}" x2="${CHART_W - PAD.right}" y1="${PAD.top + ih}" y2="${PAD.top + ih}"/>${bars}${xLabels}</svg>`;
}

const EXTRA_HINTS: Readonly<Record<string, string>> = {
  incomplete: 'still in flight when the run stopped: counted apart, not a failure',
  generator: 'our side ran out of sockets or files (EMFILE, EADDRNOTAVAIL): use --workers, fewer users or a higher ulimit',
};

function renderErrors(s: Summary): string {
  const entries = Object.entries(s.errors.byCategory).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '<section><h2>Errors</h2><p class="ok" data-key="errors.none">No errors.</p></section>';
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const rows = entries
    .map(([cat, n]) => {
      const hint = FAILURE_HINTS[cat as FailureCategory] ?? EXTRA_HINTS[cat] ?? '';
      const sample = s.errors.samples[cat] ?? '';
      return `<tr><td><code>${esc(cat)}</code></td><td class="n" ${dataAttrs(`errors.byCategory.${cat}`, n)}>${n}</td><td class="n">${esc(formatPct(total > 0 ? n / total : null))}</td><td>${esc(hint)}</td><td><code>${esc(sample)}</code></td></tr>`;
    })
    .join('');
  const statuses = Object.entries(s.errors.byStatus)
    .map(([status, n]) => `<code>${esc(status)}</code> × ${n}`)
    .join(', ');
  return `<section><h2>Errors</h2><table><tr><th>category</th><th class="n">count</th><th class="n">share</th><th>what to do</th><th>sample message</th></tr>${rows}</table>
${statuses === '' ? '' : `<p class="note">By HTTP status: ${statuses}</p>`}</section>`;
}

function renderSettings(s: Summary): string {
  const headers = Object.entries(maskHeadersOnce(s.target.headers))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  const target = definitionList([
    ['URL', maskUrlOnce(s.target.url)],
    ['API type', s.target.apiType],
    ['model', s.target.model],
    ['stream', String(s.target.stream)],
    ['headers', headers === '' ? '–' : headers],
    ['started', s.startedAt],
    ['ended', s.endedAt],
  ]);
  const config = definitionList(Object.entries(s.config).map(([k, v]) => [k, formatValue(v)]));
  const precheck =
    s.precheck === undefined
      ? '<p class="note">No pre-check ran (--skip-precheck, or a re-rendered run without one).</p>'
      : definitionList(Object.entries(s.precheck).map(([k, v]) => [k, formatValue(v)]));
  return `<section><h2>Target and settings</h2><div class="grid"><div><h3>Target</h3>${target}</div><div><h3>Load settings</h3>${config}</div></div>
<h3>Pre-check capability report</h3>${precheck}</section>`;
}

/** The legend: every definition from the metric catalog, as docs/metrics.md "Legend" states them. */
function renderDefinitions(s: Summary): string {
  const defs: Array<[string, string]> = [
    // The page's own order: the chunk gap beside ITL, which it is often mistaken for.
    ...(['ttft', 'ttfo', 'itl', 'chunk_gap', 'e2e'] as const).map((id): [string, string] => {
      const metric = latencyMetric(id);
      return [metric.label, metric.definition];
    }),
    ...(s.latency.queue === undefined
      ? []
      : (['queue', 'e2e_from_schedule'] as const).map((id): [string, string] => [latencyMetric(id).label, latencyMetric(id).definition])),
    ...RUN_FIGURES.map((figure): [string, string] => [figure.label, figure.definition]),
    ...TIMELINE_SERIES.map((series): [string, string] => [`Per second: ${series.label}`, series.definition]),
    ['Percentiles', s.percentileMethod],
  ];
  return `<section><h2>Metric definitions</h2>${definitionList(defs)}</section>`;
}

function definitionList(items: ReadonlyArray<[string, string]>): string {
  if (items.length === 0) return '<p class="note">–</p>';
  return `<dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v.includes('\n') ? `<pre>${esc(v)}</pre>` : esc(v)}</dd>`).join('')}</dl>`;
}

function dataAttrs(key: string, value: number | null): string {
  return `data-key="${esc(key)}" data-value="${value === null ? '' : String(value)}"`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.length === 0 ? '–' : v.map(String).join(', ');
  return JSON.stringify(v, null, 1);
}

function formatCheckValue(name: string, v: number | null): string {
  if (v === null) return '–';
  return /success|rate$/.test(name) && v <= 1 ? formatPct(v) : formatNumber(v, 1);
}

function formatTick(v: number): string {
  if (v >= 10_000) return `${formatNumber(v / 1000, v % 1000 === 0 ? 0 : 1)}k`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/** 1, 2 or 5 times a power of ten: axis steps (rounded up) and bin widths (nearest) people can read. */
function niceStep(raw: number, rounding: 'up' | 'nearest' = 'up'): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const nice =
    rounding === 'up'
      ? f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
      : f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  return Number((nice * power).toPrecision(12));
}

function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const step = niceStep(max / 4);
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function downsample<T extends number | null>(values: readonly T[], step: number, how: 'first' | 'mean'): Array<T | number | null> {
  if (step <= 1) return [...values];
  const out: Array<T | number | null> = [];
  for (let i = 0; i < values.length; i += step) {
    const slice = values.slice(i, i + step);
    if (how === 'first') {
      out.push(slice[0] ?? null);
      continue;
    }
    const nums = slice.filter((v): v is NonNullable<T> & number => v !== null);
    out.push(nums.length === 0 ? null : nums.reduce((a, b) => a + b, 0) / nums.length);
  }
  return out;
}

function round1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
