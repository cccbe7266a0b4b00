import { percentileOfSorted } from '../../metrics/math.js';
import type { RequestRecord, StepResult, Summary, TimelinePoint } from '../../model/summary.js';
import type { ChartSeries, ChartSpec } from './chart-spec.js';
import { binValues, roundForChart } from './scale.js';

/** Beyond this many seconds the time charts show buckets of several seconds: the page stays small. */
export const MAX_TIME_POINTS = 600;
/** Error categories drawn apart; the rest are summed as "other". */
const MAX_ERROR_SERIES = 5;

type LatencyField = 'ttftMs' | 'itlMs' | 'e2eMs';

/** Seconds per point of the time charts: 1, or more for a run longer than MAX_TIME_POINTS seconds. */
export function bucketSecondsFor(timelineLength: number): number {
  return Math.max(1, Math.ceil(timelineLength / MAX_TIME_POINTS));
}

/**
 * The time charts of one run, one point per bucket of the timeline (second 0 = the run's start):
 * users, request rates, output tokens/s, TTFT/ITL/E2E p50/p95/p99 and errors by category. With the
 * records the latency lines are exact percentiles of the requests sent in each bucket, and errors are
 * split by category; without them the summary's per-second medians and failure counts are drawn.
 */
export function buildTimeCharts(s: Summary, records: readonly RequestRecord[] | undefined, idPrefix = ''): ChartSpec[] {
  const tl = s.timeline;
  if (tl.length === 0) return [];
  const bucketS = bucketSecondsFor(tl.length);
  const buckets = Math.ceil(tl.length / bucketS);
  const x = Array.from({ length: buckets }, (_, b) => (tl[b * bucketS] as TimelinePoint).t);
  const rate = (f: (p: TimelinePoint) => number): Array<number | null> => meanPerBucket(tl, bucketS, f);
  const warmupS = s.measureStartS ?? 0;
  const per = bucketS === 1 ? 'per second' : `per ${bucketS} s bucket (averaged per second)`;
  const base = { kind: 'time' as const, xLabel: 'time', xUnit: 's', x, warmupS };
  const origin = Date.parse(s.startedAt);
  const fromRecords = records !== undefined && records.length > 0 && Number.isFinite(origin);
  const specs: ChartSpec[] = [
    { ...base, id: `${idPrefix}users`, title: 'Active users', yUnit: 'users', series: [{ label: 'users', values: rate((p) => p.users) }] },
    {
      ...base,
      id: `${idPrefix}rps`,
      title: 'Requests per second',
      yUnit: 'req/s',
      series: [
        { label: 'started', values: rate((p) => p.started) },
        { label: 'finished ok', values: rate((p) => Math.max(0, p.finished - p.failed)) },
        { label: 'failed', values: rate((p) => p.failed) },
      ],
      note: `Started: sent in the second; finished: ended in the second. ${capitalize(per)}.`,
    },
    {
      ...base,
      id: `${idPrefix}tokens`,
      title: 'Output tokens per second',
      yUnit: 'tok/s',
      series: [{ label: 'output tokens/s', values: rate((p) => p.outputTokens) }],
      note: "Each request's tokens spread over its first-to-last-token span.",
    },
  ];
  if (fromRecords) {
    const byField = groupLatencies(records, origin, bucketS, buckets);
    const latency = (field: LatencyField, id: string, title: string): ChartSpec => ({
      ...base,
      id: `${idPrefix}${id}`,
      title,
      yUnit: 'ms',
      series: percentileSeries(byField[field]),
      note: `Successful requests by the ${bucketS === 1 ? 'second' : `${bucketS} s bucket`} they were sent in; exact percentiles (nearest rank).`,
    });
    // A run without streaming has no TTFT or ITL: those charts are left out rather than drawn empty.
    const latencies = [latency('ttftMs', 'ttft', 'TTFT over time'), latency('itlMs', 'itl', 'ITL over time'), latency('e2eMs', 'e2e', 'E2E over time')];
    specs.push(...latencies.filter((spec) => spec.series.some((series) => series.values.some((v) => v !== null))));
    specs.push({
      ...base,
      id: `${idPrefix}errors`,
      title: 'Errors per second by category',
      yUnit: 'err/s',
      color: 3,
      series: errorSeries(records, origin, bucketS, buckets),
      note: 'Failed requests by the second they ended in (incomplete ones are not failures).',
    });
  } else {
    const median = (f: (p: TimelinePoint) => number | null): Array<number | null> => meanPerBucket(tl, bucketS, f);
    specs.push(
      { ...base, id: `${idPrefix}ttft`, title: 'TTFT over time', yUnit: 'ms', series: [{ label: 'TTFT p50', values: median((p) => p.ttftP50) }], note: 'Median by the second requests were sent in; p95/p99, ITL and errors by category need the records (results.jsonl).' },
      { ...base, id: `${idPrefix}e2e`, title: 'E2E over time', yUnit: 'ms', series: [{ label: 'E2E p50', values: median((p) => p.e2eP50) }], note: 'Median by the second requests ended in.' },
      { ...base, id: `${idPrefix}errors`, title: 'Errors per second', yUnit: 'err/s', color: 3, series: [{ label: 'failed', values: rate((p) => p.failed) }] },
    );
  }
  return specs;
}

