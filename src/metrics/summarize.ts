/**
 * summary.json from a recorder snapshot: pure (no clock, no I/O), so the engine, worker merges and tests
 * all get the same figures from the same snapshot. Definitions: docs/metrics.md.
 */
import { TRANSPORT_FAILURE_CATEGORIES } from '../failures/categories.js';
import { LATENCY_METRICS, USAGE_DRIFT_TOLERANCE_PCT } from '../model/metric-catalog.js';
import type { SloCheck } from '../model/plan.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { judgeGenerator, type GeneratorHealth } from './generator-verdict.js';
import { statsOfEncoded } from './histogram.js';
import { medianOfEncoded } from './log-buckets.js';
import { round3 } from './math.js';
import type { RecorderSnapshot, TimelineSecond } from './recorder.js';
import { evaluateThresholds } from './thresholds.js';
import type { CapabilityReport } from '../model/capability.js';
import type { LatencyStats, RunStop, Summary, SummaryConfig, TimelinePoint, TransportFailures, UsageReconciliation } from '../model/summary.js';

export interface SummaryContext {
  /** Already masked. */
  target: Summary['target'];
  config: SummaryConfig;
  startedAt: string;
  endedAt: string;
  successThreshold: number;
  slo: readonly SloCheck[];
  /** From the health monitor's stop(); judged again here with the recorder's request and user counts. */
  generator: GeneratorHealth;
  /** Threads that generated load, for the CPU judgement; defaults to `config.workers` when a number, else 1. */
  threads?: number;
  precheck?: CapabilityReport;
  /** Chunk-gap figures of the run's live summary, used instead of the snapshot's (results.jsonl keeps no gaps). */
  liveChunkGap?: LatencyStats;
  /** How the run ended; absent for a summary re-computed without that knowledge. */
  stop?: RunStop;
  /** What the run said about itself beyond the figures (e.g. dropped arrivals), kept in `notes`. */
  notes?: readonly string[];
}

const NOT_STREAMED_NOTE = 'the run did not stream: the answer arrives at once, so there is no first token or gap to time';

export const INPUT_ESTIMATE_NOTE =
  'input tokens counted with the tokenizer over the prompt text (message contents and system prompt): an estimate that leaves out the chat template, role markers and special tokens the server adds, so it reads a little low';

const NO_STATS: LatencyStats = { count: 0, mean: null, min: null, p50: null, p90: null, p95: null, p99: null, p999: null, max: null };

export const PERCENTILE_METHOD =
  'HDR histogram (hdr-histogram-js), 3 significant digits on µs values (≤0.1% relative error); mean, min and max exact';

