/**
 * The hot-path collector of one load run (one per thread). The engine calls it per request start, per
 * finished request and once per request with that request's chunk gaps; it keeps counters and mergeable
 * histograms only (no raw samples), and hands a JSON-able snapshot to `summarize` or to the main thread.
 *
 * Figures follow docs/metrics.md: warmup requests count in no figure (the timeline shows them, so a chart shows
 * the whole run); failed requests are excluded from latency and tokens and counted in `errors` by category
 * and status with one sample message each; requests still in flight at the stop are `incomplete`, counted
 * apart; `generator` errors (our sockets or files ran out) are failures kept apart from the server's.
 */
import { LATENCY_KEYS, type LatencyKey } from '../model/metric-catalog.js';
import type { SloCheck } from '../model/plan.js';
import { Histogram, mergeEncoded, type EncodedHistogram } from './histogram.js';
import { LogBuckets, mergeEncodedBuckets, type EncodedLogBuckets } from './log-buckets.js';
import { isWithin, maxOf, minOf } from './math.js';
import type { RequestRecord, TimelineCounts } from '../model/summary.js';

export interface RecorderOptions {
  /**
   * The run's start on this thread's `performance.now()` clock: timeline second 0 begins here and every time
   * in the snapshot is relative to it. A worker thread has its own clock origin: translate with
   * `performance.timeOrigin` so that every worker's runStartMs is the same instant.
   */
  runStartMs: number;
  /** `--slo` checks: a successful measured request meeting all of them counts in `goodRequests` (goodput). */
  slo?: readonly SloCheck[];
}

/** One second of the run, as kept in a snapshot (mergeable: counts add, histograms merge). */
export interface TimelineSecond extends TimelineCounts {
  /**
   * TTFT of the successful requests sent this second and E2E of those finishing this second, for
   * per-second medians (1% buckets).
   */
  ttft: EncodedLogBuckets | null;
  e2e: EncodedLogBuckets | null;
}

/** One histogram per catalog metric; the open-loop ones (queue, E2E from schedule) are empty in a closed-loop run. */
export type LatencyHistograms = Record<LatencyKey, EncodedHistogram>;

/** Everything a Recorder measured, JSON-able (for worker threads) and mergeable (`mergeSnapshots`). */
export interface RecorderSnapshot {
  version: 1;
  /** Start of measurement, ms since run start; null when `startMeasuring` was never called (then 0). */
  measureStartMs: number | null;
  /** Last measured completion (ok or failed), ms since run start; null when none finished. */
  lastMeasuredEndMs: number | null;
  /**
   * When sending stopped (the end of --duration, or a stop from outside), ms since run start: the end of
   * the measured window. Null when the run ended otherwise (--max-requests: its last completion ends it).
   */
  sendEndMs?: number | null;
  /** Measured phase only. `failed` includes generator errors; `incomplete` is apart. */
  requests: { started: number; ok: number; failed: number; incomplete: number };
  generatorErrors: number;
  /** Successful measured requests meeting every SLO check. */
  goodRequests: number;
  /** How many SLO checks goodRequests was judged against (0: no --slo, goodput is null). */
  sloChecks: number;
  tokens: {
    input: number;
    output: number;
    reasoning: number;
    /** Embeddings: vectors of the successful measured requests (absent in snapshots from before it was kept). */
    vectors?: number;
    /** Successful measured requests whose output count came from the server / from our tokenizer. */
    usageRequests: number;
    tokenizerRequests: number;
    /**
     * Prompt tokens the server read from its cache (usage: OpenAI cached_tokens, Anthropic cache reads),
     * and the successful measured requests whose usage said (absent in snapshots from before it was kept).
     */
    cachedInput?: number;
    cachedRequests?: number;
    /** Successful measured requests whose input count came from the server / from our prompt count. */
    inputUsageRequests?: number;
    inputTokenizerRequests?: number;
    /** Usage reconciliation: requests with both counts, their sums, and the worst by relative drift. */
    reconciled?: number;
    reconciledUsage?: number;
    reconciledCounted?: number;
    worstDrift?: DriftSample[];
  };
  /** Backoffs users took after transport-level failures, and their total wait (ms). */
  backoff?: { count: number; waitMs: number };
  latency: LatencyHistograms;
  errors: { byCategory: Record<string, number>; byStatus: Record<string, number>; samples: Record<string, string> };
  /** Highest user count set (summed over merged workers). */
  maxUsers: number;
  /** Dense, from second 0 to the last second anything happened. */
  timeline: TimelineSecond[];
}

