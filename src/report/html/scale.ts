import { percentileOfSorted } from '../../metrics/math.js';

/** 1, 2 or 5 times a power of ten: axis steps (rounded up) and bin widths (nearest) people can read. */
export function niceStep(raw: number, rounding: 'up' | 'nearest' = 'up'): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  const nice =
    rounding === 'up'
      ? f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
      : f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
  return Number((nice * power).toPrecision(12));
}

export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const step = niceStep(max / 4);
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export interface Bins {
  start: number;
  width: number;
  counts: number[];
  /** The last bin holds everything from here up ("≥"), when outliers were folded into it. */
  overflowFrom: number | null;
}

/** Bars of equal, round width; values above p99.5 go into the last bar (labelled "≥") so one outlier cannot flatten the rest. */
export function binValues(sorted: ArrayLike<number>): Bins {
  const n = sorted.length;
  if (n === 0) return { start: 0, width: 1, counts: [], overflowFrom: null };
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  const cap = percentileOfSorted(sorted, 99.5) ?? max;
  const top = max > cap * 1.5 ? cap : max;
  const bins = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(n))));
  // All values equal: one bar about a tenth of the value wide, not a sliver.
  const width = top > min ? niceStep((top - min) / bins, 'nearest') : niceStep(Math.max(Math.abs(min), 1) / 10, 'nearest');
  const start = Math.floor(min / width) * width;
  const count = Math.max(1, Math.floor((top - start) / width) + 1);
  const counts = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.min(count - 1, Math.floor(((sorted[i] as number) - start) / width));
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { start, width, counts, overflowFrom: top < max ? start + (count - 1) * width : null };
}

/** An axis label: 12k for 12 000, three significant digits below. */
export function formatTick(v: number): string {
  if (Math.abs(v) >= 10_000) return `${Number((v / 1000).toPrecision(3))}k`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/** Four significant digits: what a chart can show, and no float noise in the page's data. */
export function roundForChart(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  return v === 0 ? 0 : Number(v.toPrecision(4));
}