export function summarize(snapshot: RecorderSnapshot, context: SummaryContext): Summary {
  const { ok, failed, incomplete, started } = snapshot.requests;
  const measureStartMs = snapshot.measureStartMs ?? 0;
  // The window ends when sending stopped; a run that ended on --max-requests, at its last completion.
  const sendEndMs = snapshot.sendEndMs ?? null;
  const windowEndMs = sendEndMs ?? snapshot.lastMeasuredEndMs;
  const windowMs = windowEndMs === null ? 0 : Math.max(0, windowEndMs - measureStartMs);
  const windowS = windowMs / 1000;
  const drainMs = sendEndMs === null || snapshot.lastMeasuredEndMs === null ? 0 : Math.max(0, snapshot.lastMeasuredEndMs - sendEndMs);
  const perSecond = (n: number): number => (windowS > 0 ? round3(n / windowS) : 0);
  const streamed = context.target.stream;

  // A queue wait was recorded only if sends were scheduled: the open-loop figures appear only then.
  const openLoop = statsOfEncoded(snapshot.latency.queue).count > 0;
  const latency = {} as Summary['latency'];
  for (const metric of LATENCY_METRICS) {
    if (metric.openLoopOnly && !openLoop) continue;
    if (metric.streamingOnly && !streamed) {
      // Whatever an older version wrote in the records (ITL 0, TTFT = E2E) is not a measurement either.
      latency[metric.key] = { ...NO_STATS, notMeasured: NOT_STREAMED_NOTE };
      continue;
    }
    const live = metric.key === 'chunkGap' ? context.liveChunkGap : undefined;
    latency[metric.key] = live ?? statsOfEncoded(snapshot.latency[metric.key]);
  }

  const { usageRequests, tokenizerRequests } = snapshot.tokens;
  const inputUsage = snapshot.tokens.inputUsageRequests ?? 0;
  const inputTokenizer = snapshot.tokens.inputTokenizerRequests ?? 0;
  const reconciliation = reconcileUsage(snapshot);
  const transport = describeTransport(snapshot);
  const thresholds = evaluateThresholds({ ok, failed, successThreshold: context.successThreshold, slo: context.slo, latency });
  const interrupted = context.stop?.reason === 'interrupted';
  const notes = [...new Set([
    ...(interrupted ? [`interrupted: ${context.stop?.detail ?? 'stopped from outside'}; the figures cover the part of the run before it`] : []),
    ...(context.notes ?? []),
    ...(inputTokenizer > 0 ? [`${INPUT_ESTIMATE_NOTE} (${inputTokenizer} of ${ok} successful requests)`] : []),
    ...(reconciliation?.flagged === true ? [describeDrift(reconciliation)] : []),
    ...(transport.failed > 0 ? [describeTransportNote(transport)] : []),
    ...thresholds.checks.filter((check) => check.result === 'not_checked').map((check) => `SLO ${check.name} ${check.note ?? 'not checked'}`),
  ])];
  const generator = judgeGenerator({
    eventLoopDelayP99Ms: context.generator.eventLoopDelayP99Ms,
    maxMs: context.generator.maxMs,
    cpuPct: context.generator.cpuPct,
    ...(context.generator.eventLoopUtilization === undefined ? {} : { eventLoopUtilization: context.generator.eventLoopUtilization }),
    ...(context.generator.scheduleLagP99Ms === undefined
      ? {}
      : { scheduleLagP99Ms: context.generator.scheduleLagP99Ms, scheduleLagMaxMs: context.generator.scheduleLagMaxMs ?? null }),
    openFileLimit: context.generator.openFileLimit,
    generatorErrors: Math.max(context.generator.generatorErrors, snapshot.generatorErrors),
    finishedRequests: ok + failed,
    maxUsers: snapshot.maxUsers,
    threads: context.threads ?? context.config.workers ?? 1,
    notes: context.generator.reasons.filter((reason) => !isJudgedReason(reason)),
  });

  const summary: Summary = {
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    mode: 'local',
    target: context.target,
    config: context.config,
    startedAt: context.startedAt,
    endedAt: context.endedAt,
    measuredSeconds: round3(windowS),
    drainSeconds: round3(drainMs / 1000),
    measureStartS: round3(measureStartMs / 1000),
    verdict: interrupted ? 'interrupted' : thresholds.passed ? 'passed' : 'failed',
    ...(context.stop === undefined ? {} : { stop: context.stop }),
    notes,
    requests: {
      total: ok + failed + incomplete,
      ok,
      failed,
      incomplete,
      successRate: ok + failed === 0 ? null : ok / (ok + failed),
    },
    rps: perSecond(ok),
    rates: {
      offered: context.config.rate ?? null,
      sent: perSecond(started),
      completed: perSecond(ok + failed),
      ok: perSecond(ok),
    },
    tokens: {
      input: snapshot.tokens.input,
      output: snapshot.tokens.output,
      outputPerSecond: perSecond(snapshot.tokens.output),
      totalPerSecond: perSecond(snapshot.tokens.output + snapshot.tokens.input),
      source: describeSource(usageRequests, tokenizerRequests),
      inputSource: describeSource(inputUsage, inputTokenizer),
      reconciliation,
      ...describeCached(snapshot.tokens),
    },
    transport,
    latency,
    errors: snapshot.errors,
    timeline: snapshot.timeline.map(toTimelinePoint),
    generator,
    thresholds,
    goodput: context.slo.length > 0 ? perSecond(snapshot.goodRequests) : null,
    percentileMethod: PERCENTILE_METHOD,
  };
  if (context.precheck !== undefined) summary.precheck = context.precheck;
  const vectors = snapshot.tokens.vectors ?? 0;
  if (vectors > 0) summary.vectors = { total: vectors, perSecond: perSecond(vectors) };
  return summary;
}

