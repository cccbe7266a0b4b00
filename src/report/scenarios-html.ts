import type { Summary } from '../model/summary.js';
import { renderTable, type PageSection } from './html/blocks.js';
import { esc } from './html/escape.js';
import { buildScenariosTable } from './scenarios-table.js';

/** report.html's "Per scenario" section (runs with scenarios only; null otherwise). */
export function buildScenariosSection(summary: Summary): PageSection | null {
  const scenarios = summary.scenarios;
  if (scenarios === undefined || scenarios.length === 0) return null;
  const table = buildScenariosTable(scenarios);
  const columns = table.heads.map((head, i) => ({ head, numeric: i >= 1 }));
  const rowKey = (r: number): string => `data-key="scenarios.${r < scenarios.length ? esc(scenarios[r]?.scenario ?? '') : 'total'}"`;
  return {
    id: 'scenarios',
    title: 'Per scenario',
    body: `${renderTable(columns, table.rows, { rowAttrs: rowKey })}<p class="note">Latencies in ms. ${esc(table.note)}.</p>`,
  };
}
