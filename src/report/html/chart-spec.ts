/**
 * One chart of a report page, said once: the page draws it with uPlot from this data (values on hover,
 * zoom, series toggles) and, for print and for readers without JavaScript, as a static SVG from the same
 * data. Sections of any report (run, comparison, sweeps, server metrics) build these and hand them to
 * renderChartFigure; the page collects their data into one JSON block.
 */
export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

export interface ChartMark {
  x: number;
  label: string;
}

export interface ChartSpec {
  /** Unique on the page; `data-chart` on the figure. */
  id: string;
  title: string;
  /**
   * `time`: x is seconds since the run started; every time chart of a page shares the cursor and the zoom.
   * `bars`: a histogram, x the bin centres, `binWidth` wide. `xy`: lines over any x (a CDF, a sweep's load).
   * `groups`: grouped bars, one group per category (x is 0, 1, 2… naming `categories`), one bar per series.
   */
  kind: 'time' | 'bars' | 'xy' | 'groups';
  /** What x is and its unit, for the legend and the axis: "time" and "s", "TTFT" and "ms". */
  xLabel: string;
  xUnit: string;
  /** The unit of the y values ("req/s", "ms", "requests"); '' for plain counts. */
  yUnit: string;
  x: number[];
  series: ChartSeries[];
  binWidth?: number;
  /** `groups`: the name of each x, in order (a scenario's name). */
  categories?: string[];
  /** `xy`: x on a log (base 2) scale, for a ladder that doubles. */
  xLog?: boolean;
  /** Vertical lines at these x, each with its label (a sweep's knee). */
  marks?: ChartMark[];
  /** Time charts: seconds before this are warmup (shaded, not measured). */
  warmupS?: number;
  /** The first colour of the palette to use (errors start on red). */
  color?: number;
  /** A line under the chart: how it was computed. */
  note?: string;
}

/** The palette, in the order series take it; the page's CSS and the client script use the same. */
export const CHART_COLORS = ['#0969da', '#bf3989', '#1a7f37', '#cf222e', '#9a6700', '#8250df', '#57606a', '#0a7ea4'] as const;

export function seriesColor(spec: Pick<ChartSpec, 'color'>, index: number): string {
  return CHART_COLORS[((spec.color ?? 0) + index) % CHART_COLORS.length] as string;
}
