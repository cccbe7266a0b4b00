import { esc } from './escape.js';
import { seriesColor, type ChartSpec } from './chart-spec.js';
import { renderStaticChart } from './static-chart.js';

/**
 * A chart's figure: caption, the static SVG with its legend (print, no JavaScript), and the box the
 * page's script draws the interactive chart into. Its data goes to the page's JSON through renderPage.
 */
export function renderChartFigure(spec: ChartSpec): string {
  const unit = spec.yUnit === '' ? '' : ` <span class="note">(${esc(spec.yUnit)})</span>`;
  const legend = spec.series.map((s, i) => `<i style="background:${seriesColor(spec, i)}"></i>${esc(s.label)}`).join('');
  const note = spec.note === undefined ? '' : `<p class="note">${esc(spec.note)}</p>`;
  return `<figure data-figure="${esc(spec.id)}"><figcaption>${esc(spec.title)}${unit}</figcaption><div class="legend static-legend">${legend}</div><div class="plot" data-chart-id="${esc(spec.id)}">${renderStaticChart(spec)}</div>${note}</figure>`;
}

/** Figures side by side where there is room, one per row on a phone. */
export function renderChartGrid(specs: readonly ChartSpec[]): string {
  return `<div class="grid">${specs.map(renderChartFigure).join('')}</div>`;
}
