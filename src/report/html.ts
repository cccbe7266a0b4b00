import { FAILURE_HINTS } from '../failures/hints.js';
import type { FailureCategory } from '../failures/categories.js';
import { LATENCY_METRICS, LATENCY_STATS, latencyMetric, RUN_FIGURES, TIMELINE_SERIES } from '../model/metric-catalog.js';
import type { RequestRecord, Summary } from '../model/summary.js';
import { formatMs, formatNumber, formatPct, formatPercentage } from '../text/format.js';
import { renderCallout, renderDefinitionList, renderTable, type PageSection, type TableCell } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import { buildBurstSection } from './burst-figures.js';
import { buildHostsSection } from './hosts-section.js';
import { buildScenariosSection } from './scenarios-html.js';
import { buildServerMetricsSection } from './server-metrics-html.js';
import { buildComparisonSection } from './comparison-html.js';
import type { ChartSpec } from './html/chart-spec.js';
import { dataAttrs, esc } from './html/escape.js';
import { describeValue, labelFor } from './html/labels.js';
import { renderPage } from './html/page.js';
import { buildDistributionCharts, buildStepCharts, buildTimeCharts } from './html/run-charts.js';
import { maskHeadersOnce, maskUrlOnce } from './mask-once.js';
import { buildStepsTable } from './steps-table.js';

export { binValues } from './html/scale.js';

/**
 * report.html: one self-contained page a person opens, keeps, mails and prints. Interactive charts
 * (uPlot, inlined) over static SVG that prints and shows without JavaScript; tables in their own scroll
 * box so a phone never scrolls the page sideways. The building blocks live in report/html/.
 */
export function renderHtml(summary: Summary, records?: readonly RequestRecord[]): string {
  const name = summary.config.name ?? hostOf(summary.target.url);
  const charts: ChartSpec[] = [];
  const sections = buildRunSections(summary, records, charts);
  return renderPage({
    title: `llm-loadtest: ${name}`,
    heading: name,
    subtitleHtml: `${esc(maskUrlOnce(summary.target.url))} · ${esc(summary.target.model)} · ${esc(summary.target.apiType)} · ${esc(summary.startedAt)} · ${formatNumber(summary.measuredSeconds, 1)} s measured · ${esc(summary.tool)} ${esc(summary.version)}`,
    bannerHtml: renderBanner(summary),
    sections,
    charts,
  });
}

/** The sections of one run's page, in order; the charts they draw are pushed onto `charts`. */
export function buildRunSections(s: Summary, records: readonly RequestRecord[] | undefined, charts: ChartSpec[]): PageSection[] {
  const sections: Array<PageSection | null> = [
    { id: 'summary', title: 'Summary', body: renderVerdict(s) },
    s.comparison === undefined ? null : buildComparisonSection(s.comparison, s.targets ?? [], charts),
    renderNotes(s),
    { id: 'latency', title: 'Latency (ms)', body: renderGeneratorCallout(s, 'latency') + renderLatencyTable(s) },
    buildBurstSection(s),
    buildHostsSection(s),
    renderSteps(s, charts),
    buildScenariosSection(s, charts),
    renderOverTime(s, records, charts),
    buildServerMetricsSection(s, charts),
    renderDistributions(records, charts),
    { id: 'errors', title: 'Errors', body: renderErrors(s) },
    { id: 'plan', title: 'Plan and pre-check', body: renderPlan(s) },
    { id: 'definitions', title: 'Metric definitions', body: renderDefinitions(s) },
  ];
  return sections.filter((x): x is PageSection => x !== null);
}

function isInterrupted(s: Summary): boolean {
  return s.verdict === 'interrupted' || s.stop?.reason === 'interrupted';
}

/** An interrupted run says so before anything else: its figures cover only part of the plan. */
function renderBanner(s: Summary): string {
  if (!isInterrupted(s)) return '';
  const stop = s.stop;
  const when = stop?.at === null || stop?.at === undefined ? '' : ` at ${stop.at}${stop.atS === null ? '' : ` (${formatNumber(stop.atS, 1)} s into the run)`}`;
  return `<div class="banner" role="alert" data-key="banner">Interrupted${esc(when)}: ${esc(stop?.detail ?? 'stopped from outside')}. This run stopped early: every figure below covers only the part before the stop.</div>`;
}