/** One request's usage against our count of its text. */
export interface DriftSample {
  user: number;
  seq: number;
  usage: number;
  counted: number;
  /** (usage − counted) / counted, in percent. */
  driftPct: number;
}

const SAMPLE_MAX_CHARS = 300;
/** Requests kept as the worst drift examples. */
const WORST_DRIFT_KEPT = 5;

interface SecondBucket {
  users: number | null;
  started: number;
  finished: number;
  failed: number;
  outputTokens: number;
  ttft: LogBuckets | null;
  e2e: LogBuckets | null;
}

export class Recorder {
  private readonly runStartMs: number;
  private readonly slo: readonly SloCheck[];
  private measureStartMs: number | null = null;
  private lastMeasuredEndMs: number | null = null;
  private started = 0;
  private ok = 0;
  private failed = 0;
  private incomplete = 0;
  private generatorErrors = 0;
  private goodRequests = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private reasoningTokens = 0;
  private cachedInputTokens = 0;
  private cachedRequests = 0;
  private vectors = 0;
  private usageRequests = 0;
  private tokenizerRequests = 0;
  private inputUsageRequests = 0;
  private inputTokenizerRequests = 0;
  private reconciled = 0;
  private reconciledUsage = 0;
  private reconciledCounted = 0;
  /** Worst first; at most WORST_DRIFT_KEPT. */
  private readonly worstDrift: DriftSample[] = [];
  private backoffs = 0;
  private backoffWaitMs = 0;
  private sendEndMs: number | null = null;
  private maxUsers = 0;
  /** Largest chunk gap of the request whose gaps came last: for a chunk_gap SLO in the next recordRequest. */
  private pendingMaxGapMs = 0;
  private readonly ttft = new Histogram();
  private readonly ttfo = new Histogram();
  private readonly itl = new Histogram();
  private readonly e2e = new Histogram();
  private readonly chunkGap = new Histogram();
  private readonly queue = new Histogram();
  private readonly e2eFromSchedule = new Histogram();
  private readonly byCategory: Record<string, number> = {};
  private readonly byStatus: Record<string, number> = {};
  private readonly samples: Record<string, string> = {};
  private readonly seconds: SecondBucket[] = [];

  constructor(options: RecorderOptions) {
    this.runStartMs = options.runStartMs;
    this.slo = options.slo ?? [];
  }

  /** Warmup is over: the measured window starts now. */
  startMeasuring(atMs: number): void {
    this.measureStartMs = atMs - this.runStartMs;
  }

  /** The number of active users changed (ramp-up, a step, the end). */
  setUsers(n: number, atMs: number): void {
    this.bucketAt(atMs).users = n;
    if (n > this.maxUsers) this.maxUsers = n;
  }

  /**
   * Sending stopped at `atMs` (the end of --duration, or a stop from outside): the measured window ends
   * here. Only the first call counts.
   */
  stopSending(atMs: number): void {
    if (this.sendEndMs === null) this.sendEndMs = Math.max(0, atMs - this.runStartMs);
  }

  /** A user waits `waitMs` before its next request, after a transport-level failure. */
  recordBackoff(waitMs: number): void {
    this.backoffs += 1;
    this.backoffWaitMs += waitMs;
  }

