import { esc } from './escape.js';
import { seriesColor, type ChartSpec } from './chart-spec.js';
import { formatTick, niceTicks } from './scale.js';

const W = 560;
const H = 200;
const PAD = { left: 50, right: 10, top: 10, bottom: 26 };
const IW = W - PAD.left - PAD.right;
const IH = H - PAD.top - PAD.bottom;

/**
 * The chart as SVG drawn here: what prints and what a reader without JavaScript sees. The page's data
 * is already bucketed to a few hundred points per series, so this stays small.
 */
export function renderStaticChart(spec: ChartSpec): string {
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const open = `<svg class="chart static" data-chart="${esc(spec.id)}" data-points="${values.length}" viewBox="0 0 ${W} ${H}" role="img"><title>${esc(`${spec.title}: ${spec.series.map((s) => s.label).join(', ')}`)}</title>`;
  if (values.length === 0 || spec.x.length === 0) return `${open}<text x="${PAD.left}" y="${H / 2}">no data</text></svg>`;
  const yTicks = niceTicks(Math.max(0, ...values));
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const half = spec.kind === 'bars' ? (spec.binWidth ?? 1) / 2 : 0;
  const xMin = Math.min(spec.kind === 'time' ? 0 : Infinity, (spec.x[0] ?? 0) - half);
  const xMax = Math.max(xMin + 1e-9, (spec.x[spec.x.length - 1] ?? 1) + half);
  const x = (v: number): number => PAD.left + ((v - xMin) / (xMax - xMin)) * IW;
  const y = (v: number): number => PAD.top + IH - (v / yMax) * IH;
  const grid = yTicks
    .map((v) => `<line class="grid-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${r1(y(v))}" y2="${r1(y(v))}"/><text x="${PAD.left - 4}" y="${r1(y(v))}" dy="3" text-anchor="end">${formatTick(v)}</text>`)
    .join('');
  const xTicks = spreadTicks(xMin, xMax);
  const xLabels = xTicks
    .map((v) => `<text x="${r1(x(v))}" y="${H - 8}" text-anchor="middle">${formatTick(v)}${spec.kind === 'time' ? 's' : ''}</text>`)
    .join('');
  const warmupS = spec.warmupS ?? 0;
  const warmup =
    spec.kind === 'time' && warmupS > 0
      ? `<rect class="warmup" x="${PAD.left}" y="${PAD.top}" width="${r1(x(Math.min(warmupS, xMax)) - PAD.left)}" height="${IH}"><title>warmup: not measured</title></rect><text x="${PAD.left + 4}" y="${PAD.top + 11}">warmup</text>`
      : '';
  const marks = spec.kind === 'bars' ? drawBars(spec, x, y) : drawLines(spec, x, y);
  return `${open}${warmup}${grid}<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + IH}" y2="${PAD.top + IH}"/>${xLabels}${marks}</svg>`;
}

function drawLines(spec: ChartSpec, x: (v: number) => number, y: (v: number) => number): string {
  return spec.series
    .map((s, i) => {
      let d = '';
      let pen = false;
      s.values.forEach((v, k) => {
        const xk = spec.x[k];
        if (v === null || xk === undefined) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${r1(x(xk))} ${r1(y(v))}`;
        pen = true;
      });
      return `<path d="${d}" fill="none" stroke="${seriesColor(spec, i)}" stroke-width="1.6" stroke-linejoin="round"/>`;
    })
    .join('');
}

function drawBars(spec: ChartSpec, x: (v: number) => number, y: (v: number) => number): string {
  const half = (spec.binWidth ?? 1) / 2;
  return spec.series
    .map((s, i) =>
      s.values
        .map((v, k) => {
          const xk = spec.x[k];
          if (v === null || v === 0 || xk === undefined) return '';
          const left = x(xk - half);
          const width = Math.max(1, x(xk + half) - left - 1);
          return `<rect x="${r1(left + 0.5)}" y="${r1(y(v))}" width="${r1(width)}" height="${r1(PAD.top + IH - y(v))}" fill="${seriesColor(spec, i)}"><title>${formatTick(xk - half)}–${formatTick(xk + half)} ${esc(spec.xUnit)}: ${v}</title></rect>`;
        })
        .join(''),
    )
    .join('');
}

/** About six round ticks between min and max. */
function spreadTicks(min: number, max: number): number[] {
  const ticks = niceTicks(max - min);
  const step = (ticks[1] ?? 1) - (ticks[0] ?? 0);
  const first = Math.ceil(min / step) * step;
  const out: number[] = [];
  for (let v = first; v <= max + step * 1e-6; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function r1(v: number): string {
  return String(Math.round(v * 10) / 10);
}
