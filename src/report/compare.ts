import { formatBySize, formatChangePct as formatSigned } from '../text/format.js';
import { compareSteps, renderStepComparison, type StepComparison } from './compare-steps.js';
import type { RequestRecord, Summary } from '../model/summary.js';
import { LATENCY_STATS, latencyMetric, type RecordLatencyField } from '../model/metric-catalog.js';
import { collectSortedValues, findMeasureStartMs, spreadBySecond, type SpreadSeconds } from './record-series.js';
import { createRandom } from '../random.js';

/** One run as compare sees it: its summary and, when the run folder had them, its records. */
export interface CompareInput {
  label: string;
  summary: Summary;
  records: readonly RequestRecord[] | null;
}

export interface CompareOptions {
  /** A gated metric worse by more than this many percent is a regression (unless within noise). */
  regressPct: number;
  /** Bootstrap resamples per metric. */
  resamples?: number;
  seed?: number;
}

/**
 * `ok`: within the threshold; `improved`: better beyond it and beyond the noise; `regression`: worse
 * beyond it and beyond the noise (fails the gate); `within_noise`: beyond the threshold either way, but
 * the records' spread cannot tell it from chance (passes; a worse one gets a note); `worse`: worse beyond
 * the threshold on a metric that does not gate; `n/a`: a value is missing.
 */
export type MetricStatus = 'ok' | 'improved' | 'regression' | 'within_noise' | 'worse' | 'n/a';

export interface MetricComparison {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  gated: boolean;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline in the metric's unit (ms for latencies): the overhead itself, beside the percentage. */
  change: number | null;
  changePct: number | null;
  /** 95% bootstrap interval of changePct, when both runs had records. */
  changeInterval: [number, number] | null;
  status: MetricStatus;
}

export interface Comparison {
  baseline: string;
  candidate: string;
  regressPct: number;
  /** Any gated metric is a regression: `compare` exits 5. */
  regressed: boolean;
  noiseAssessed: boolean;
  resamples: number;
  seed: number;
  metrics: MetricComparison[];
  notes: string[];
  /** The two runs targeted different URLs (masked, as their summaries say): two endpoints, not one over time. */
  differentTargets: boolean;
  /** Both runs stepped: their steps side by side (absent otherwise). */
  steps?: StepComparison[];
}

/** The percentiles compared: the median for context, the tail to gate. */
const COMPARED_STATS = ['p50', 'p95', 'p99'] as const;
type Stat = (typeof COMPARED_STATS)[number];
const STAT_PCT = Object.fromEntries(LATENCY_STATS.map((stat) => [stat.id, stat.percentile])) as Record<Stat, number>;

interface MetricDef {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  gated: boolean;
  value: (s: Summary) => number | null;
  /** How the records give this metric's spread. */
  noise: { kind: 'latency'; field: RecordLatencyField; stat: Stat } | { kind: 'per-second'; field: 'ok' | 'outputTokens' } | null;
}

/** Throughput and tail latency gate; medians, success rate and goodput are shown for context. */
const METRICS: MetricDef[] = [
  { key: 'rps', label: 'Requests/s (successful)', unit: '', better: 'higher', gated: true, value: (s) => s.rps, noise: { kind: 'per-second', field: 'ok' } },
  {
    key: 'tokens.outputPerSecond',
    label: 'Output tokens/s',
    unit: '',
    better: 'higher',
    gated: true,
    value: (s) => s.tokens.outputPerSecond,
    noise: { kind: 'per-second', field: 'outputTokens' },
  },
  { key: 'requests.successRate', label: 'Success rate', unit: '%', better: 'higher', gated: false, value: (s) => pct(s.requests.successRate), noise: null },
  { key: 'goodput', label: 'Goodput req/s', unit: '', better: 'higher', gated: false, value: (s) => s.goodput, noise: null },
  ...latencyDefs('ttft'),
  ...latencyDefs('itl'),
  ...latencyDefs('e2e'),
];

function latencyDefs(id: 'ttft' | 'itl' | 'e2e'): MetricDef[] {
  const { key, label, unit, recordField } = latencyMetric(id);
  return COMPARED_STATS.map((stat) => ({
    key: `latency.${key}.${stat}`,
    label: `${label} ${stat}`,
    unit,
    better: 'lower' as const,
    gated: stat !== 'p50',
    value: (s: Summary) => s.latency[key]?.[stat] ?? null,
    noise: recordField === null ? null : { kind: 'latency' as const, field: recordField, stat },
  }));
}

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_SEED = 7;
const MIN_SECONDS_FOR_NOISE = 3;