  /** A request is about to be sent (t0). */
  recordStart(atMs: number, phase: 'warmup' | 'measure'): void {
    this.bucketAt(atMs).started += 1;
    if (phase === 'measure') this.started += 1;
  }

  /**
   * The chunk gaps of one successful measured request (`count` first entries of `gaps`, in ms). Call it just
   * before that request's `recordRequest`: its largest gap is what a `chunk_gap` SLO judges the request by.
   */
  recordChunkGaps(gaps: Float64Array, count: number): void {
    this.pendingMaxGapMs = this.chunkGap.recordMany(gaps, count);
  }

  /**
   * A request sent at `startAtMs` (default: `endAtMs` less its E2E) ended at `endAtMs`, or was cut off by
   * the stop (`errorCategory: "incomplete"`).
   */
  recordRequest(record: RequestRecord, endAtMs: number, startAtMs: number = endAtMs - (record.e2eMs ?? 0)): void {
    const maxGapMs = this.pendingMaxGapMs;
    this.pendingMaxGapMs = 0;
    const incomplete = record.errorCategory === 'incomplete';
    if (!incomplete) this.recordInTimeline(record, endAtMs, startAtMs);
    if (record.phase !== 'measure') return;
    if (incomplete) {
      this.incomplete += 1;
      return;
    }
    const endMs = endAtMs - this.runStartMs;
    if (this.lastMeasuredEndMs === null || endMs > this.lastMeasuredEndMs) this.lastMeasuredEndMs = endMs;
    if (record.ok) this.recordSuccess(record, maxGapMs);
    else this.recordFailure(record);
  }

  snapshot(): RecorderSnapshot {
    return {
      version: 1,
      measureStartMs: this.measureStartMs,
      lastMeasuredEndMs: this.lastMeasuredEndMs,
      sendEndMs: this.sendEndMs,
      requests: { started: this.started, ok: this.ok, failed: this.failed, incomplete: this.incomplete },
      generatorErrors: this.generatorErrors,
      goodRequests: this.goodRequests,
      sloChecks: this.slo.length,
      tokens: {
        input: this.inputTokens,
        output: this.outputTokens,
        reasoning: this.reasoningTokens,
        cachedInput: this.cachedInputTokens,
        cachedRequests: this.cachedRequests,
        // Only embeddings answer vectors: other runs' snapshots stay as they were.
        ...(this.vectors > 0 ? { vectors: this.vectors } : {}),
        usageRequests: this.usageRequests,
        tokenizerRequests: this.tokenizerRequests,
        inputUsageRequests: this.inputUsageRequests,
        inputTokenizerRequests: this.inputTokenizerRequests,
        reconciled: this.reconciled,
        reconciledUsage: this.reconciledUsage,
        reconciledCounted: this.reconciledCounted,
        worstDrift: this.worstDrift.map((sample) => ({ ...sample })),
      },
      backoff: { count: this.backoffs, waitMs: this.backoffWaitMs },
      latency: {
        ttft: this.ttft.encode(),
        ttfo: this.ttfo.encode(),
        itl: this.itl.encode(),
        e2e: this.e2e.encode(),
        chunkGap: this.chunkGap.encode(),
        queue: this.queue.encode(),
        e2eFromSchedule: this.e2eFromSchedule.encode(),
      },
      errors: { byCategory: { ...this.byCategory }, byStatus: { ...this.byStatus }, samples: { ...this.samples } },
      maxUsers: this.maxUsers,
      timeline: this.snapshotTimeline(),
    };
  }

