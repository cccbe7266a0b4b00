/**
 * summary.json from a recorder snapshot: pure (no clock, no I/O), so the engine, worker merges and tests
 * all get the same figures from the same snapshot. Definitions: docs/metrics.md.
 */
import { LATENCY_METRICS } from '../model/metric-catalog.js';
import type { SloCheck } from '../model/plan.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { judgeGenerator, type GeneratorHealth } from './generator-verdict.js';
import { statsOfEncoded } from './histogram.js';
import { medianOfEncoded } from './log-buckets.js';
import { round3 } from './math.js';
import type { RecorderSnapshot, TimelineSecond } from './recorder.js';
import { evaluateThresholds } from './thresholds.js';
import type { CapabilityReport } from '../model/capability.js';
import type { LatencyStats, Summary, SummaryConfig, TimelinePoint } from '../model/summary.js';

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
}

export const PERCENTILE_METHOD =
  'HDR histogram (hdr-histogram-js), 3 significant digits on µs values (≤0.1% relative error); mean, min and max exact';

export function summarize(snapshot: RecorderSnapshot, context: SummaryContext): Summary {
  const { ok, failed, incomplete } = snapshot.requests;
  const measureStartMs = snapshot.measureStartMs ?? 0;
  const windowMs = snapshot.lastMeasuredEndMs === null ? 0 : Math.max(0, snapshot.lastMeasuredEndMs - measureStartMs);
  const windowS = windowMs / 1000;
  const perSecond = (n: number): number => (windowS > 0 ? round3(n / windowS) : 0);

  // A queue wait was recorded only if sends were scheduled: the open-loop figures appear only then.
  const openLoop = statsOfEncoded(snapshot.latency.queue).count > 0;
  const latency = {} as Summary['latency'];
  for (const metric of LATENCY_METRICS) {
    if (metric.openLoopOnly && !openLoop) continue;
    const live = metric.key === 'chunkGap' ? context.liveChunkGap : undefined;
    latency[metric.key] = live ?? statsOfEncoded(snapshot.latency[metric.key]);
  }

  const { usageRequests, tokenizerRequests } = snapshot.tokens;
  const generator = judgeGenerator({
    eventLoopDelayP99Ms: context.generator.eventLoopDelayP99Ms,
    maxMs: context.generator.maxMs,
    cpuPct: context.generator.cpuPct,
    ...(context.generator.eventLoopUtilization === undefined ? {} : { eventLoopUtilization: context.generator.eventLoopUtilization }),
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
    measureStartS: round3(measureStartMs / 1000),
    requests: {
      total: ok + failed + incomplete,
      ok,
      failed,
      incomplete,
      successRate: ok + failed === 0 ? null : ok / (ok + failed),
    },
    rps: perSecond(ok),
    tokens: {
      input: snapshot.tokens.input,
      output: snapshot.tokens.output,
      outputPerSecond: perSecond(snapshot.tokens.output),
      totalPerSecond: perSecond(snapshot.tokens.output + snapshot.tokens.input),
      source: usageRequests > 0 ? (tokenizerRequests > 0 ? 'mixed' : 'usage') : tokenizerRequests > 0 ? 'tokenizer' : 'none',
    },
    latency,
    errors: snapshot.errors,
    timeline: snapshot.timeline.map(toTimelinePoint),
    generator,
    thresholds: evaluateThresholds({ ok, failed, successThreshold: context.successThreshold, slo: context.slo, latency }),
    goodput: context.slo.length > 0 ? perSecond(snapshot.goodRequests) : null,
    percentileMethod: PERCENTILE_METHOD,
  };
  if (context.precheck !== undefined) summary.precheck = context.precheck;
  const vectors = snapshot.tokens.vectors ?? 0;
  if (vectors > 0) summary.vectors = { total: vectors, perSecond: perSecond(vectors) };
  return summary;
}

/**
 * Reasons judgeGenerator writes itself are re-derived from the figures; anything else (a note from the
 * caller) is kept.
 */
function isJudgedReason(reason: string): boolean {
  return /^(event loop p99 delay|event loop busy|process CPU|\d+ generator-side error|open-file limit)/.test(reason);
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
