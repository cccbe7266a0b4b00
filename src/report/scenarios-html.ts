import type { Summary } from '../model/summary.js';
import { buildScenariosTable } from './scenarios-table.js';

/** report.html's "Per scenario" section (runs with scenarios only; '' otherwise). Text arrives escaped by `esc`. */
export function renderScenariosSection(summary: Summary, esc: (text: string) => string): string {
  const scenarios = summary.scenarios;
  if (scenarios === undefined || scenarios.length === 0) return '';
  const table = buildScenariosTable(scenarios);
  const head = table.heads.map((h, i) => `<th${i < 1 ? '' : ' class="n"'}>${esc(h)}</th>`).join('');
  const rows = table.rows
    .map((cells, r) => `<tr data-key="scenarios.${r < scenarios.length ? esc(scenarios[r]?.scenario ?? '') : 'total'}">${cells.map((cell, i) => `<td${i < 1 ? '' : ' class="n"'}>${esc(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<section><h2>Per scenario</h2><table><tr>${head}</tr>${rows}</table>
<p class="note">Latencies in ms. ${esc(table.note)}.</p></section>`;
}