export function compareRuns(baseline: CompareInput, candidate: CompareInput, options: CompareOptions): Comparison {
  const seed = options.seed ?? DEFAULT_SEED;
  const notes: string[] = [];
  const noiseAssessed = baseline.records !== null && candidate.records !== null;
  const bootstrap = noiseAssessed
    ? createBootstrap(baseline.records ?? [], candidate.records ?? [], options.resamples ?? DEFAULT_RESAMPLES, seed)
    : null;
  if (!noiseAssessed) {
    const missing = [baseline, candidate].filter((r) => r.records === null).map((r) => r.label);
    notes.push(
      `noise could not be assessed: no records (results.jsonl) for ${missing.join(' and ')}; compared with the ${options.regressPct}% threshold only (pass run folders to get bootstrap intervals)`,
    );
  }

  const metrics = METRICS.map((def): MetricComparison => {
    const b = def.value(baseline.summary);
    const c = def.value(candidate.summary);
    const changePct = b === null || c === null || b === 0 ? null : ((c - b) / b) * 100;
    const change = b === null || c === null ? null : Math.round((c - b) * 1000) / 1000;
    const changeInterval = bootstrap === null || def.noise === null || changePct === null ? null : bootstrap.interval(def.noise);
    const base = { key: def.key, label: def.label, unit: def.unit, better: def.better, gated: def.gated, baseline: b, candidate: c, change, changePct, changeInterval };
    return { ...base, status: decideStatus(def, changePct, changeInterval, options.regressPct) };
  });

  for (const m of metrics) {
    const worse = m.changePct !== null && (m.better === 'lower' ? m.changePct > 0 : m.changePct < 0);
    if (m.status === 'within_noise' && worse && m.changePct !== null && m.changeInterval !== null) {
      notes.push(
        `${m.label} ${formatSigned(m.changePct)} is beyond the ${options.regressPct}% threshold but within the run-to-run spread (95% interval of the change ${formatSigned(m.changeInterval[0])} … ${formatSigned(m.changeInterval[1])}): not counted as a regression`,
      );
    }
  }
  if (bootstrap !== null) {
    notes.push(...bootstrap.notes);
    notes.push(
      `noise: 95% bootstrap intervals of each change (${bootstrap.resamples} resamples, seed ${seed}) of the per-request latencies and the per-second throughput (each request spread over the time it took)`,
    );
  }
  notes.push(...describeMismatches(baseline, candidate));

  return {
    baseline: baseline.label,
    candidate: candidate.label,
    regressPct: options.regressPct,
    regressed: metrics.some((m) => m.status === 'regression'),
    noiseAssessed,
    resamples: bootstrap?.resamples ?? 0,
    seed,
    metrics,
    notes,
    differentTargets: baseline.summary.target.url !== candidate.summary.target.url,
    ...stepsOf(baseline.summary, candidate.summary),
  };
}

function stepsOf(baseline: Summary, candidate: Summary): { steps?: StepComparison[] } {
  const steps = compareSteps(baseline, candidate);
  return steps === undefined ? {} : { steps };
}

function decideStatus(def: MetricDef, changePct: number | null, interval: [number, number] | null, regressPct: number): MetricStatus {
  if (changePct === null) return 'n/a';
  // Positive = worse, whichever way the metric points.
  const worsePct = def.better === 'lower' ? changePct : -changePct;
  if (worsePct > regressPct) {
    if (!def.gated) return 'worse';
    if (interval === null) return 'regression';
    const worseLow = def.better === 'lower' ? interval[0] : -interval[1];
    // The whole interval must lie on the worse side: a change the spread can produce by chance passes.
    return worseLow > 0 ? 'regression' : 'within_noise';
  }
  if (worsePct < -regressPct) {
    if (interval === null) return 'improved';
    const betterLow = def.better === 'lower' ? -interval[1] : interval[0];
    return betterLow > 0 ? 'improved' : 'within_noise';
  }
  return 'ok';
}

interface Bootstrap {
  resamples: number;
  notes: string[];
  interval(noise: NonNullable<MetricDef['noise']>): [number, number] | null;
}

/**
 * Bootstrap of the change between two runs: each run's records are resampled with replacement, the
 * statistic recomputed, and the 2.5 / 97.5 percentiles of (candidate / baseline − 1) kept. Latency
 * percentiles resample requests; throughput resamples seconds of the measured window, each request
 * spread over the time it took (see spreadBySecond: counts of what ended in each second swing with
 * when completions bunch up, and that swing is no noise of the server's). A seeded PRNG keeps the
 * verdict reproducible.
 */