/** Cached prompt tokens, when any answer's usage reported them (docs/metrics.md "Cached tokens"). */
function describeCached(tokens: RecorderSnapshot['tokens']): { cached?: NonNullable<Summary['tokens']['cached']> } {
  const requests = tokens.cachedRequests ?? 0;
  if (requests === 0) return {};
  const input = tokens.cachedInput ?? 0;
  return { cached: { input, requests, sharePct: tokens.input > 0 ? Math.round((input / tokens.input) * 10_000) / 100 : null } };
}

function describeSource(usage: number, tokenizer: number): Summary['tokens']['source'] {
  return usage > 0 ? (tokenizer > 0 ? 'mixed' : 'usage') : tokenizer > 0 ? 'tokenizer' : 'none';
}

/** Usage against our count, over the requests that had both; null when none had. */
function reconcileUsage(snapshot: RecorderSnapshot): UsageReconciliation | null {
  const requests = snapshot.tokens.reconciled ?? 0;
  if (requests === 0) return null;
  const usage = snapshot.tokens.reconciledUsage ?? 0;
  const counted = snapshot.tokens.reconciledCounted ?? 0;
  const driftPct = counted === 0 ? null : round3(((usage - counted) / counted) * 100);
  return {
    requests,
    usageOutputTokens: usage,
    countedOutputTokens: counted,
    driftPct,
    tolerancePct: USAGE_DRIFT_TOLERANCE_PCT,
    flagged: driftPct !== null && Math.abs(driftPct) > USAGE_DRIFT_TOLERANCE_PCT,
    worst: (snapshot.tokens.worstDrift ?? []).map((sample) => ({ ...sample, driftPct: round3(sample.driftPct) })),
  };
}

function describeDrift(r: UsageReconciliation): string {
  const worst = r.worst[0];
  const example = worst === undefined ? '' : `; worst: user ${worst.user} request ${worst.seq}, usage ${worst.usage} vs ${worst.counted} counted`;
  return (
    `usage drift ${r.driftPct === null ? '?' : `${r.driftPct > 0 ? '+' : ''}${r.driftPct}%`} beyond the ±${r.tolerancePct}% tolerance: the server's usage says ` +
    `${r.usageOutputTokens} output tokens where its text counts ${r.countedOutputTokens} over ${r.requests} requests${example}; tokens/s follow the usage`
  );
}

function describeTransport(snapshot: RecorderSnapshot): TransportFailures {
  let failed = 0;
  for (const category of TRANSPORT_FAILURE_CATEGORIES) failed += snapshot.errors.byCategory[category] ?? 0;
  return { failed, backoffs: snapshot.backoff?.count ?? 0, backoffWaitS: round3((snapshot.backoff?.waitMs ?? 0) / 1000) };
}

function describeTransportNote(t: TransportFailures): string {
  const backoff = t.backoffs > 0 ? `; users backed off ${t.backoffs} times after them (${t.backoffWaitS} s of waiting in all), so the target was not hammered` : '';
  return `${t.failed} requests failed at the transport level (no HTTP answer: DNS, refused, reset or TLS)${backoff}`;
}

/**
 * Reasons judgeGenerator writes itself are re-derived from the figures; anything else (a note from the
 * caller) is kept.
 */
/**
 * A note summarize makes from the figures (so `report` re-makes it from the records, rather than keeping
 * the old one beside the new): the caller's own notes, such as dropped arrivals, are the rest.
 */
export function isDerivedNote(note: string): boolean {
  return /^(interrupted: |input tokens counted with the tokenizer|usage drift |\d+ requests failed at the transport level|SLO )/.test(note);
}

function isJudgedReason(reason: string): boolean {
  return /^(event loop p99 delay|event loop busy|process CPU|\d+ generator-side error|open-file limit|open loop sent late)/.test(reason);
}

function toTimelinePoint(second: TimelineSecond): TimelinePoint {
  return {
    t: second.t,
    users: second.users,
    started: second.started,
    finished: second.finished,
    failed: second.failed,
    outputTokens: second.outputTokens,
    ttftP50: medianOfEncoded(second.ttft),
    e2eP50: medianOfEncoded(second.e2e),
  };
}