function renderVerdict(s: Summary): string {
  const gen = s.generator.verdict;
  const interrupted = isInterrupted(s);
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
  return `<div class="verdict"><span class="badge ${status}" data-key="verdict">${esc(label)}</span>
<span>${formatNumber(s.requests.total, 0)} requests in ${formatNumber(s.measuredSeconds, 1)} s measured${s.drainSeconds === undefined || s.drainSeconds === 0 ? '' : ` (+ ${formatNumber(s.drainSeconds, 1)} s drain)`}, output token counts from ${esc(s.tokens.source)}${s.tokens.inputSource === undefined ? '' : `, input from ${esc(s.tokens.inputSource === 'tokenizer' ? 'the tokenizer (estimated)' : s.tokens.inputSource)}`}</span></div>
${describeStop(s)}
<div class="cards">${cardHtml}</div>
<h3>Thresholds and SLOs</h3>
${checks === '' ? '<p class="note">No checks were configured.</p>' : `<div class="table-wrap"><table><tr><th>check</th><th class="n">value</th><th>limit</th><th>result</th></tr>${checks}</table></div>`}
<h3>Generator health: <span class="${gen === 'ok' ? 'ok' : 'warn'}" data-key="generator.verdict">${esc(gen)}</span></h3>
<p class="note">Event-loop delay p99 ${esc(formatMs(s.generator.eventLoopDelayP99Ms))} (max ${esc(formatMs(s.generator.maxMs))}), CPU ${esc(formatPercentage(s.generator.cpuPct, { digits: 0, round: 'nearest' }))}, open-file limit ${esc(s.generator.openFileLimit === null ? '–' : String(s.generator.openFileLimit))}, generator-side errors ${s.generator.generatorErrors}.</p>
${reasons === '' ? '' : `<ul>${reasons}</ul>`}`;
}

/** How the run ended, when it did not run its course. */
function describeStop(s: Summary): string {
  const stop = s.stop;
  if (stop === undefined || stop.reason !== 'interrupted') return '';
  const when = stop.at === null ? '' : ` at ${stop.at}${stop.atS === null ? '' : ` (${formatNumber(stop.atS, 1)} s into the run)`}`;
  return `<p class="bad" data-key="stop">Interrupted${esc(when)}: ${esc(stop.detail ?? 'stopped from outside')}. The figures cover the part of the run before the stop; the checks are shown but the run did not run its course.</p>`;
}

/**
 * The generator's verdict beside the figures it can skew (latencies, rates over time): a busy load
 * generator adds its own delay to every timing and sends less than asked.
 */
function renderGeneratorCallout(s: Summary, where: 'latency' | 'time'): string {
  const g = s.generator;
  const delay = `event-loop delay p99 ${formatMs(g.eventLoopDelayP99Ms)}, CPU ${formatPercentage(g.cpuPct, { digits: 0, round: 'nearest' })}`;
  if (g.verdict === 'ok') {
    return renderCallout('ok', `Load generator healthy (${esc(delay)}): these figures are the server's.`, `generator.${where}`);
  }
  const affects = where === 'latency' ? 'latencies include time our own process spent busy' : 'the rates show what the generator managed to send, which can be less than planned';
  const reasons = g.reasons.length === 0 ? '' : ` ${esc(g.reasons.join('; '))}.`;
  return renderCallout('warn', `Load generator <b>${esc(g.verdict)}</b> (${esc(delay)}): ${esc(affects)}.${reasons}`, `generator.${where}`);
}

/** Everything the run said about itself: dropped arrivals, backoff, estimates, usage drift, unchecked SLOs. */
function renderNotes(s: Summary): PageSection | null {
  const notes = s.notes ?? [];
  if (notes.length === 0) return null;
  return { id: 'notes', title: 'Notes', body: `<ul data-key="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` };
}

const STAT_COLUMNS = [{ id: 'count', label: 'count' }, ...LATENCY_STATS] as const;

