/**
 * How the open loop waits for its next arrival, as a pure function of times (ms, performance.now() clock)
 * so the engine, the benchmark's bare loop and the tests agree on it.
 *
 * Node's timers have 1 ms granularity and fire late by up to a millisecond (libuv keeps its clock in whole
 * ms), so an open loop that sleeps on one timer per arrival sends at 5,000 req/s (an arrival every 0.2 ms)
 * with a schedule lag of about 0.65 ms at p50 and several ms at p99: measured by bench/engine-open-loop.bench.mjs,
 * timer p50 0.65 ms, p99 3-8 ms; this dispatcher p50 0.01 ms, p99 under 0.5 ms (docs/architecture.md
 * "Open-loop pacing" has the figures). So the loop sleeps on a timer only while the next arrival is far,
 * and wakes EARLY_MS before it; from there it polls: a setImmediate per event-loop turn, so the network
 * reads of that turn are still handled (and stamped) between two checks, and the arrival is sent on the
 * first turn at or after its time. Only the last few microseconds are spun, where another turn would
 * overshoot. Every wake-up sends all the arrivals due by then, in order, each with its own planned time.
 */

/** The timer wakes this long before the next arrival; the rest is polled (timers fire up to ~1 ms late). */
export const EARLY_MS = 1.5;
/** Closer than this the loop spins (an empty event-loop turn takes about this long). */
export const SPIN_MS = 0.02;

/** What to do after the arrivals due were sent. */
export type PaceStep =
  /** Sleep on a timer for `delayMs`. */
  | { kind: 'timer'; delayMs: number }
  /** Check again on the next event-loop turn (after its I/O). */
  | { kind: 'poll' }
  /** Busy-wait until the arrival is due, then send it. */
  | { kind: 'spin' };

/** One way to pace: the kept dispatcher, or a timer per arrival (what the benchmark compares it with). */
export interface Pacing {
  earlyMs: number;
  spinMs: number;
}

export const DISPATCHER: Pacing = { earlyMs: EARLY_MS, spinMs: SPIN_MS };
/** A timer set for each next arrival, nothing polled or spun: the design this one replaced. */
export const TIMER_PER_ARRIVAL: Pacing = { earlyMs: 0, spinMs: 0 };

/** After the due arrivals were sent at `nowMs`: how to wait for the next one, planned at `nextMs`. */
export function nextPaceStep(nextMs: number, nowMs: number, pacing: Pacing = DISPATCHER): PaceStep {
  const aheadMs = nextMs - nowMs;
  if (aheadMs <= 0) return { kind: 'poll' };
  if (aheadMs <= pacing.spinMs) return { kind: 'spin' };
  if (aheadMs <= pacing.earlyMs) return { kind: 'poll' };
  return { kind: 'timer', delayMs: aheadMs - pacing.earlyMs };
}