  private recordSuccess(record: RequestRecord, maxGapMs: number): void {
    this.ok += 1;
    if (record.ttftMs !== null) this.ttft.record(record.ttftMs);
    if (record.ttfoMs !== null) this.ttfo.record(record.ttfoMs);
    if (record.itlMs !== null) this.itl.record(record.itlMs);
    if (record.e2eMs !== null) this.e2e.record(record.e2eMs);
    if (record.queueMs !== null) {
      this.queue.record(record.queueMs);
      if (record.e2eMs !== null) this.e2eFromSchedule.record(record.queueMs + record.e2eMs);
    }
    this.inputTokens += record.inputTokens ?? 0;
    this.outputTokens += record.outputTokens ?? 0;
    this.reasoningTokens += record.reasoningTokens ?? 0;
    const cached = record.cachedInputTokens ?? null;
    if (cached !== null) {
      this.cachedInputTokens += cached;
      this.cachedRequests += 1;
    }
    this.vectors += record.vectors ?? 0;
    if (record.tokenSource === 'usage') this.usageRequests += 1;
    else if (record.tokenSource === 'tokenizer') this.tokenizerRequests += 1;
    const inputSource = record.inputTokenSource ?? null;
    if (inputSource === 'usage') this.inputUsageRequests += 1;
    else if (inputSource === 'tokenizer') this.inputTokenizerRequests += 1;
    const counted = record.countedOutputTokens ?? null;
    if (counted !== null && record.outputTokens !== null && record.tokenSource === 'usage') this.reconcile(record, record.outputTokens, counted);
    if (this.slo.length > 0 && meetsSlo(this.slo, record, maxGapMs)) this.goodRequests += 1;
  }

  private reconcile(record: RequestRecord, usage: number, counted: number): void {
    this.reconciled += 1;
    this.reconciledUsage += usage;
    this.reconciledCounted += counted;
    if (usage === counted) return;
    const driftPct = counted === 0 ? 100 : ((usage - counted) / counted) * 100;
    const worst = this.worstDrift;
    if (worst.length === WORST_DRIFT_KEPT && Math.abs(driftPct) <= Math.abs((worst[worst.length - 1] as DriftSample).driftPct)) return;
    insertWorst(worst, { user: record.user, seq: record.seq, usage, counted, driftPct });
  }

  private recordFailure(record: RequestRecord): void {
    this.failed += 1;
    const category = record.errorCategory ?? 'unknown';
    if (category === 'generator') this.generatorErrors += 1;
    this.byCategory[category] = (this.byCategory[category] ?? 0) + 1;
    if (record.status !== null) {
      const status = String(record.status);
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    }
    if (this.samples[category] === undefined) {
      const message = record.error ?? (record.status === null ? category : `HTTP ${record.status}`);
      this.samples[category] = message.length > SAMPLE_MAX_CHARS ? `${message.slice(0, SAMPLE_MAX_CHARS)}…` : message;
    }
  }

  /**
   * Finished and failed count in the second the request ended, E2E too; TTFT in the second it was sent;
   * output tokens are spread evenly over the request's first-to-last-token span (docs/metrics.md
   * "The timeline"), so a steady stream reads steady instead of in bursts at each request's end.
   */
  private recordInTimeline(record: RequestRecord, endAtMs: number, startAtMs: number): void {
    const bucket = this.bucketAt(endAtMs);
    bucket.finished += 1;
    if (!record.ok) {
      bucket.failed += 1;
      return;
    }
    if (record.e2eMs !== null) (bucket.e2e ??= new LogBuckets()).record(record.e2eMs);
    if (record.ttftMs !== null) (this.bucketAt(startAtMs).ttft ??= new LogBuckets()).record(record.ttftMs);
    const tokens = record.outputTokens ?? 0;
    if (tokens > 0) this.spreadTokens(tokens, record.ttftMs === null ? endAtMs : startAtMs + record.ttftMs, endAtMs);
  }

  /** `tokens` spread evenly over [fromMs, toMs]: each second gets its share of the span. */
  private spreadTokens(tokens: number, fromMs: number, toMs: number): void {
    const spanMs = toMs - fromMs;
    if (!(spanMs > 0)) {
      this.bucketAt(toMs).outputTokens += tokens;
      return;
    }
    const last = this.secondOf(toMs);
    let second = this.secondOf(fromMs);
    this.bucketAt(toMs);
    let from = fromMs;
    for (; second <= last; second += 1) {
      const secondEndMs = this.runStartMs + (second + 1) * 1000;
      const to = second === last ? toMs : secondEndMs;
      (this.seconds[second] as SecondBucket).outputTokens += (tokens * (to - from)) / spanMs;
      from = to;
    }
  }