function createBootstrap(baseRecords: readonly RequestRecord[], candRecords: readonly RequestRecord[], resamples: number, seed: number): Bootstrap {
  const notes: string[] = [];
  const latencyCache = new Map<string, Record<Stat, Float64Array> | null>();

  const latencyIntervals = (field: RecordLatencyField): Record<Stat, Float64Array> | null => {
    const cached = latencyCache.get(field);
    if (cached !== undefined) return cached;
    const b = collectSortedValues(baseRecords, field);
    const c = collectSortedValues(candRecords, field);
    let result: Record<Stat, Float64Array> | null = null;
    if (b.length > 0 && c.length > 0) {
      const random = createRandom(seed);
      const rb = resamplePercentiles(b, resamples, random);
      const rc = resamplePercentiles(c, resamples, random);
      result = { p50: ratios(rb.p50, rc.p50), p95: ratios(rb.p95, rc.p95), p99: ratios(rb.p99, rc.p99) };
    }
    latencyCache.set(field, result);
    return result;
  };

  const secondsOf = (records: readonly RequestRecord[]): SpreadSeconds => {
    const origin = findMeasureStartMs(records);
    if (origin === null) return { ok: new Float64Array(0), outputTokens: new Float64Array(0) };
    const all = spreadBySecond(records, origin);
    // The first second holds the ramp (users starting, no answer yet) when there was no warmup: a step, not
    // noise, and with a few seconds it would widen the interval on its own. Left out when enough remain.
    if (all.ok.length <= MIN_SECONDS_FOR_NOISE) return all;
    return { ok: all.ok.subarray(1), outputTokens: all.outputTokens.subarray(1) };
  };
  const baseSeconds = secondsOf(baseRecords);
  const candSeconds = secondsOf(candRecords);
  const tooShort = baseSeconds.ok.length < MIN_SECONDS_FOR_NOISE || candSeconds.ok.length < MIN_SECONDS_FOR_NOISE;
  if (tooShort) {
    notes.push(`throughput noise not assessed: a run has fewer than ${MIN_SECONDS_FOR_NOISE} measured seconds`);
  }

  return {
    resamples,
    notes,
    interval(noise) {
      if (noise.kind === 'latency') {
        const r = latencyIntervals(noise.field)?.[noise.stat];
        return r === undefined ? null : percentileInterval(r);
      }
      if (tooShort) return null;
      const b = baseSeconds[noise.field];
      const c = candSeconds[noise.field];
      const random = createRandom(seed);
      return percentileInterval(ratios(resampleMeans(b, resamples, random), resampleMeans(c, resamples, random)));
    },
  };
}

/**
 * p50/p95/p99 of `resamples` bootstrap samples of an ascending array, in O(1) each: the k-th smallest of n
 * draws `sorted[⌊u·n⌋]` is `sorted[⌊u₍ₖ₎·n⌋]`, and the k-th order statistic of n uniforms is
 * Beta(k, n − k + 1). Exact, and fast enough for runs of millions of requests.
 */
function resamplePercentiles(sorted: Float64Array, resamples: number, random: () => number): Record<Stat, Float64Array> {
  const n = sorted.length;
  const out: Record<Stat, Float64Array> = { p50: new Float64Array(resamples), p95: new Float64Array(resamples), p99: new Float64Array(resamples) };
  for (const stat of COMPARED_STATS) {
    const k = Math.max(1, Math.ceil((STAT_PCT[stat] / 100) * n));
    const values = out[stat];
    for (let r = 0; r < resamples; r++) {
      const u = sampleBeta(k, n - k + 1, random);
      values[r] = sorted[Math.min(n - 1, Math.floor(u * n))] as number;
    }
  }
  return out;
}

function sampleBeta(a: number, b: number, random: () => number): number {
  const x = sampleGamma(a, random);
  return x / (x + sampleGamma(b, random));
}

/** Marsaglia and Tsang's method, for shape ≥ 1 (ours always are). */
function sampleGamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function resampleMeans(values: Float64Array, resamples: number, random: () => number): Float64Array {
  const n = values.length;
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)] as number;
    out[r] = sum / n;
  }
  return out;
}

/** Percent change of each paired resample; resamples with a zero baseline are dropped. */
function ratios(base: Float64Array, cand: Float64Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < base.length; i++) {
    const b = base[i] as number;
    if (b !== 0) out.push(((cand[i] as number) - b) / b * 100);
  }
  return Float64Array.from(out);
}

