/**
 * Is the number about the server or about us? (docs/metrics.md "Generator health"). A pure judgement of what
 * the health monitor measured plus what the recorder counted, shared by the engine's monitor and summarize.
 *
 * Thresholds, and why:
 * - Event-loop delay p99 > 10 ms: degraded; > 50 ms: invalid. A timestamp is taken when the loop gets to the
 *   bytes, so a late loop adds its delay to TTFT/ITL. 10 ms is about 1% of a typical 1 s TTFT and the size of
 *   one chunk gap of a fast model (100 tok/s); at 50 ms the error exceeds a fast model's whole ITL. With
 *   process CPU under 50% the delay is other processes' doing, and the advice says so.
 * - Process CPU ≥ 90% of a core per thread, or the event loop busy ≥ 90% of the window: degraded. A
 *   saturated loop is about to fall behind; delay figures lag saturation, so this warns before they show it.
 *   Utilization is per thread (process CPU also counts GC and other threads), so it is the sharper of the two.
 * - Open loop: schedule lag p99 > 10 ms: degraded; > 50 ms: invalid. The lag is how late an arrival that had
 *   a free user was sent: the core could not keep the rate, so the arrivals the server saw bunch up and queue
 *   and e2e-from-schedule carry our delay (same bounds as the event-loop delay, for the same reasons). The
 *   open loop's pacer sleeps blocking and spins while an arrival is near (src/engine/pacer.ts), so its loop
 *   utilization and CPU read high at any rate of hundreds per second: they are reported, and the lag, which
 *   says whether the core kept up, is judged instead.
 * - Generator-side errors (EMFILE, EADDRNOTAVAIL): any is degraded; > 1% of finished requests is invalid,
 *   because then the error rate and the throughput describe our machine, not the server.
 * - Open-file limit below peak users + 64 (each user holds a socket; 64 for files, stdio and DNS): degraded.
 *   Node already raises the soft limit to the hard limit at startup, so what is left is the hard limit,
 *   which only the shell (`ulimit -n`) or the system (limits.conf) can raise.
 */
import type { GeneratorFigures, Summary } from '../model/summary.js';
import { formatMs as formatMsIn, formatPct as formatPctIn, formatPercentage } from '../text/format.js';

export type GeneratorHealth = Summary['generator'];

/** The generator's own figures, and what judging them needs besides. */
export interface GeneratorFacts extends GeneratorFigures {
  /** Finished measured requests (ok + failed), to weigh generatorErrors; null: unknown. */
  finishedRequests: number | null;
  /** Peak concurrent users, to weigh the open-file limit; null: unknown. */
  maxUsers: number | null;
  /** Threads generating load (1 + workers); CPU is judged per thread. */
  threads?: number;
  /** Said first, e.g. that health was not measured when re-computed from results.jsonl. */
  notes?: readonly string[];
}

export const LOOP_DELAY_DEGRADED_MS = 10;
export const LOOP_DELAY_INVALID_MS = 50;
export const CPU_DEGRADED_PCT = 90;
export const LOOP_BUSY_DEGRADED = 0.9;
/** Below this CPU a late event loop is not our load's doing. */
export const STARVED_CPU_PCT = 50;
export const GENERATOR_ERRORS_INVALID_SHARE = 0.01;
export const OPEN_FILES_HEADROOM = 64;
export const SCHEDULE_LAG_DEGRADED_MS = 10;
export const SCHEDULE_LAG_INVALID_MS = 50;

const RANK = { ok: 0, degraded: 1, invalid: 2 } as const;