function renderLatencyTable(s: Summary): string {
  const rows = LATENCY_METRICS.flatMap(({ key, title }): Array<Array<string | TableCell>> => {
    const stats = s.latency[key];
    if (stats === undefined) return [];
    if (stats.notMeasured !== undefined) {
      return [[title, { html: `not measured: ${esc(stats.notMeasured)}`, attrs: `colspan="${STAT_COLUMNS.length}" data-key="latency.${key}" data-value=""`, className: 'note' }]];
    }
    return [
      [
        title,
        ...STAT_COLUMNS.map(({ id }): TableCell => {
          const v = stats[id];
          return { html: esc(id === 'count' ? formatNumber(v, 0) : formatMs(v)), attrs: dataAttrs(`latency.${key}.${id}`, v) };
        }),
      ],
    ];
  });
  const columns = [{ head: 'metric' }, ...STAT_COLUMNS.map(({ label }) => ({ head: label, numeric: true }))];
  return `${renderTable(columns, rows, { rowHeads: true })}
<p class="note">Successful measured requests only. ${esc(s.percentileMethod)}</p>`;
}

function renderSteps(s: Summary, charts: ChartSpec[]): PageSection | null {
  if (s.steps === undefined || s.steps.length === 0) return null;
  const table = buildStepsTable(s.steps);
  const columns = table.heads.map((head, i) => ({ head, numeric: i >= 3 }));
  const specs = buildStepCharts(s.steps);
  charts.push(...specs);
  return {
    id: 'steps',
    // A profile's stages are its steps.
    title: s.config.stages ? 'Per stage' : 'Per step',
    body: `${renderTable(columns, table.rows, { rowAttrs: (r) => `data-key="steps.${r}"` })}
<p class="note">Latencies in ms. ${esc(table.settleNote)}.</p>${specs.length === 0 ? '' : renderChartGrid(specs)}`,
  };
}

function renderOverTime(s: Summary, records: readonly RequestRecord[] | undefined, charts: ChartSpec[]): PageSection {
  const specs = buildTimeCharts(s, records);
  if (specs.length === 0) return { id: 'time', title: 'Over time', body: '<p class="note">The run has no timeline.</p>' };
  charts.push(...specs);
  const help = '<p class="note">Hover a chart for its values (all time charts follow the cursor); drag across one to zoom every time chart to that range, double-click to zoom out; click a legend entry to hide or show its line. Shaded: warmup, not measured.</p>';
  return { id: 'time', title: 'Over time', body: `${renderGeneratorCallout(s, 'time')}${help}${renderChartGrid(specs)}` };
}

function renderDistributions(records: readonly RequestRecord[] | undefined, charts: ChartSpec[]): PageSection {
  if (records === undefined) {
    return { id: 'distributions', title: 'Distributions', body: '<p class="note">Histograms need the records (results.jsonl): run `llm-loadtest report` on the run folder.</p>' };
  }
  const specs = buildDistributionCharts(records);
  if (specs.length === 0) return { id: 'distributions', title: 'Distributions', body: '<p class="note">No successful measured request: nothing to draw.</p>' };
  charts.push(...specs);
  return { id: 'distributions', title: 'Distributions', body: renderChartGrid(specs) };
}

const EXTRA_HINTS: Readonly<Record<string, string>> = {
  incomplete: 'still in flight when the run stopped: counted apart, not a failure',
  generator: 'our side ran out of sockets or files (EMFILE, EADDRNOTAVAIL): use --workers, fewer users or a higher ulimit',
};

function renderErrors(s: Summary): string {
  const entries = Object.entries(s.errors.byCategory).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '<p class="ok" data-key="errors.none">No errors.</p>';
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const rows = entries.map(([cat, n]): Array<string | TableCell> => [
    { html: `<code>${esc(cat)}</code>` },
    { html: String(n), attrs: dataAttrs(`errors.byCategory.${cat}`, n) },
    formatPct(total > 0 ? n / total : null),
    FAILURE_HINTS[cat as FailureCategory] ?? EXTRA_HINTS[cat] ?? '',
    { html: `<code>${esc(s.errors.samples[cat] ?? '')}</code>` },
  ]);
  const statuses = Object.entries(s.errors.byStatus)
    .map(([status, n]) => `<code>${esc(status)}</code> × ${n}`)
    .join(', ');
  const columns = [{ head: 'category' }, { head: 'count', numeric: true }, { head: 'share', numeric: true }, { head: 'what to do' }, { head: 'sample message' }];
  return `${renderTable(columns, rows)}
${statuses === '' ? '' : `<p class="note">By HTTP status: ${statuses}</p>`}`;
}

