/** A heatmap's renderers (docs/experiments.md "Heatmap files"): the console grid, heatmap.csv and report.html. */
import type { HeatmapCell, HeatmapSummary } from '../model/experiment.js';
import * as format from '../text/format.js';
import { csvField, escapeHtml } from './svg-chart.js';

const WRITTEN: format.NumberStyle = { rounding: 'written' };

export const HEATMAP_CSV_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'measured_input_tokens',
  'measured_output_tokens',
  'requests_ok',
  'requests_failed',
  'rps',
  'output_tokens_per_second',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'e2e_p50_ms',
  'e2e_p95_ms',
  'out_dir',
] as const;

export function renderHeatmapCsv(summary: HeatmapSummary): string {
  const rows = summary.cells.map((c) =>
    [c.inputTokens, c.outputTokens, c.measuredInputTokens, c.measuredOutputTokens, c.requests.ok, c.requests.failed, c.rps, c.outputTokensPerSecond, c.ttftMs.p50, c.ttftMs.p95, c.e2eMs.p50, c.e2eMs.p95, c.outDir]
      .map(csvField)
      .join(','),
  );
  return `${[HEATMAP_CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** The grids a heatmap shows: each a metric over input (rows) × output (columns); lower is better unless said. */
export const HEATMAP_GRIDS: ReadonlyArray<{ title: string; unit: string; higherIsBetter: boolean; value: (cell: HeatmapCell) => number | null }> = [
  { title: 'TTFT p50', unit: 'ms', higherIsBetter: false, value: (c) => c.ttftMs.p50 },
  { title: 'TTFT p95', unit: 'ms', higherIsBetter: false, value: (c) => c.ttftMs.p95 },
  { title: 'E2E p50', unit: 'ms', higherIsBetter: false, value: (c) => c.e2eMs.p50 },
  { title: 'E2E p95', unit: 'ms', higherIsBetter: false, value: (c) => c.e2eMs.p95 },
  { title: 'Output tokens/s', unit: 'tok/s', higherIsBetter: true, value: (c) => c.outputTokensPerSecond },
];

function cellAt(summary: HeatmapSummary, input: number, output: number): HeatmapCell | undefined {
  return summary.cells.find((c) => c.inputTokens === input && c.outputTokens === output);
}

function formatValue(value: number | null, unit: string): string {
  if (value === null) return '-';
  return unit === 'ms' ? format.formatMs(value, 'brief', WRITTEN) : format.formatNumber(value, 1, WRITTEN);
}

export function renderHeatmapConsole(summary: HeatmapSummary, outDir: string | null): string {
  const out = [`Heatmap: ${summary.target.model} at ${summary.target.url}, ${summary.users} user${summary.users === 1 ? '' : 's'} per cell`];
  for (const grid of HEATMAP_GRIDS.filter((g) => g.title !== 'TTFT p50' && g.title !== 'E2E p50')) {
    const heads = [`${grid.title} (${grid.unit}) in\\out`, ...summary.outputSizes.map(String)];
    const rows = summary.inputSizes.map((input) => [String(input), ...summary.outputSizes.map((output) => {
      const cell = cellAt(summary, input, output);
      return cell === undefined ? 'not run' : formatValue(grid.value(cell), grid.unit);
    })]);
    const widths = heads.map((head, i) => Math.max(head.length, ...rows.map((row) => (row[i] ?? '').length)));
    const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`;
    out.push('', line(heads), ...rows.map(line));
  }
  out.push('', `Sizes: ${summary.method}`, `Cost: ${summary.budget.spentS} s for ${summary.cells.length} cells (planned at most ${summary.budget.plannedS} s)`);
  if (outDir !== null) out.push(`Files: ${outDir} (summary.json, heatmap.csv, report.html, cells/)`);
  return `${out.join('\n')}\n`;
}

/** Green (best) to red (worst) within one grid. */
function colorOf(value: number | null, min: number, max: number, higherIsBetter: boolean): string {
  if (value === null) return '#eee';
  const share = max === min ? 0 : (value - min) / (max - min);
  const bad = higherIsBetter ? 1 - share : share;
  return `hsl(${Math.round(120 * (1 - bad))}, 70%, 75%)`;
}

export function renderHeatmapHtml(summary: HeatmapSummary): string {
  const grids = HEATMAP_GRIDS.map((grid) => {
    const values = summary.cells.map(grid.value).filter((v): v is number => v !== null);
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const head = `<tr><th>input \\ output tokens</th>${summary.outputSizes.map((o) => `<th>${o}</th>`).join('')}</tr>`;
    const rows = summary.inputSizes
      .map((input) => {
        const cells = summary.outputSizes.map((output) => {
          const cell = cellAt(summary, input, output);
          const value = cell === undefined ? null : grid.value(cell);
          const tip = cell === undefined ? 'not run' : `${cell.requests.ok} ok, ${cell.requests.failed} failed; measured ${cell.measuredInputTokens ?? '-'} in / ${cell.measuredOutputTokens ?? '-'} out tokens`;
          return `<td class="cell" data-input="${input}" data-output="${output}" style="background:${colorOf(value, min, max, grid.higherIsBetter)}" title="${escapeHtml(tip)}">${escapeHtml(cell === undefined ? 'not run' : formatValue(value, grid.unit))}</td>`;
        });
        return `<tr><th>${input}</th>${cells.join('')}</tr>`;
      })
      .join('\n');
    return `<h2>${escapeHtml(grid.title)} (${escapeHtml(grid.unit)})</h2>\n<table class="grid">\n${head}\n${rows}\n</table>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Heatmap: ${escapeHtml(summary.target.model)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1000px}table.grid{border-collapse:collapse}td,th{padding:6px 12px;border:1px solid #fff;text-align:right}</style>
</head><body>
<h1>Latency and throughput by input × output size</h1>
<p>${escapeHtml(summary.target.model)} at ${escapeHtml(summary.target.url)} · ${summary.users} user${summary.users === 1 ? '' : 's'} per cell · ${escapeHtml(summary.startedAt)}</p>
<p>Green is best within each grid, red worst. Sizes: ${escapeHtml(summary.method)}.</p>
${grids.join('\n')}
<p>Cost: ${summary.budget.spentS} s for ${summary.cells.length} cells. Each cell is a run of its own (its folder under cells/ holds its report).</p>
</body></html>
`;
}
