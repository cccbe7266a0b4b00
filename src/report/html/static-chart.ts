import { esc } from './escape.js';
import { seriesColor, type ChartSpec } from './chart-spec.js';
import { formatTick, niceTicks } from './scale.js';

const W = 560;
const H = 200;
const PAD = { left: 50, right: 10, top: 10, bottom: 26 };
const IW = W - PAD.left - PAD.right;
const IH = H - PAD.top - PAD.bottom;
/** Up to this many x values of an `xy` chart, each gets its tick (the page's script does the same). */
const MAX_POINT_TICKS = 12;

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
  const y = (v: number): number => PAD.top + IH - (v / yMax) * IH;
  const grid = yTicks
    .map((v) => `<line class="grid-line" x1="${PAD.left}" x2="${W - PAD.right}" y1="${r1(y(v))}" y2="${r1(y(v))}"/><text x="${PAD.left - 4}" y="${r1(y(v))}" dy="3" text-anchor="end">${formatTick(v)}</text>`)
    .join('');
  const axis = xAxisOf(spec);
  const x = (v: number): number => PAD.left + ((axis.pos(v) - axis.pos(axis.min)) / (axis.pos(axis.max) - axis.pos(axis.min))) * IW;
  const xLabels = axis.ticks.map(([v, label]) => `<text x="${r1(x(v))}" y="${H - 8}" text-anchor="middle">${esc(label)}</text>`).join('');
  const warmupS = spec.warmupS ?? 0;
  const warmup =
    spec.kind === 'time' && warmupS > 0
      ? `<rect class="warmup" x="${PAD.left}" y="${PAD.top}" width="${r1(x(Math.min(warmupS, axis.max)) - PAD.left)}" height="${IH}"><title>warmup: not measured</title></rect><text x="${PAD.left + 4}" y="${PAD.top + 11}">warmup</text>`
      : '';
  const drawn = spec.kind === 'bars' ? drawBars(spec, x, y) : spec.kind === 'groups' ? drawGroups(spec, x, y) : drawLines(spec, x, y);
  return `${open}${warmup}${grid}<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + IH}" y2="${PAD.top + IH}"/>${xLabels}${drawn}${drawMarks(spec, x)}</svg>`;
}

interface XAxis {
  min: number;
  max: number;
  /** Where a value sits before scaling to the plot: itself, or its log for a log axis. */
  pos: (v: number) => number;
  ticks: Array<[number, string]>;
}

/** The x range and its labelled ticks: round numbers, powers of two on a log axis, names for groups. */
function xAxisOf(spec: ChartSpec): XAxis {
  const first = spec.x[0] ?? 0;
  const last = spec.x[spec.x.length - 1] ?? 1;
  if (spec.kind === 'groups') {
    const names = spec.categories ?? [];
    return { min: -0.5, max: spec.x.length - 0.5, pos: (v) => v, ticks: spec.x.map((v, i) => [v, shorten(names[i] ?? String(v))]) };
  }
  // A few measured loads (a sweep's points, the steps' users): a tick at each, never between two users.
  const pointTicks = spec.kind === 'xy' && spec.x.length <= MAX_POINT_TICKS ? spec.x.map((v): [number, string] => [v, formatTick(v)]) : null;
  if (spec.xLog === true && first > 0 && last > first) {
    const ticks: Array<[number, string]> = [];
    for (let e = Math.ceil(Math.log2(first)); e <= Math.floor(Math.log2(last)); e++) ticks.push([2 ** e, formatTick(2 ** e)]);
    return { min: first, max: last, pos: Math.log2, ticks: pointTicks ?? ticks };
  }
  const half = spec.kind === 'bars' ? (spec.binWidth ?? 1) / 2 : 0;
  const min = Math.min(spec.kind === 'time' ? 0 : Infinity, first - half);
  const max = Math.max(min + 1e-9, last + half);
  const unit = spec.kind === 'time' ? 's' : '';
  return { min, max, pos: (v) => v, ticks: pointTicks ?? spreadTicks(min, max).map((v) => [v, `${formatTick(v)}${unit}`]) };
}

/** A long category name cut to fit under its group. */
function shorten(name: string): string {
  return name.length > 14 ? `${name.slice(0, 13)}…` : name;
}

/** Each mark a dashed vertical line with its label beside it (left of the line near the right edge). */
function drawMarks(spec: ChartSpec, x: (v: number) => number): string {
  return (spec.marks ?? [])
    .map((mark) => {
      const at = r1(x(mark.x));
      const right = x(mark.x) > W - PAD.right - 80;
      return `<g class="mark" data-mark-x="${mark.x}"><line x1="${at}" x2="${at}" y1="${PAD.top}" y2="${PAD.top + IH}"/><text x="${at}" dx="${right ? -4 : 4}" y="${PAD.top + 10}" text-anchor="${right ? 'end' : 'start'}">${esc(mark.label)}</text></g>`;
    })
    .join('');
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
      // A few points (a sweep, the steps) get dots too: a single point is seen, and each point can be hovered.
      const dots =
        spec.kind !== 'time' && spec.x.length < 40
          ? s.values
              .map((v, k) => {
                const xk = spec.x[k];
                return v === null || xk === undefined ? '' : `<circle cx="${r1(x(xk))}" cy="${r1(y(v))}" r="2.5" fill="${seriesColor(spec, i)}"><title>${esc(`${s.label}: ${formatTick(v)}${spec.yUnit === '' ? '' : ` ${spec.yUnit}`} at ${formatTick(xk)}${spec.xUnit === '' ? '' : ` ${spec.xUnit}`}`)}</title></circle>`;
              })
              .join('')
          : '';
      return `<path d="${d}" fill="none" stroke="${seriesColor(spec, i)}" stroke-width="1.6" stroke-linejoin="round"/>${dots}`;
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

/** One bar per series in each group, side by side, filling 80% of the group's width. */
function drawGroups(spec: ChartSpec, x: (v: number) => number, y: (v: number) => number): string {
  const width = 0.8 / Math.max(1, spec.series.length);
  const names = spec.categories ?? [];
  return spec.series
    .map((s, i) =>
      s.values
        .map((v, k) => {
          const xk = spec.x[k];
          if (v === null || xk === undefined) return '';
          const left = x(xk - 0.4 + i * width);
          return `<rect x="${r1(left)}" y="${r1(y(v))}" width="${r1(Math.max(1, x(xk - 0.4 + (i + 1) * width) - left - 1))}" height="${r1(PAD.top + IH - y(v))}" fill="${seriesColor(spec, i)}"><title>${esc(`${names[k] ?? String(xk)}, ${s.label}: ${formatTick(v)}${spec.yUnit === '' ? '' : ` ${spec.yUnit}`}`)}</title></rect>`;
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
