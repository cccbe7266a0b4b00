import type { ComparisonSummary, DeltaCell, DeltaRow, TargetOutcome } from '../model/comparison.js';
import { formatNumber } from '../text/format.js';
import { deltaUnitText, formatDeltaValue, formatInterval, formatSignedDelta } from './comparison-text.js';

/**
 * The comparison section of report.html for a run with several targets: the delta table, each target's
 * outcome (gateway figures, failures by layer) and a chart per metric with one series per target over the
 * rounds. Plain inline SVG: no script, prints sharp.
 */
export function renderComparisonSection(comparison: ComparisonSummary, targets: readonly TargetOutcome[]): string {
  const names = comparison.rows[0]?.cells.map((cell) => cell.target) ?? [];
  const head = `<tr><th>metric</th>${names.map((name) => `<th class="n">${esc(name)}${name === comparison.baseline ? ' (baseline)' : ''}</th>`).join('')}</tr>`;
  const rows = comparison.rows.map((row) => `<tr><th>${esc(row.label)} <span class="note">${esc(deltaUnitText(row.unit))}</span></th>${row.cells.map((cell) => renderCell(row, cell, comparison.baseline)).join('')}</tr>`).join('');
  const notes = comparison.notes.length === 0 ? '' : `<ul data-key="comparison.notes">${comparison.notes.map((note) => `<li class="warn">${esc(note)}</li>`).join('')}</ul>`;
  const overlap = comparison.overlap === null ? '' : ` The targets' windows overlap for ${formatNumber(comparison.overlap * 100, 1)}% of the run.`;
  const charts = comparison.rows.map((row) => renderChart(row, comparison.roundSeconds)).join('');
  return `<section><h2>Targets compared with ${esc(comparison.baseline)}</h2>${notes}
<table data-key="comparison.table">${head}${rows}</table>
<p class="note">Each cell: the value, its difference from the baseline and the percentage; ± is the 95% interval (t-based) of the per-round differences over ${comparison.rounds} rounds of ${formatNumber(comparison.roundSeconds, 1)} s.${overlap}</p>
${renderTargets(targets)}
<div class="grid">${charts}</div></section>`;
}

function renderCell(row: DeltaRow, cell: DeltaCell, baseline: string): string {
  const value = formatDeltaValue(cell.value, row.unit);
  if (cell.target === baseline) return `<td class="n" data-key="comparison.${row.metric}.${esc(cell.target)}">${value}</td>`;
  const worse = cell.diff !== null && cell.diff !== 0 && (row.better === 'lower' ? cell.diff > 0 : cell.diff < 0);
  const interval = cell.interval === null ? '' : `<br><span class="note">${esc(formatInterval(cell.interval, row.unit))}</span>`;
  return `<td class="n" data-key="comparison.${row.metric}.${esc(cell.target)}" data-diff="${cell.diff ?? ''}">${value}<br><span class="${worse ? 'bad' : 'ok'}">${esc(formatSignedDelta(cell.diff, cell.pct, row.unit))}</span>${interval}</td>`;
}

function renderTargets(targets: readonly TargetOutcome[]): string {
  const rows = targets
    .map((target) => {
      const requests = target.requests === null ? `dropped: ${target.precheckFailure?.message ?? 'its pre-check failed'}` : `${target.requests.ok} ok, ${target.requests.failed} failed`;
      const layers = target.failuresByLayer === null ? '–' : `gateway ${target.failuresByLayer.gateway}, upstream ${target.failuresByLayer.upstream}, unknown ${target.failuresByLayer.unknown}`;
      const gateway = target.gateway;
      const durations = gateway === null ? '–' : gateway.durations.map((d) => `${d.source} p50 ${formatNumber(d.p50Ms, 2)} ms`).join('; ') || '–';
      const extra = gateway === null ? '–' : `retries ${gateway.retries}, cache hits ${gateway.cacheHits}, request ids ${gateway.requestIds}`;
      return `<tr><td><a href="${esc(target.dir)}/report.html">${esc(target.name)}</a></td><td><code>${esc(target.url)}</code><br>${esc(target.model)} · ${esc(target.apiType)}</td><td>${esc(requests)}</td><td>${esc(layers)}</td><td>${esc(durations)}</td><td>${esc(extra)}</td></tr>`;
    })
    .join('');
  return `<table data-key="comparison.targets"><tr><th>target</th><th>endpoint</th><th>requests</th><th>failures by layer</th><th>gateway timings</th><th>gateway</th></tr>${rows}</table>`;
}

const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', '#8250df', '#bc4c00'];
const W = 560;
const H = 200;
const LEFT = 50;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 26;

/** One metric over the rounds, a line per target. */
function renderChart(row: DeltaRow, roundSeconds: number): string {
  const values = row.cells.flatMap((cell) => cell.perRound.filter((v): v is number => v !== null));
  const rounds = Math.max(0, ...row.cells.map((cell) => cell.perRound.length));
  const max = values.length === 0 ? 1 : Math.max(...values) || 1;
  const x = (i: number): number => (rounds <= 1 ? LEFT + (W - LEFT - RIGHT) / 2 : LEFT + (i * (W - LEFT - RIGHT)) / (rounds - 1));
  const y = (v: number): number => TOP + (H - TOP - BOTTOM) * (1 - v / max);
  const paths = row.cells
    .map((cell, index) => {
      const color = COLORS[index % COLORS.length] as string;
      const points = cell.perRound.map((v, i) => (v === null ? null : `${round1(x(i))} ${round1(y(v))}`));
      const d = points.reduce((acc, point, i) => (point === null ? acc : `${acc}${acc === '' || points[i - 1] === null ? 'M' : 'L'}${point}`), '');
      const dots = points.map((point) => (point === null ? '' : `<circle cx="${point.split(' ')[0]}" cy="${point.split(' ')[1]}" r="2.5" fill="${color}"/>`)).join('');
      return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>${dots}`;
    })
    .join('');
  const grid = [0, 0.5, 1]
    .map((f) => `<line class="grid-line" x1="${LEFT}" x2="${W - RIGHT}" y1="${round1(y(max * f))}" y2="${round1(y(max * f))}"/><text x="${LEFT - 4}" y="${round1(y(max * f))}" dy="3" text-anchor="end">${formatNumber(max * f, max * f >= 100 ? 0 : 1)}</text>`)
    .join('');
  const ticks = Array.from({ length: rounds }, (_, i) => `<text x="${round1(x(i))}" y="${H - 8}" text-anchor="middle">${i + 1}</text>`).join('');
  const legend = row.cells.map((cell, index) => `<i style="background:${COLORS[index % COLORS.length] as string}"></i>${esc(cell.target)}`).join('');
  return `<figure><figcaption>${esc(row.label)} per round <span class="note">(${esc(deltaUnitText(row.unit))}, rounds of ${formatNumber(roundSeconds, 1)} s)</span></figcaption><div class="legend">${legend}</div><svg class="chart" data-comparison-chart="${row.metric}" data-series="${row.cells.length}" viewBox="0 0 ${W} ${H}" role="img"><title>${esc(row.label)}</title>${grid}<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${H - BOTTOM}" y2="${H - BOTTOM}"/>${ticks}${paths}</svg></figure>`;
}

function round1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
