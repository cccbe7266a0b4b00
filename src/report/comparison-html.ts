import type { ComparisonSummary, DeltaCell, DeltaRow, TargetOutcome } from '../model/comparison.js';
import { formatNumber } from '../text/format.js';
import { type PageSection } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import type { ChartSpec } from './html/chart-spec.js';
import { esc } from './html/escape.js';
import { deltaUnitText, formatDeltaValue, formatInterval, formatSignedDelta } from './comparison-text.js';

/**
 * The comparison section of report.html for a run with several targets: the delta table, each target's
 * outcome (gateway figures, failures by layer) and a chart per metric with one series per target over the
 * rounds (pushed onto `charts`: drawn like every other chart of the page).
 */
export function buildComparisonSection(comparison: ComparisonSummary, targets: readonly TargetOutcome[], charts: ChartSpec[]): PageSection {
  const names = comparison.rows[0]?.cells.map((cell) => cell.target) ?? [];
  const head = `<tr><th>metric</th>${names.map((name) => `<th class="n">${esc(name)}${name === comparison.baseline ? ' (baseline)' : ''}</th>`).join('')}</tr>`;
  const rows = comparison.rows.map((row) => `<tr><th>${esc(row.label)} <span class="note">${esc(deltaUnitText(row.unit))}</span></th>${row.cells.map((cell) => renderCell(row, cell, comparison.baseline)).join('')}</tr>`).join('');
  const notes = comparison.notes.length === 0 ? '' : `<ul data-key="comparison.notes">${comparison.notes.map((note) => `<li class="warn">${esc(note)}</li>`).join('')}</ul>`;
  const overlap = comparison.overlap === null ? '' : ` The targets' windows overlap for ${formatNumber(comparison.overlap * 100, 1)}% of the run.`;
  const specs = comparison.rows.map((row) => roundChart(row, comparison.roundSeconds));
  charts.push(...specs);
  return {
    id: 'comparison',
    title: `Targets compared with ${comparison.baseline}`,
    body: `${notes}<div class="table-wrap"><table data-key="comparison.table">${head}${rows}</table></div>
<p class="note">Each cell: the value, its difference from the baseline and the percentage; ± is the 95% interval (t-based) of the per-round differences over ${comparison.rounds} rounds of ${formatNumber(comparison.roundSeconds, 1)} s.${overlap}</p>
${renderTargets(targets)}
${renderChartGrid(specs)}`,
  };
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
  return `<div class="table-wrap"><table data-key="comparison.targets"><tr><th>target</th><th>endpoint</th><th>requests</th><th>failures by layer</th><th>gateway timings</th><th>gateway</th></tr>${rows}</table></div>`;
}

/** One metric over the rounds, a line per target. */
function roundChart(row: DeltaRow, roundSeconds: number): ChartSpec {
  const rounds = Math.max(0, ...row.cells.map((cell) => cell.perRound.length));
  return {
    id: `comparison-${row.metric}`,
    title: `${row.label} per round`,
    kind: 'xy',
    xLabel: 'round',
    xUnit: '',
    yUnit: deltaUnitText(row.unit),
    x: Array.from({ length: rounds }, (_, i) => i + 1),
    series: row.cells.map((cell) => ({ label: cell.target, values: [...cell.perRound] })),
    note: `Rounds of ${formatNumber(roundSeconds, 1)} s.`,
  };
}
