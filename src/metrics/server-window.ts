import type { LatencyStats } from '../model/summary.js';
import {
  MAX_TIMELINE_POINTS,
  type PromSample,
  type SaturationVerdict,
  type Scrape,
  type ServerEndpointReport,
  type ServerKind,
  type ServerLatency,
  type ServerMetricsSummary,
  type ServerTimelinePoint,
  type TtftComparison,
} from '../model/server-metrics.js';
import { formatElapsed, formatMs as formatMsBare, formatNumber } from '../text/format.js';
import {
  COUNTERS,
  familyOf,
  GAUGE_COMBINE,
  GAUGES,
  HISTOGRAMS,
  SERVER_NAMES,
  serverKindOf,
  termOf,
  type CounterTerm,
  type GaugeTerm,
  type HistogramTerm,
} from './server-vocabulary.js';

export const SERVER_PERCENTILE_METHOD =
  "server percentiles are interpolated linearly inside the server histogram's buckets (bucket deltas over the window, as Prometheus histogram_quantile does), capped at mean / (1 − q) (no share of durations above that can exceed 1 − q): accurate to a bucket's width; counts and means are exact";

/** One scrape read in the vocabulary: gauges, counters and histograms, each over its label sets. */
interface ReadScrape {
  t: number;
  gauges: Partial<Record<GaugeTerm, number>>;
  counters: Partial<Record<CounterTerm, number>>;
  histograms: Partial<Record<HistogramTerm, Histogram>>;
}