export function judgeGenerator(facts: GeneratorFacts): GeneratorHealth {
  let verdict: GeneratorHealth['verdict'] = 'ok';
  const reasons: string[] = [...(facts.notes ?? [])];
  const flag = (level: 'degraded' | 'invalid', reason: string): void => {
    if (RANK[level] > RANK[verdict]) verdict = level;
    reasons.push(reason);
  };

  const delay = facts.eventLoopDelayP99Ms;
  if (delay !== null && delay > LOOP_DELAY_DEGRADED_MS) {
    // A late loop in a process that barely used the CPU was waiting for the CPU: the machine is busy.
    const starved = facts.cpuPct !== null && facts.cpuPct < STARVED_CPU_PCT;
    const remedy = starved
      ? `the process used only ${formatCpuPct(facts.cpuPct ?? 0)} CPU, so other processes on this machine held it up; run on a quieter machine`
      : 'use --workers or fewer users';
    flag(
      delay > LOOP_DELAY_INVALID_MS ? 'invalid' : 'degraded',
      `event loop p99 delay ${formatMs(delay)} ms: TTFT figures may be inflated by up to that much; ${remedy}`,
    );
  }

  const lag = facts.scheduleLagP99Ms ?? null;
  const paced = facts.scheduleLagP99Ms !== undefined;
  if (lag !== null && lag > SCHEDULE_LAG_DEGRADED_MS) {
    const max = facts.scheduleLagMaxMs ?? null;
    flag(
      lag > SCHEDULE_LAG_INVALID_MS ? 'invalid' : 'degraded',
      `open loop sent late: schedule lag p99 ${formatMs(lag)} ms${max === null ? '' : `, max ${formatMs(max)} ms`} behind the planned arrivals, so this core did not keep the rate; use --workers or a lower --rate`,
    );
  }

  const threads = Math.max(1, facts.threads ?? 1);
  if (!paced && facts.cpuPct !== null && facts.cpuPct >= CPU_DEGRADED_PCT * threads) {
    flag(
      'degraded',
      `process CPU ${formatCpuPct(facts.cpuPct)} of a core${threads > 1 ? ` (${threads} threads)` : ''}: the generator is near saturation and its timestamps may lag; use --workers or fewer users`,
    );
  }

  const busy = facts.eventLoopUtilization ?? null;
  if (!paced && busy !== null && busy >= LOOP_BUSY_DEGRADED) {
    flag(
      'degraded',
      `event loop busy ${formatPctIn(busy, { ...BRIEF, digits: 0, round: 'nearest' })} of the time: responses wait for the loop before they are timed; use --workers or fewer users`,
    );
  }

  if (facts.generatorErrors > 0) {
    const share = facts.finishedRequests === null || facts.finishedRequests === 0 ? null : facts.generatorErrors / facts.finishedRequests;
    const invalid = share === null || share > GENERATOR_ERRORS_INVALID_SHARE;
    const shareText = share === null ? '' : ` (${formatPct(share)} of requests)`;
    flag(
      invalid ? 'invalid' : 'degraded',
      `${facts.generatorErrors} generator-side error${facts.generatorErrors === 1 ? '' : 's'}${shareText} (EMFILE/EADDRNOTAVAIL: this machine ran out of files or ports, not the server); raise \`ulimit -n\`, use fewer users, or spread load over --workers/hosts`,
    );
  }

  if (facts.openFileLimit !== null && facts.maxUsers !== null && facts.openFileLimit < facts.maxUsers + OPEN_FILES_HEADROOM) {
    flag(
      'degraded',
      `open-file limit ${facts.openFileLimit} is below ${facts.maxUsers} users + ${OPEN_FILES_HEADROOM}: Node cannot raise it past the hard limit; run \`ulimit -n 65536\` (or raise nofile in /etc/security/limits.conf) before the test`,
    );
  }

  return {
    eventLoopDelayP99Ms: facts.eventLoopDelayP99Ms,
    maxMs: facts.maxMs,
    cpuPct: facts.cpuPct,
    ...(facts.eventLoopUtilization === undefined ? {} : { eventLoopUtilization: facts.eventLoopUtilization }),
    openFileLimit: facts.openFileLimit,
    generatorErrors: facts.generatorErrors,
    ...(paced ? { scheduleLagP99Ms: lag, scheduleLagMaxMs: facts.scheduleLagMaxMs ?? null } : {}),
    verdict,
    reasons,
  };
}

/** Figures inside a sentence: few digits, no grouping. */
const BRIEF = { grouping: false } as const;

function formatMs(ms: number): string {
  return formatMsIn(ms, 'brief', BRIEF);
}

function formatPct(share: number): string {
  return formatPctIn(share, { ...BRIEF, digits: 'by-size', round: 'nearest' });
}

function formatCpuPct(percent: number): string {
  return formatPercentage(percent, { ...BRIEF, digits: 0, round: 'nearest' });
}
