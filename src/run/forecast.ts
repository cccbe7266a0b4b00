import { measuredDurationS, peakUsers, usersAt } from '../engine/schedule.js';
import type { BurstOptions, LoadOptions } from '../model/plan.js';
import type { Stage } from '../model/scenarios.js';
import type { TraceOptions } from '../model/workload.js';

/**
 * The plan said out loud before any load: how many users, how fast they start, how long, the warmup, when
 * it ends, and roughly how much traffic that is at the pace the pre-check saw. The pace of one request
 * to an idle server is the best case: a loaded server answers slower, so the counts are an upper bound.
 */
export interface LoadForecast {
  mode: 'local' | 'platform';
  loadMode: LoadOptions['loadMode'];
  /** The most users at once. */
  users: number;
  spawnRate: number;
  /** Seconds sent but not measured, before the measured part. */
  warmupS: number;
  /** Platform mode: the warmup is the platform's default (the user gave no --warmup value of their own). */
  warmupIsDefault: boolean;
  /** Seconds measured. */
  durationS: number;
  /** Open loop: requests per second; null in a closed loop. */
  rate: number | null;
  maxRequests: number | null;
  /** Burst mode: N requests at once, `rounds` times, `pauseS` apart; null otherwise. */
  burst: BurstOptions | null;
  /** A trace replay: its requests and the seconds from its first send to its last (sped up); null otherwise. */
  trace: { requests: number; spanS: number } | null;
  /** A profile's stages; null otherwise. */
  stages: Stage[] | null;
  /** Warmup + measured (the platform adds a 3 s pause after its warmup, and drains for up to 60 s). */
  totalS: number;
  /** When the load should end, ISO 8601 (UTC). */
  endsAt: string;
  /** What one request took in the pre-check; null without one. */
  pace: { latencyMs: number; outputTokens: number | null } | null;
  /** About how many requests, at that pace (null without a pace). */
  requests: number | null;
  /** About how many output tokens (null when the pre-check did not count them). */
  outputTokens: number | null;
}

export interface ForecastInput {
  mode: 'local' | 'platform';
  load: LoadOptions;
  warmupIsDefault: boolean;
  pace: LoadForecast['pace'];
  /** Epoch ms of the start; Date.now() by default. */
  nowMs?: number;
}

/** The platform pauses 3 s between its warmup and the measured load. */
const PLATFORM_WARMUP_PAUSE_S = 3;

export function forecastLoad(input: ForecastInput): LoadForecast {
  const { load, pace } = input;
  if (load.burst) return forecastBurst(input, load.burst);
  const trace = load.workload?.trace ?? null;
  if (trace !== null) return forecastTrace(input, trace);
  const durationS = measuredDurationS(load);
  const pause = input.mode === 'platform' && load.warmupS > 0 ? PLATFORM_WARMUP_PAUSE_S : 0;
  const totalS = load.warmupS + pause + durationS;
  const requests = pace === null ? null : estimateRequests(load, durationS, Math.max(pace.latencyMs, 1) / 1000);
  return {
    mode: input.mode,
    loadMode: load.loadMode,
    users: peakUsers(load),
    spawnRate: load.step === null ? load.spawnRate : load.step.increment,
    warmupS: load.warmupS,
    warmupIsDefault: input.warmupIsDefault,
    durationS,
    rate: load.rate,
    maxRequests: load.maxRequests,
    burst: load.burst ?? null,
    trace: null,
    stages: load.stages ?? null,
    totalS,
    endsAt: new Date((input.nowMs ?? Date.now()) + totalS * 1000).toISOString(),
    pace,
    requests,
    outputTokens: requests === null || pace === null || pace.outputTokens === null ? null : Math.round(requests * pace.outputTokens),
  };
}

/**
 * A trace says its own requests and when each is sent: the run lasts the trace's span (sped up) plus the
 * last answer (the pre-check's pace, when there is one); the output tokens are the trace's own, asked for.
 * Its duration is only a bound.
 */
function forecastTrace(input: ForecastInput, trace: TraceOptions): LoadForecast {
  const { load, pace } = input;
  const lastMs = trace.requests[trace.requests.length - 1]?.atMs ?? 0;
  const spanS = Math.round(lastMs / trace.speedup) / 1000;
  const totalS = Math.min(load.durationS, spanS + (pace === null ? 0 : pace.latencyMs / 1000));
  return {
    mode: input.mode,
    loadMode: load.loadMode,
    users: load.concurrentUsers,
    spawnRate: load.spawnRate,
    warmupS: 0,
    warmupIsDefault: input.warmupIsDefault,
    durationS: load.durationS,
    rate: null,
    maxRequests: trace.requests.length,
    burst: null,
    trace: { requests: trace.requests.length, spanS },
    stages: null,
    totalS,
    endsAt: new Date((input.nowMs ?? Date.now()) + totalS * 1000).toISOString(),
    pace,
    requests: trace.requests.length,
    outputTokens: trace.requests.reduce((sum, request) => sum + request.outputTokens, 0),
  };
}

/**
 * A burst has no duration: its request count is exact (users × rounds), and its length is the pauses
 * between rounds plus each round's slowest answer, which no forecast knows (so `totalS` counts the pauses).
 */
function forecastBurst(input: ForecastInput, burst: BurstOptions): LoadForecast {
  const { pace } = input;
  const requests = burst.users * burst.rounds;
  const totalS = (burst.rounds - 1) * burst.pauseS;
  return {
    mode: input.mode,
    loadMode: input.load.loadMode,
    users: burst.users,
    spawnRate: burst.users,
    warmupS: 0,
    warmupIsDefault: input.warmupIsDefault,
    durationS: 0,
    rate: null,
    maxRequests: burst.users,
    burst,
    trace: null,
    stages: null,
    totalS,
    endsAt: new Date((input.nowMs ?? Date.now()) + totalS * 1000).toISOString(),
    pace,
    requests,
    outputTokens: pace === null || pace.outputTokens === null ? null : requests * pace.outputTokens,
  };
}

/**
 * Requests at one request per `secondsPerRequest` per busy user: the user-seconds of the shape (warmup
 * included: it is sent too) divided by the pace; an open loop sends at most its rate; --max-requests caps
 * the measured ones.
 */
function estimateRequests(load: LoadOptions, durationS: number, secondsPerRequest: number): number {
  const stepped = load.loadMode === 'stepped' && load.step !== null;
  let userSeconds = 0;
  if (stepped) {
    // Warmup runs the start users; the steps count from the end of the warmup.
    userSeconds += load.warmupS * usersAt(-1, load);
    for (let t = 0; t < durationS; t += 1) userSeconds += usersAt(t, load);
  } else {
    const totalS = load.warmupS + durationS;
    // Users start from the run's start; a half-second sample per second is exact enough for a forecast.
    for (let t = 0; t < totalS; t += 1) userSeconds += usersAt(t + 0.5, load);
  }
  let requests = userSeconds / secondsPerRequest;
  if (load.rate !== null) requests = Math.min(requests, load.rate * (load.warmupS + durationS));
  // The warmup's requests are not counted by --max-requests: its share of the time is added to the cap.
  if (load.maxRequests !== null) requests = Math.min(requests, load.maxRequests + (requests * load.warmupS) / (load.warmupS + durationS));
  return Math.round(requests);
}