  private secondOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.runStartMs) / 1000));
  }

  private bucketAt(atMs: number): SecondBucket {
    const second = this.secondOf(atMs);
    let bucket = this.seconds[second];
    if (bucket === undefined) {
      // Fill the gap so the array stays dense (holey arrays are slower and snapshot walks every second).
      for (let s = this.seconds.length; s <= second; s++) this.seconds.push(emptyBucket());
      bucket = this.seconds[second] as SecondBucket;
    }
    return bucket;
  }

  private snapshotTimeline(): TimelineSecond[] {
    let users = 0;
    return this.seconds.map((bucket, t) => {
      if (bucket.users !== null) users = bucket.users;
      return {
        t,
        users,
        started: bucket.started,
        finished: bucket.finished,
        failed: bucket.failed,
        outputTokens: Math.round(bucket.outputTokens * 1000) / 1000,
        ttft: bucket.ttft === null ? null : bucket.ttft.encode(),
        e2e: bucket.e2e === null ? null : bucket.e2e.encode(),
      };
    });
  }
}

/** Into a list kept worst first (largest |driftPct|), at most WORST_DRIFT_KEPT long. */
function insertWorst(worst: DriftSample[], sample: DriftSample): void {
  let at = worst.length;
  while (at > 0 && Math.abs((worst[at - 1] as DriftSample).driftPct) < Math.abs(sample.driftPct)) at -= 1;
  worst.splice(at, 0, sample);
  if (worst.length > WORST_DRIFT_KEPT) worst.pop();
}

function emptyBucket(): SecondBucket {
  return { users: null, started: 0, finished: 0, failed: 0, outputTokens: 0, ttft: null, e2e: null };
}

/**
 * A request meets an SLO when its own value is within the limit, whatever the check's statistic (the p95 of
 * a run is judged in the thresholds; goodput asks of each request what the SLO asks of the run, as vLLM and
 * DistServe do). A value the request does not have (ITL of a one-token answer) cannot break the SLO.
 */
export function meetsSlo(slo: readonly SloCheck[], record: RequestRecord, maxChunkGapMs: number): boolean {
  for (const check of slo) {
    const value = requestValue(check.metric, record, maxChunkGapMs);
    if (value === null) continue;
    if (!isWithin(value, check.op, check.limit)) return false;
  }
  return true;
}

// A switch, not a catalog lookup: this runs per request and check.
function requestValue(metric: SloCheck['metric'], record: RequestRecord, maxChunkGapMs: number): number | null {
  switch (metric) {
    case 'ttft':
      return record.ttftMs;
    case 'ttfo':
      return record.ttfoMs;
    case 'itl':
      return record.itlMs;
    case 'e2e':
      return record.e2eMs;
    case 'chunk_gap':
      return maxChunkGapMs;
  }
}