/** The distributions of one run's successful measured requests: TTFT, ITL, E2E, input and output tokens. */
export function buildDistributionCharts(records: readonly RequestRecord[], idPrefix = ''): ChartSpec[] {
  const defs: Array<[string, string, string, string, (r: RequestRecord) => number | null]> = [
    ['ttft-hist', 'TTFT distribution', 'TTFT', 'ms', (r) => r.ttftMs],
    ['itl-hist', 'ITL distribution', 'ITL', 'ms', (r) => r.itlMs],
    ['e2e-hist', 'E2E distribution', 'E2E', 'ms', (r) => r.e2eMs],
    ['input-hist', 'Input tokens per request', 'input tokens', 'tokens', (r) => r.inputTokens],
    ['output-hist', 'Output tokens per request', 'output tokens', 'tokens', (r) => r.outputTokens],
  ];
  // One pass over the records for all five (a big run has millions of them).
  const columns = defs.map((): number[] => []);
  for (const r of records) {
    if (!r.ok || r.phase !== 'measure') continue;
    for (let i = 0; i < defs.length; i++) {
      const v = (defs[i] as (typeof defs)[number])[4](r);
      if (v !== null && Number.isFinite(v)) (columns[i] as number[]).push(v);
    }
  }
  return defs.flatMap(([id, title, xLabel, unit], i) => {
    const sorted = Float64Array.from(columns[i] as number[]).sort();
    if (sorted.length === 0) return [];
    const bins = binValues(sorted);
    const x = bins.counts.map((_, i) => roundForChart(bins.start + (i + 0.5) * bins.width) as number);
    const overflow = bins.overflowFrom === null ? '' : ` The last bar holds everything from ${roundForChart(bins.overflowFrom)} ${unit} up (above p99.5).`;
    return [
      {
        id: `${idPrefix}${id}`,
        title,
        kind: 'bars' as const,
        xLabel,
        xUnit: unit,
        yUnit: 'requests',
        x,
        binWidth: bins.width,
        series: [{ label: 'requests', values: bins.counts }],
        note: `${sorted.length} successful measured requests; bars ${roundForChart(bins.width)} ${unit} wide.${overflow}`,
      },
    ];
  });
}

/** The mean of each bucket of `bucketS` seconds (a rate stays per second); `buckets` pads a shorter timeline with nulls. */
export function meanPerBucket(tl: readonly TimelinePoint[], bucketS: number, f: (p: TimelinePoint) => number | null, buckets = Math.ceil(tl.length / bucketS)): Array<number | null> {
  const out: Array<number | null> = [];
  for (let b = 0; b < buckets; b++) {
    let sum = 0;
    let n = 0;
    for (let k = b * bucketS; k < Math.min(tl.length, (b + 1) * bucketS); k++) {
      const v = f(tl[k] as TimelinePoint);
      if (v === null) continue;
      sum += v;
      n += 1;
    }
    out.push(n === 0 ? null : roundForChart(sum / n));
  }
  return out;
}