/** The plan and the pre-check in words, then every setting with its label. */
function renderPlan(s: Summary): string {
  const headers = Object.entries(maskHeadersOnce(s.target.headers))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  const target = renderDefinitionList([
    ['URL', maskUrlOnce(s.target.url)],
    ['API type', s.target.apiType],
    ['Model', s.target.model],
    ['Streamed', s.target.stream ? 'yes' : 'no'],
    ['Headers', headers === '' ? '–' : headers],
    ['Started', s.startedAt],
    ['Ended', s.endedAt],
  ]);
  const config = renderDefinitionList(Object.entries(s.config).map(([k, v]) => [labelFor(k), describeValue(k, v)] as const));
  const precheck =
    s.precheck === undefined
      ? '<p class="note">No pre-check ran (--skip-precheck, or a re-rendered run without one).</p>'
      : `<p data-key="precheck.sentence">${esc(describePrecheck(s.precheck))}</p>${renderDefinitionList(
          Object.entries(s.precheck).map(([k, v]) => [labelFor(k), describeValue(k, v)] as const),
        )}`;
  return `<p data-key="plan.sentence">${esc(describePlan(s))}</p>
<div class="grid"><div><h3>Target</h3>${target}</div><div><h3>Load settings</h3>${config}</div></div>
<h3>Pre-check: the one request before the load</h3>${precheck}`;
}

function describePlan(s: Summary): string {
  const c = s.config;
  if (c.burst !== undefined && c.burst !== null) {
    return `Burst: ${c.burst.users} requests at once, ${c.burst.rounds} round(s), ${c.burst.pauseS} s apart.`;
  }
  const load =
    c.rate !== undefined && c.rate !== null
      ? `an open loop of ${c.rate} requests per second (${c.arrival === 'constant' ? 'constant gaps' : 'Poisson arrivals'}), at most ${c.concurrentUsers ?? '?'} in flight`
      : c.loadMode === 'stepped' && c.step !== undefined && c.step !== null
        ? `users in steps from ${c.step.startUsers} to ${c.step.maxUsers} (+${c.step.increment} every ${c.step.durationS} s, then ${c.step.sustainS} s at the most)`
        : `${c.concurrentUsers ?? '?'} users each sending one request after another${c.spawnRate === undefined ? '' : ` (started ${c.spawnRate} per second)`}`;
  const length = c.maxRequests !== undefined && c.maxRequests !== null ? `until ${c.maxRequests} requests` : `for ${c.durationS ?? '?'} s`;
  const warmup = c.warmupS === undefined || c.warmupS === 0 ? 'no warmup' : `after ${c.warmupS} s of warmup that is not measured`;
  return `Planned: ${load}, ${length}, ${warmup}, against ${s.target.model} (${s.target.stream ? 'streamed' : 'not streamed'}).`;
}

function describePrecheck(p: NonNullable<Summary['precheck']>): string {
  // Summaries of older versions lack some fields: each part is said only when known.
  const known = (v: number | null | undefined): v is number => typeof v === 'number';
  const time = known(p.latencyMs) ? ` in ${formatMs(p.latencyMs)} ms` : '';
  const ttft = known(p.ttftMs) ? `, first token after ${formatMs(p.ttftMs)} ms` : '';
  const tokens = known(p.outputTokens) ? `, ${p.outputTokens} output tokens` : '';
  const chunks = known(p.contentChunks) ? ` in ${p.contentChunks} content chunks` : '';
  const usage = p.usageReported ? 'the server reported token usage' : 'no token usage from the server (counted with a tokenizer)';
  return `HTTP ${p.status}${time}${ttft}${tokens}; ${p.stream ? `streamed${chunks}` : 'not streamed'}; ${usage}.`;
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
  return renderDefinitionList(defs);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function formatCheckValue(name: string, v: number | null): string {
  if (v === null) return '–';
  return /success|rate$/.test(name) && v <= 1 ? formatPct(v) : formatNumber(v, 1);
}