/** Combine the snapshots of several threads (or hosts) of one run: counts add, histograms merge, per second. */
export function mergeSnapshots(list: readonly RecorderSnapshot[]): RecorderSnapshot {
  const latency = {} as LatencyHistograms;
  for (const key of LATENCY_KEYS) latency[key] = mergeEncoded(list.map((s) => s.latency[key]));
  const errors: RecorderSnapshot['errors'] = { byCategory: {}, byStatus: {}, samples: {} };
  for (const snapshot of list) {
    addCounts(errors.byCategory, snapshot.errors.byCategory);
    addCounts(errors.byStatus, snapshot.errors.byStatus);
    for (const [category, sample] of Object.entries(snapshot.errors.samples)) errors.samples[category] ??= sample;
  }
  const vectors = sum(list, (s) => s.tokens.vectors ?? 0);
  return {
    version: 1,
    measureStartMs: minOf(list.map((s) => s.measureStartMs)),
    lastMeasuredEndMs: maxOf(list.map((s) => s.lastMeasuredEndMs)),
    sendEndMs: maxOf(list.map((s) => s.sendEndMs ?? null)),
    requests: {
      started: sum(list, (s) => s.requests.started),
      ok: sum(list, (s) => s.requests.ok),
      failed: sum(list, (s) => s.requests.failed),
      incomplete: sum(list, (s) => s.requests.incomplete),
    },
    generatorErrors: sum(list, (s) => s.generatorErrors),
    goodRequests: sum(list, (s) => s.goodRequests),
    sloChecks: Math.max(0, ...list.map((s) => s.sloChecks)),
    tokens: {
      input: sum(list, (s) => s.tokens.input),
      output: sum(list, (s) => s.tokens.output),
      reasoning: sum(list, (s) => s.tokens.reasoning),
      cachedInput: sum(list, (s) => s.tokens.cachedInput ?? 0),
      cachedRequests: sum(list, (s) => s.tokens.cachedRequests ?? 0),
      usageRequests: sum(list, (s) => s.tokens.usageRequests),
      tokenizerRequests: sum(list, (s) => s.tokens.tokenizerRequests),
      inputUsageRequests: sum(list, (s) => s.tokens.inputUsageRequests ?? 0),
      inputTokenizerRequests: sum(list, (s) => s.tokens.inputTokenizerRequests ?? 0),
      reconciled: sum(list, (s) => s.tokens.reconciled ?? 0),
      reconciledUsage: sum(list, (s) => s.tokens.reconciledUsage ?? 0),
      reconciledCounted: sum(list, (s) => s.tokens.reconciledCounted ?? 0),
      worstDrift: mergeWorst(list.map((s) => s.tokens.worstDrift ?? [])),
      ...(vectors > 0 ? { vectors } : {}),
    },
    backoff: { count: sum(list, (s) => s.backoff?.count ?? 0), waitMs: sum(list, (s) => s.backoff?.waitMs ?? 0) },
    latency,
    errors,
    maxUsers: sum(list, (s) => s.maxUsers),
    timeline: mergeTimelines(list.map((s) => s.timeline)),
  };
}

function mergeTimelines(timelines: readonly TimelineSecond[][]): TimelineSecond[] {
  const length = Math.max(0, ...timelines.map((t) => t.length));
  const merged: TimelineSecond[] = [];
  for (let t = 0; t < length; t++) {
    const point: TimelineSecond = { t, users: 0, started: 0, finished: 0, failed: 0, outputTokens: 0, ttft: null, e2e: null };
    const ttft: EncodedLogBuckets[] = [];
    const e2e: EncodedLogBuckets[] = [];
    for (const timeline of timelines) {
      // A thread whose timeline ended earlier still holds its last user count.
      const second = timeline[Math.min(t, timeline.length - 1)];
      if (second === undefined) continue;
      point.users += second.users;
      if (second.t !== t) continue;
      point.started += second.started;
      point.finished += second.finished;
      point.failed += second.failed;
      point.outputTokens += second.outputTokens;
      if (second.ttft !== null) ttft.push(second.ttft);
      if (second.e2e !== null) e2e.push(second.e2e);
    }
    point.outputTokens = Math.round(point.outputTokens * 1000) / 1000;
    point.ttft = mergeEncodedBuckets(ttft);
    point.e2e = mergeEncodedBuckets(e2e);
    merged.push(point);
  }
  return merged;
}

function mergeWorst(lists: readonly DriftSample[][]): DriftSample[] {
  const worst: DriftSample[] = [];
  for (const list of lists) for (const sample of list) insertWorst(worst, { ...sample });
  return worst;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

function sum<T>(list: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of list) total += pick(item);
  return total;
}
