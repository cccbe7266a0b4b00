/** A heatmap's renderers (docs/experiments.md "Heatmap files"): the console grid, heatmap.csv and report.html. */
import type { HeatmapCell, HeatmapSummary } from '../model/experiment.js';
import * as format from '../text/format.js';
import { csvField } from './csv.js';
import { renderDefinitionList, renderTable, type PageSection, type TableCell } from './html/blocks.js';
import { dataAttrs, esc } from './html/escape.js';
import { renderPage } from './html/page.js';
import { maskUrlOnce } from './mask-once.js';

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
export const HEATMAP_GRIDS: ReadonlyArray<{ id: string; title: string; unit: string; higherIsBetter: boolean; value: (cell: HeatmapCell) => number | null }> = [
  { id: 'ttft_p50', title: 'TTFT p50', unit: 'ms', higherIsBetter: false, value: (c) => c.ttftMs.p50 },
  { id: 'ttft_p95', title: 'TTFT p95', unit: 'ms', higherIsBetter: false, value: (c) => c.ttftMs.p95 },
  { id: 'e2e_p50', title: 'E2E p50', unit: 'ms', higherIsBetter: false, value: (c) => c.e2eMs.p50 },
  { id: 'e2e_p95', title: 'E2E p95', unit: 'ms', higherIsBetter: false, value: (c) => c.e2eMs.p95 },
  { id: 'output_tokens_per_second', title: 'Output tokens/s', unit: 'tok/s', higherIsBetter: true, value: (c) => c.outputTokensPerSecond },
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

/** The colour scale's ends and middle: green (best) through yellow to red (worst). */
const BEST_HUE = 120;
const hsl = (hue: number): string => `hsl(${hue}, 70%, 75%)`;

/** Green (best) to red (worst) within one grid, by the value's place between the grid's min and max. */
function heatColor(value: number | null, min: number, max: number, higherIsBetter: boolean): string {
  if (value === null) return '#eee';
  const share = max === min ? 0 : (value - min) / (max - min);
  const bad = higherIsBetter ? 1 - share : share;
  return hsl(Math.round(BEST_HUE * (1 - bad)));
}

/**
 * report.html of a heatmap: one coloured grid per metric (an HTML table, so it reads without JavaScript
 * and prints), input sizes as rows and output sizes as columns, each cell's background scaled from the
 * grid's best to its worst value; then every cell's figures and how the heatmap ran.
 */
export function renderHeatmapHtml(summary: HeatmapSummary): string {
  const users = `${summary.users} user${summary.users === 1 ? '' : 's'} per cell`;
  const grids = HEATMAP_GRIDS.map((grid) => renderGrid(summary, grid)).join('');
  const sections: PageSection[] = [
    {
      id: 'grids',
      title: 'By input × output size',
      body: `<p class="note">Rows: prompt size in tokens; columns: answer size (the output cap) in tokens; ${esc(users)}. Each grid is coloured from its best value (green) to its worst (red). Hover a cell for its requests and the sizes measured.</p><div class="grid">${grids}</div>`,
    },
    { id: 'cells', title: 'Cells', body: renderCells(summary) },
    {
      id: 'run',
      title: 'How the heatmap ran',
      body: renderDefinitionList([
        ['Users', users],
        ['Sizes', summary.method],
        ['Time spent', `${format.formatNumber(summary.budget.spentS, 0, WRITTEN)} s for ${summary.cells.length} cells (planned at most ${format.formatNumber(summary.budget.plannedS, 0, WRITTEN)} s)`],
        ['Cells', 'each cell is a run of its own: its folder under cells/ holds its own report'],
        ['Started', summary.startedAt],
        ['Ended', summary.endedAt],
      ]),
    },
  ];
  return renderPage({
    title: `llm-loadtest heatmap: ${summary.target.model}`,
    heading: 'Latency and throughput by input × output size',
    subtitleHtml: `${esc(maskUrlOnce(summary.target.url))} · ${esc(summary.target.model)} · ${esc(summary.target.apiType)} · ${esc(summary.startedAt)} · ${esc(summary.tool)} ${esc(summary.version)}`,
    sections,
    charts: [],
  });
}

function renderGrid(summary: HeatmapSummary, grid: (typeof HEATMAP_GRIDS)[number]): string {
  const values = summary.cells.map(grid.value).filter((v): v is number => v !== null);
  const [min, max] = values.length === 0 ? [0, 0] : [Math.min(...values), Math.max(...values)];
  const rows = summary.inputSizes.map((input) => [
    String(input),
    ...summary.outputSizes.map((output): TableCell => {
      const cell = cellAt(summary, input, output);
      const value = cell === undefined ? null : grid.value(cell);
      const tip = cell === undefined ? 'not run' : `${cell.requests.ok} ok, ${cell.requests.failed} failed; measured ${cell.measuredInputTokens ?? '-'} in / ${cell.measuredOutputTokens ?? '-'} out tokens`;
      return {
        html: esc(cell === undefined ? 'not run' : formatValue(value, grid.unit)),
        attrs: `${dataAttrs(`heatmap.${grid.id}.${input}x${output}`, value)} style="background:${heatColor(value, min, max, grid.higherIsBetter)}" title="${esc(tip)}"`,
        className: 'cell',
      };
    }),
  ]);
  const columns = [{ head: 'input \\ output' }, ...summary.outputSizes.map((o) => ({ head: String(o), numeric: true }))];
  const [best, worst] = grid.higherIsBetter ? [max, min] : [min, max];
  const scale = `background:linear-gradient(to right,${hsl(BEST_HUE)},${hsl(BEST_HUE / 2)},${hsl(0)})`;
  const legend =
    values.length === 0
      ? 'no values'
      : `${grid.higherIsBetter ? 'higher' : 'lower'} is better: best ${esc(formatValue(best, grid.unit))} <span class="heat-scale" style="${scale}"></span> worst ${esc(formatValue(worst, grid.unit))}`;
  return `<figure class="heat" data-grid="${esc(grid.id)}"><figcaption>${esc(grid.title)} <span class="note">(${esc(grid.unit)})</span></figcaption><p class="legend">${legend}</p>${renderTable(columns, rows, { rowHeads: true })}</figure>`;
}

function renderCells(summary: HeatmapSummary): string {
  const heads = ['input tok', 'output tok', 'measured in/out tok', 'ok', 'failed', 'req/s', 'out tok/s', 'TTFT p50/p95', 'E2E p50/p95'];
  const pair = (p50: number | null, p95: number | null): string => `${formatValue(p50, 'ms')}/${formatValue(p95, 'ms')}`;
  const rows = summary.cells.map((c) => [
    String(c.inputTokens),
    String(c.outputTokens),
    `${c.measuredInputTokens === null ? '-' : format.formatNumber(c.measuredInputTokens, 0, WRITTEN)}/${c.measuredOutputTokens === null ? '-' : format.formatNumber(c.measuredOutputTokens, 0, WRITTEN)}`,
    format.formatCount(c.requests.ok, WRITTEN),
    format.formatCount(c.requests.failed, WRITTEN),
    format.formatNumber(c.rps, 2, WRITTEN),
    format.formatNumber(c.outputTokensPerSecond, 1, WRITTEN),
    pair(c.ttftMs.p50, c.ttftMs.p95),
    pair(c.e2eMs.p50, c.e2eMs.p95),
  ]);
  return `${renderTable(heads.map((head) => ({ head, numeric: true })), rows)}<p class="note">Latencies in ms of successful requests, each cell after its settle time; measured tokens are the means of its successful requests.</p>`;
}
