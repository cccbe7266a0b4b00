import type { ScenarioResult, Summary } from '../model/summary.js';
import { renderTable, type PageSection } from './html/blocks.js';
import { renderChartGrid } from './html/chart-figure.js';
import type { ChartSpec } from './html/chart-spec.js';
import { esc } from './html/escape.js';
import { buildScenariosTable } from './scenarios-table.js';

/**
 * report.html's "Per scenario" section (runs with scenarios only; null otherwise): the table, and TTFT
 * and E2E p50/p95 as grouped bars, one group per scenario (pushed onto `charts`).
 */
export function buildScenariosSection(summary: Summary, charts: ChartSpec[]): PageSection | null {
  const scenarios = summary.scenarios;
  if (scenarios === undefined || scenarios.length === 0) return null;
  const table = buildScenariosTable(scenarios);
  const columns = table.heads.map((head, i) => ({ head, numeric: i >= 1 }));
  const rowKey = (r: number): string => `data-key="scenarios.${r < scenarios.length ? esc(scenarios[r]?.scenario ?? '') : 'total'}"`;
  const specs = buildScenarioCharts(scenarios);
  charts.push(...specs);
  return {
    id: 'scenarios',
    title: 'Per scenario',
    body: `${renderTable(columns, table.rows, { rowAttrs: rowKey })}<p class="note">Latencies in ms. ${esc(table.note)}.</p>${specs.length === 0 ? '' : renderChartGrid(specs)}`,
  };
}

/** TTFT and E2E p50/p95 of each scenario's successful requests, side by side; a chart with no value (no streaming: no TTFT) is left out. */
function buildScenarioCharts(scenarios: readonly ScenarioResult[]): ChartSpec[] {
  const base = { kind: 'groups' as const, xLabel: 'scenario', xUnit: '', yUnit: 'ms', x: scenarios.map((_, i) => i), categories: scenarios.map((s) => s.scenario) };
  const specs: ChartSpec[] = [
    { ...base, id: 'scenarios-ttft', title: 'TTFT by scenario', color: 4, series: (['p50', 'p95'] as const).map((p) => ({ label: `TTFT ${p}`, values: scenarios.map((s) => s.ttft[p]) })) },
    {
      ...base,
      id: 'scenarios-e2e',
      title: 'E2E by scenario',
      color: 5,
      series: (['p50', 'p95'] as const).map((p) => ({ label: `E2E ${p}`, values: scenarios.map((s) => s.e2e[p]) })),
      note: 'Successful requests of each scenario, exact percentiles (nearest rank).',
    },
  ];
  return specs.filter((spec) => spec.series.some((series) => series.values.some((v) => v !== null)));
}