/** Cumulative bucket counts by upper bound (`le` as a number, +Inf included), with sum and count. */
interface Histogram {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

/** What the client side measured, for the comparison. */
export interface ClientSide {
  ttft: LatencyStats;
  /** Measured requests that finished (ok + failed). */
  requests: number;
}

export interface ServerWindowOptions {
  intervalS: number;
  timeoutMs: number;
  /** The endpoints in the order given, masked, as the scrapes name them. */
  urls: string[];
  /**
   * Where our measured window starts (after a warmup), seconds since the load started: the server's window
   * then starts at the first scrape from there. Null: at the first scrape (the baseline before the load).
   */
  windowStartS: number | null;
  client: ClientSide;
}

/** summary.json's `serverMetrics` from every scrape of the run (docs/server-metrics.md). */
export function summarizeServerMetrics(scrapes: readonly Scrape[], options: ServerWindowOptions): ServerMetricsSummary {
  const endpoints: ServerEndpointReport[] = [];
  const perEndpoint: ReadScrape[][] = [];
  let kind: ServerKind = 'unknown';
  for (const url of options.urls) {
    const own = scrapes.filter((scrape) => scrape.url === url);
    const ok = own.filter((scrape): scrape is Extract<Scrape, { ok: true }> => scrape.ok).sort((a, b) => a.t - b.t);
    const failures = own.filter((scrape): scrape is Extract<Scrape, { ok: false }> => !scrape.ok);
    const names = new Set(ok.flatMap((scrape) => scrape.samples.map((sample) => sample.name)));
    const server = serverKindOf(names);
    if (kind === 'unknown') kind = server;
    const rawFamilies = new Set([...names].filter((name) => termOf(name) === null).map(familyOf)).size;
    endpoints.push({ url, server, scrapes: own.length, failed: failures.length, lastError: failures.at(-1)?.error ?? null, rawFamilies });
    perEndpoint.push(ok.map((scrape) => readScrape(scrape.t, scrape.samples)));
  }
  const startS = options.windowStartS;
  const windows = perEndpoint
    .map((reads) => (startS === null ? reads : reads.filter((read) => read.t >= startS)))
    .filter((reads) => reads.length >= 2)
    .map((reads) => ({ first: reads[0] as ReadScrape, last: reads.at(-1) as ReadScrape }));
  const window =
    windows.length === 0 ? null : { fromS: round3(Math.min(...windows.map((w) => w.first.t))), toS: round3(Math.max(...windows.map((w) => w.last.t))) };
  // Rates count from the load's start when the baseline came before it (the engine's set-up sends nothing).
  const spanS = window === null ? 0 : window.toS - Math.max(window.fromS, 0);
  const histogram = (term: HistogramTerm): Histogram | null => mergeHistograms(windows.map((w) => deltaHistogram(w.first.histograms[term], w.last.histograms[term])));
  const counter = (term: CounterTerm): number | null => sumOrNull(windows.map((w) => deltaCounter(w.first.counters[term], w.last.counters[term])));
  const perSecond = (term: CounterTerm): number | null => {
    const delta = counter(term);
    return delta === null || spanS <= 0 ? null : round3(delta / spanS);
  };
  const ttftHistogram = histogram('ttft');
  const queueHistogram = histogram('queueTime');
  const ttft = latencyOf(ttftHistogram);
  const queueTime = latencyOf(queueHistogram);
  const e2eHistogram = histogram('e2e');
  const timeline = mergeTimelines(perEndpoint, options.intervalS);
  const hits = counter('prefixCacheHits');
  const queries = counter('prefixCacheQueries');
  const gaugeHitRate = meanOf(perEndpoint.flatMap((reads) => reads.map((read) => read.gauges.prefixCacheHitRate ?? null)));
  const serverRequests = ttftHistogram?.count ?? e2eHistogram?.count ?? null;
  return {
    intervalS: options.intervalS,
    timeoutMs: options.timeoutMs,
    endpoints,
    window,
    ttft,
    e2e: latencyOf(e2eHistogram),
    queueTime,
    running: statsOf(timeline.map((point) => point.running)),
    waiting: statsOf(timeline.map((point) => point.waiting)),
    kvCacheUsage: statsOf(timeline.map((point) => point.kvCacheUsage)),
    prefixCacheHitRate: hits !== null && queries !== null && queries > 0 ? round4(hits / queries) : gaugeHitRate,
    promptTokensPerSecond: perSecond('promptTokens'),
    generationTokensPerSecond: perSecond('generationTokens'),
    requestsFinished: counter('requestsFinished'),
    // Nothing to compare when the server timed no first token in the window.
    comparison: ttft === null || ttft.mean === null ? null : compareTtft(options.client, ttft, queueTime, serverRequests ?? 0),
    saturation: judgeSaturation(timeline, kind, endpoints),
    timeline: thin(timeline, MAX_TIMELINE_POINTS),
    percentileMethod: SERVER_PERCENTILE_METHOD,
  };
}

/** The vocabulary's values in one scrape; of two names for one term (old and new vLLM), the first in the table wins. */
function readScrape(t: number, samples: readonly PromSample[]): ReadScrape {
  const gaugeParts = new Map<string, number[]>();
  const counterParts = new Map<string, number>();
  const histogramParts = new Map<string, Histogram>();
  for (const sample of samples) {
    const term = termOf(sample.name);
    if (term === null || Number.isNaN(sample.value)) continue;
    if (term.kind === 'gauge') {
      const list = gaugeParts.get(sample.name);
      if (list === undefined) gaugeParts.set(sample.name, [sample.value]);
      else list.push(sample.value);
    } else if (term.kind === 'counter') {
      counterParts.set(sample.name, (counterParts.get(sample.name) ?? 0) + sample.value);
    } else {
      const family = sample.name.slice(0, -(term.part.length + 1));
      let histogram = histogramParts.get(family);
      if (histogram === undefined) {
        histogram = { buckets: new Map(), sum: 0, count: 0 };
        histogramParts.set(family, histogram);
      }
      if (term.part === 'sum') histogram.sum += sample.value;
      else if (term.part === 'count') histogram.count += sample.value;
      else {
        const le = parseLe(sample.labels['le']);
        if (le !== null) histogram.buckets.set(le, (histogram.buckets.get(le) ?? 0) + sample.value);
      }
    }
  }
  const read: ReadScrape = { t, gauges: {}, counters: {}, histograms: {} };
  for (const [name, term] of GAUGES) {
    const values = gaugeParts.get(name);
    if (values === undefined || read.gauges[term] !== undefined) continue;
    const total = values.reduce((a, b) => a + b, 0);
    read.gauges[term] = GAUGE_COMBINE[term] === 'sum' ? total : total / values.length;
  }
  for (const [name, term] of COUNTERS) {
    const value = counterParts.get(name);
    if (value !== undefined && read.counters[term] === undefined) read.counters[term] = value;
  }
  for (const [name, term] of HISTOGRAMS) {
    const histogram = histogramParts.get(name);
    if (histogram !== undefined && read.histograms[term] === undefined) read.histograms[term] = histogram;
  }
  return read;
}

function parseLe(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  const value = Number(text);
  return text.trim() === '' || !Number.isFinite(value) ? null : value;
}

/** last − first; a counter that went down was reset (a server restart): then what it counted since. */
function deltaCounter(first: number | undefined, last: number | undefined): number | null {
  if (last === undefined) return null;
  if (first === undefined) return last;
  return last >= first ? last - first : last;
}

function deltaHistogram(first: Histogram | undefined, last: Histogram | undefined): Histogram | null {
  if (last === undefined) return null;
  if (first === undefined || last.count < first.count) return last;
  const buckets = new Map<number, number>();
  for (const [le, value] of last.buckets) buckets.set(le, value - (first.buckets.get(le) ?? 0));
  return { buckets, sum: last.sum - first.sum, count: last.count - first.count };
}

function mergeHistograms(parts: ReadonlyArray<Histogram | null>): Histogram | null {
  const present = parts.filter((part): part is Histogram => part !== null);
  if (present.length === 0) return null;
  const buckets = new Map<number, number>();
  for (const part of present) for (const [le, value] of part.buckets) buckets.set(le, (buckets.get(le) ?? 0) + value);
  return { buckets, sum: present.reduce((a, p) => a + p.sum, 0), count: present.reduce((a, p) => a + p.count, 0) };
}

/** Count, exact mean and bucket-interpolated percentiles, in ms. */
function latencyOf(histogram: Histogram | null): ServerLatency | null {
  if (histogram === null) return null;
  const count = histogram.count;
  const ms = (seconds: number | null): number | null => (seconds === null ? null : round3(seconds * 1000));
  const mean = count > 0 ? histogram.sum / count : null;
  // Durations are never negative, so at most a share 1 − q of them reach mean / (1 − q) (Markov): a bound
  // the interpolation can break inside a wide first bucket (every queue time 0 s read as p50 = 150 ms).
  const quantile = (q: number): number | null => {
    const value = histogramQuantile(histogram, q);
    return value === null || mean === null ? value : Math.min(value, mean / (1 - q));
  };
  return {
    count: Math.round(count),
    mean: ms(mean),
    p50: ms(quantile(0.5)),
    p90: ms(quantile(0.9)),
    p95: ms(quantile(0.95)),
    p99: ms(quantile(0.99)),
  };
}

/**
 * Prometheus's histogram_quantile: the bucket holding rank q × total, linear between its bounds (the first
 * from 0); a rank in the +Inf bucket gives the largest finite bound. Null without observations.
 */
export function histogramQuantile(histogram: { buckets: ReadonlyMap<number, number> }, q: number): number | null {
  const bounds = [...histogram.buckets.keys()].sort((a, b) => a - b);
  const total = histogram.buckets.get(Number.POSITIVE_INFINITY) ?? (bounds.length === 0 ? 0 : (histogram.buckets.get(bounds.at(-1) as number) ?? 0));
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const cumulative = histogram.buckets.get(le) ?? 0;
    if (cumulative >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lower;
      const inBucket = cumulative - below;
      return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

/** The endpoints' gauges per scrape tick (scrapes of one tick share a slot of the interval). */
function mergeTimelines(perEndpoint: ReadonlyArray<readonly ReadScrape[]>, intervalS: number): ServerTimelinePoint[] {
  const slots = new Map<number, { t: number; running: number[]; waiting: number[]; kv: number[] }>();
  for (const reads of perEndpoint) {
    for (const read of reads) {
      const key = Math.round(read.t / intervalS);
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = { t: read.t, running: [], waiting: [], kv: [] };
        slots.set(key, slot);
      }
      if (read.gauges.running !== undefined) slot.running.push(read.gauges.running);
      if (read.gauges.waiting !== undefined) slot.waiting.push(read.gauges.waiting);
      if (read.gauges.kvCacheUsage !== undefined) slot.kv.push(read.gauges.kvCacheUsage);
    }
  }
  return [...slots.values()]
    .sort((a, b) => a.t - b.t)
    .map((slot) => ({
      t: round3(slot.t),
      running: slot.running.length === 0 ? null : slot.running.reduce((a, b) => a + b, 0),
      waiting: slot.waiting.length === 0 ? null : slot.waiting.reduce((a, b) => a + b, 0),
      kvCacheUsage: slot.kv.length === 0 ? null : round4(slot.kv.reduce((a, b) => a + b, 0) / slot.kv.length),
    }));
}

function judgeSaturation(timeline: readonly ServerTimelinePoint[], kind: ServerKind, endpoints: readonly ServerEndpointReport[]): SaturationVerdict {
  const withWaiting = timeline.filter((point) => point.waiting !== null);
  const maxRunning = maxOf(timeline.map((point) => point.running));
  if (withWaiting.length === 0) {
    const why =
      endpoints.every((endpoint) => endpoint.scrapes === endpoint.failed)
        ? 'no scrape of the server metrics succeeded'
        : `${SERVER_NAMES[kind]} exposes no waiting-requests gauge we know`;
    return { state: 'unknown', fromS: null, maxWaiting: null, runningWhenQueued: null, maxRunning, verdict: `saturation unknown: ${why}` };
  }
  const maxWaiting = maxOf(withWaiting.map((point) => point.waiting)) ?? 0;
  const first = withWaiting.find((point) => (point.waiting ?? 0) > 0);
  if (first === undefined) {
    return {
      state: 'not-queued',
      fromS: null,
      maxWaiting,
      runningWhenQueued: null,
      maxRunning,
      verdict: `the server never queued a request: waiting stayed 0 in ${withWaiting.length} scrapes${maxRunning === null ? '' : ` (at most ${formatNumber(maxRunning, 0)} running)`}`,
    };
  }
  const fromS = Math.max(0, first.t);
  const running = first.running;
  return {
    state: 'queued',
    fromS: round3(fromS),
    maxWaiting,
    runningWhenQueued: running,
    maxRunning,
    verdict: `the server queued requests from ${formatElapsed(fromS * 1000).replace(/ /g, '')}: waiting > 0 while running = ${running === null ? 'unknown' : formatNumber(running, 0)} (at most ${formatNumber(maxWaiting, 0)} waiting${maxRunning === null ? '' : `, ${formatNumber(maxRunning, 0)} running`}): it was at its batch limit`,
  };
}

function compareTtft(client: ClientSide, server: ServerLatency, queueTime: ServerLatency | null, serverRequests: number): TtftComparison {
  const c = client.ttft;
  const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : round3(a - b));
  const difference = { mean: diff(c.mean, server.mean), p50: diff(c.p50, server.p50), p95: diff(c.p95, server.p95), p99: diff(c.p99, server.p99) };
  const queueMean = queueTime?.mean ?? null;
  const parts: string[] = [];
  if (c.notMeasured !== undefined || c.mean === null || server.mean === null || difference.mean === null) {
    parts.push(`our TTFT was not measured (${c.notMeasured ?? 'no successful request'}), so only the server's is known`);
  } else {
    parts.push(
      `we measure TTFT from sending the request to the first token's bytes arriving here; the server from the request's arrival in it to the first token leaving its engine. The mean difference, ${formatMs(difference.mean)} (ours ${formatMs(c.mean)}, the server's ${formatMs(server.mean)}), is time outside the server's clock: the network both ways, HTTP, the server's API layer before it stamps the arrival (tokenizing the prompt) and our client's reading`,
    );
    if (queueMean !== null) {
      const share = c.mean > 0 ? ` (${formatNumber((queueMean / c.mean) * 100, 1)}% of our TTFT)` : '';
      parts.push(`the server's TTFT includes ${formatMs(queueMean)} of queueing on average${share}: waiting for a slot in its batch, not the network`);
    }
    if (difference.mean < 0) parts.push('a negative difference means the server timed slower requests than ours: other traffic, warmup or requests we did not count');
  }
  if (serverRequests !== client.requests) {
    parts.push(
      `the server timed ${formatNumber(serverRequests, 0)} first tokens in the window and we ${formatNumber(client.requests, 0)}: other clients, or requests in flight at the window's edges (a warmup's last ones), make this comparison approximate`,
    );
  }
  parts.push("server percentiles are bucket-interpolated (within a bucket's width); the means are exact");
  return {
    client: { mean: c.mean, p50: c.p50, p95: c.p95, p99: c.p99 },
    server: { mean: server.mean, p50: server.p50, p95: server.p95, p99: server.p99 },
    difference,
    serverQueueMeanMs: queueMean,
    serverRequests,
    clientRequests: client.requests,
    explanation: `${parts.join('; ')}.`,
  };
}

function statsOf(values: ReadonlyArray<number | null>): { mean: number; max: number } | null {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return null;
  return { mean: round4(present.reduce((a, b) => a + b, 0) / present.length), max: Math.max(...present) };
}

function meanOf(values: ReadonlyArray<number | null>): number | null {
  return statsOf(values)?.mean ?? null;
}

function maxOf(values: ReadonlyArray<number | null>): number | null {
  return statsOf(values)?.max ?? null;
}

function sumOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

/** At most `max` points, evenly spread, the last kept. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i += 1) out.push(points[Math.floor(i * step)] as T);
  out.push(points.at(-1) as T);
  return out;
}

/** Milliseconds with the unit: "0.65 ms". */
function formatMs(ms: number | null): string {
  return ms === null ? '–' : `${formatMsBare(ms)} ms`;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
