/**
 * A small inline SVG line chart for the experiment pages (sweep, heatmap): no script, prints anywhere.
 * The main report's interactive charts are another module's; these are static on purpose.
 */

export interface ChartSeries {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number | null]>;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** A vertical line at this x (the knee), with its label. */
  mark?: { x: number; label: string } | null;
}

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { left: 64, right: 16, top: 28, bottom: 44 };

/** The chart as an <svg> element; x on a log scale when it spans 8× or more (a doubling ladder). */
export function renderLineChart(chart: LineChart): string {
  const xs = chart.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = chart.series.flatMap((s) => s.points.flatMap(([, y]) => (y === null ? [] : [y])));
  if (xs.length === 0) return `<p>${escapeHtml(chart.title)}: no points.</p>`;
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const log = minX > 0 && maxX / minX >= 8;
  const fx = (x: number): number => (log ? Math.log2(x) : x);
  const [x0, x1] = [fx(minX), fx(maxX) === fx(minX) ? fx(minX) + 1 : fx(maxX)];
  const maxY = ys.length === 0 ? 1 : Math.max(...ys) * 1.1 || 1;
  const px = (x: number): number => PAD.left + ((fx(x) - x0) / (x1 - x0)) * (WIDTH - PAD.left - PAD.right);
  const py = (y: number): number => HEIGHT - PAD.bottom - (y / maxY) * (HEIGHT - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeHtml(chart.title)}</text>`);
  parts.push(`<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#888"/>`);
  parts.push(`<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#888"/>`);
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<text x="${px(x).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" font-size="11">${formatTick(x)}</text>`);
  }
  for (let i = 0; i <= 4; i += 1) {
    const y = (maxY * i) / 4;
    parts.push(`<text x="${PAD.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(y)}</text>`);
  }
  parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">${escapeHtml(chart.xLabel)}${log ? ' (log scale)' : ''}</text>`);
  parts.push(`<text x="14" y="${HEIGHT / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${HEIGHT / 2})">${escapeHtml(chart.yLabel)}</text>`);
  if (chart.mark !== undefined && chart.mark !== null) {
    const x = px(chart.mark.x).toFixed(1);
    parts.push(`<line class="knee" x1="${x}" y1="${PAD.top}" x2="${x}" y2="${HEIGHT - PAD.bottom}" stroke="#d33" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${x}" y="${PAD.top - 2}" text-anchor="middle" font-size="11" fill="#d33">${escapeHtml(chart.mark.label)}</text>`);
  }
  chart.series.forEach((series, i) => {
    const drawn = series.points.filter((p): p is readonly [number, number] => p[1] !== null).sort((a, b) => a[0] - b[0]);
    const path = drawn.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${path}"/>`);
    for (const [x, y] of drawn) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${series.color}"><title>${escapeHtml(series.name)}: ${formatTick(y)} at ${formatTick(x)}</title></circle>`);
    parts.push(`<text x="${WIDTH - PAD.right}" y="${PAD.top + 14 * i}" text-anchor="end" font-size="11" fill="${series.color}">${escapeHtml(series.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(chart.title)}">${parts.join('')}</svg>`;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** RFC 4180: quote a field holding a comma, quote or line break; empty for null. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