function groupLatencies(records: readonly RequestRecord[], origin: number, bucketS: number, buckets: number): Record<LatencyField, number[][]> {
  const make = (): number[][] => Array.from({ length: buckets }, () => []);
  const out: Record<LatencyField, number[][]> = { ttftMs: make(), itlMs: make(), e2eMs: make() };
  for (const r of records) {
    if (!r.ok) continue;
    const start = Date.parse(r.ts);
    if (!Number.isFinite(start)) continue;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((start - origin) / 1000 / bucketS)));
    for (const field of ['ttftMs', 'itlMs', 'e2eMs'] as const) {
      const v = r[field];
      if (v !== null && Number.isFinite(v)) (out[field][b] as number[]).push(v);
    }
  }
  return out;
}

function percentileSeries(groups: number[][]): ChartSeries[] {
  const sorted = groups.map((g) => Float64Array.from(g).sort());
  return ([50, 95, 99] as const).map((p) => ({ label: `p${p}`, values: sorted.map((g) => roundForChart(percentileOfSorted(g, p))) }));
}

function errorSeries(records: readonly RequestRecord[], origin: number, bucketS: number, buckets: number): ChartSeries[] {
  const byCategory = new Map<string, Float64Array>();
  for (const r of records) {
    if (r.ok || r.errorCategory === null || r.errorCategory === 'incomplete') continue;
    const end = Date.parse(r.ts) + (r.e2eMs ?? 0);
    if (!Number.isFinite(end)) continue;
    const b = Math.min(buckets - 1, Math.max(0, Math.floor((end - origin) / 1000 / bucketS)));
    let counts = byCategory.get(r.errorCategory);
    if (counts === undefined) byCategory.set(r.errorCategory, (counts = new Float64Array(buckets)));
    counts[b] = (counts[b] as number) + 1;
  }
  if (byCategory.size === 0) return [{ label: 'failed', values: new Array<number>(buckets).fill(0) }];
  const total = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const ranked = [...byCategory.entries()].sort((a, b) => total(b[1]) - total(a[1]));
  const shown = ranked.length > MAX_ERROR_SERIES ? ranked.slice(0, MAX_ERROR_SERIES - 1) : ranked;
  const rest = ranked.slice(shown.length);
  const series = shown.map(([label, counts]) => ({ label: label.replaceAll('_', ' '), values: [...counts].map((c) => roundForChart(c / bucketS)) }));
  if (rest.length > 0) {
    const other = new Float64Array(buckets);
    for (const [, counts] of rest) counts.forEach((c, i) => (other[i] = (other[i] as number) + c));
    series.push({ label: 'other', values: [...other].map((c) => roundForChart(c / bucketS)) });
  }
  return series;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A stepped run's capacity at a glance: throughput and TTFT by the users of each step (by step number
 * when the users do not rise step by step, as with a sustain at the top).
 */
export function buildStepCharts(steps: readonly StepResult[], idPrefix = ''): ChartSpec[] {
  if (steps.length < 2) return [];
  const rising = steps.every((step, i) => i === 0 || step.users > (steps[i - 1] as StepResult).users);
  const x = steps.map((step) => (rising ? step.users : step.step));
  const base = { kind: 'xy' as const, xLabel: rising ? 'users' : 'step', xUnit: rising ? 'users' : '', x };
  return [
    {
      ...base,
      id: `${idPrefix}steps-rps`,
      title: `Throughput by ${rising ? 'users' : 'step'}`,
      yUnit: 'req/s',
      series: [
        { label: 'successful req/s', values: steps.map((step) => roundForChart(step.rps)) },
        ...(steps.some((step) => step.goodput !== null) ? [{ label: 'goodput', values: steps.map((step) => roundForChart(step.goodput)) }] : []),
      ],
      note: 'Each step after its settle time.',
    },
    {
      ...base,
      id: `${idPrefix}steps-ttft`,
      title: `TTFT by ${rising ? 'users' : 'step'}`,
      yUnit: 'ms',
      series: (['p50', 'p95', 'p99'] as const).map((p) => ({ label: `TTFT ${p}`, values: steps.map((step) => roundForChart(step.ttft[p])) })),
    },
  ];
}