function percentileInterval(values: Float64Array): [number, number] | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] as number;
  return [at(0.025), at(0.975)];
}

/** Differences in setup that make a comparison less than like for like. */
function describeMismatches(baseline: CompareInput, candidate: CompareInput): string[] {
  const notes: string[] = [];
  if (baseline.summary.target.url !== candidate.summary.target.url) {
    notes.push(
      `the runs targeted different URLs (${baseline.summary.target.url} vs ${candidate.summary.target.url}): the changes compare two endpoints measured at different times, not one endpoint over time; run them together with --target to see the same moments`,
    );
  }
  const pairs: Array<[string, unknown, unknown]> = [
    ['model', baseline.summary.target.model, candidate.summary.target.model],
    ['API type', baseline.summary.target.apiType, candidate.summary.target.apiType],
    ['stream', baseline.summary.target.stream, candidate.summary.target.stream],
    // Said with the flag people set, not the summary key: the note is read on a console and on a page.
    ...([
      ['concurrentUsers', 'users (--concurrent-users)'],
      ['rate', 'rate (--rate)'],
      ['durationS', 'duration (--duration)'],
      ['loadMode', 'load mode (--step-*)'],
      ['maxRequests', 'request limit (--max-requests)'],
    ] as const).map(([k, name]): [string, unknown, unknown] => [name, baseline.summary.config[k], candidate.summary.config[k]]),
  ];
  for (const [name, b, c] of pairs) {
    if (JSON.stringify(b) !== JSON.stringify(c)) {
      notes.push(`the runs differ in ${name} (${JSON.stringify(b) ?? 'unset'} vs ${JSON.stringify(c) ?? 'unset'}): not like for like`);
    }
  }
  for (const run of [baseline, candidate]) {
    // A several-targets run's top summary carries its baseline target's figures: say whose they are.
    const several = run.summary.comparison;
    if (several !== undefined) {
      notes.push(`${run.label} is a run of several targets: its figures are its baseline ${several.baseline}'s; compare its folders targets/<name> for one target against another run`);
    }
    if (run.summary.generator.verdict !== 'ok') {
      notes.push(`${run.label}: generator ${run.summary.generator.verdict} (${run.summary.generator.reasons.join('; ') || 'see its report'}): its figures may be about the load generator, not the server`);
    }
  }
  return notes;
}

/** Each status as the table and the comparison page say it. */
export const STATUS_TEXT: Readonly<Record<MetricStatus, string>> = {
  ok: 'ok',
  improved: 'improved',
  regression: 'REGRESSION',
  within_noise: 'within noise',
  worse: 'worse (not gated)',
  'n/a': 'n/a',
};

/** The side-by-side table people read in a terminal or a CI log. */
export function renderComparison(c: Comparison): string {
  const header = ['metric', 'baseline', 'candidate', 'difference', 'change', '95% interval', 'status'];
  const rows = c.metrics.map((m) => [
    m.unit === 'ms' ? `${m.label} (ms)` : m.unit === '%' ? `${m.label} (%)` : m.label,
    formatValue(m.baseline),
    formatValue(m.candidate),
    m.change === null ? '–' : `${m.change > 0 ? '+' : ''}${formatValue(m.change)}${m.unit === 'ms' ? ' ms' : m.unit === '%' ? ' pt' : ''}`,
    m.changePct === null ? '–' : formatSigned(m.changePct),
    m.changeInterval === null ? '–' : `${formatSigned(m.changeInterval[0])} … ${formatSigned(m.changeInterval[1])}`,
    `${STATUS_TEXT[m.status]}${m.gated ? '' : ' ·'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const verdict = c.regressed
    ? `REGRESSION: ${c.metrics.filter((m) => m.status === 'regression').map((m) => m.label).join(', ')} worse than ${c.regressPct}% beyond the noise`
    : `no regression beyond ${c.regressPct}%`;
  return [
    `baseline:  ${c.baseline}`,
    `candidate: ${c.candidate}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    '· = shown for context, does not gate (throughput and p95/p99 latency gate)',
    ...renderStepComparison(c.steps),
    ...c.notes.map((n) => `note: ${n}`),
    verdict,
    '',
  ].join('\n');
}

function pct(fraction: number | null): number | null {
  return fraction === null ? null : fraction * 100;
}

/** Ungrouped, so the table's columns stay as narrow as the figures. */
function formatValue(v: number | null): string {
  return formatBySize(v, { grouping: false });
}
