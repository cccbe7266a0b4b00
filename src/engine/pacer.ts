/**
 * How the open loop waits for its next arrival, as a pure function of times (ms, performance.now() clock)
 * so the engine, the benchmark's bare loop and the tests agree on it.
 *
 * Node's timers have 1 ms granularity and fire late by up to a millisecond (libuv keeps its clock in whole
 * ms), so an open loop that sleeps on one timer per arrival sends at 5,000 req/s (an arrival every 0.2 ms)
 * about 0.7 ms late at p50 and several ms late at p99. So the loop sleeps on a timer only while the next
 * arrival is far, waking EARLY_MS before it. From there two designs were measured
 * (bench/engine-open-loop.bench.mjs; docs/architecture.md "Open-loop pacing" has the figures):
 * - POLLING: a setImmediate per event-loop turn until the arrival is due. Exact on a quiet core, but the
 *   thread never sleeps near an arrival: at 5,000 req/s twice the CPU per request, and a process that
 *   never sleeps is the first the kernel preempts on a shared machine (p99 lag of tens of ms there).
 * - SLEEPING (kept): one futex sleep (Atomics.wait) of at most 0.25 ms per turn, then the turn's I/O, and a
 *   spin for the last 0.07 ms (the futex wakes ~0.055 ms past its timeout). About the timer design's CPU,
 *   a p50 lag of microseconds, and a thread that sleeps. The price: a read that comes in during a sleep is
 *   stamped up to ~0.3 ms late, in open-loop runs only. A turn after which the loop had other work
 *   (BUSY_TURN_MS) polls instead: sleeping then would only keep the reads waiting.
 * Every wake-up sends all the arrivals due by then, in order, each with its own planned time.
 */

/** The timer wakes this long before the next arrival (timers fire up to ~1 ms late). */
export const EARLY_MS = 1.5;

/** What to do after the arrivals due were sent. */
export type PaceStep =
  /** Sleep on a timer for `delayMs`. */
  | { kind: 'timer'; delayMs: number }
  /** Check again on the next event-loop turn (after its I/O). */
  | { kind: 'poll' }
  /** Block the thread this long (a futex wait: no CPU, precise to ~0.06 ms), then check; once per turn. */
  | { kind: 'sleep'; ms: number }
  /** Busy-wait until the arrival is due, then send it. */
  | { kind: 'spin' };

/** One way to pace: the benchmark compares them (bench/engine-open-loop.bench.mjs). */
export interface Pacing {
  /** A timer while the next arrival is further than this; 0: a timer for the whole wait. */
  earlyMs: number;
  /** Spin when the next arrival is this close. */
  spinMs: number;
  /** Within earlyMs: sleep at most this long per event-loop turn; 0: poll the turns instead. */
  sleepCapMs: number;
}

/** A timer set for each next arrival, nothing polled or spun: the design the dispatcher replaced. */
export const TIMER_PER_ARRIVAL: Pacing = { earlyMs: 0, spinMs: 0, sleepCapMs: 0 };
/** Near an arrival, poll every event-loop turn (setImmediate): exact, but a core kept busy near every arrival. */
export const POLLING: Pacing = { earlyMs: EARLY_MS, spinMs: 0.02, sleepCapMs: 0 };
/**
 * Near an arrival, sleep on a futex (Atomics.wait: it wakes ~0.055 ms past its timeout, the kernel's timer
 * slack) for at most 0.25 ms per turn, then handle the turn's I/O, and spin the last 0.07 ms.
 */
export const SLEEPING: Pacing = { earlyMs: EARLY_MS, spinMs: 0.07, sleepCapMs: 0.25 };

export const DISPATCHER: Pacing = SLEEPING;

/**
 * The event loop spent at least this long on other callbacks (reads to parse, answers to settle) since the
 * pacer's last turn: it has work, so the pacer polls instead of sleeping. A blocked thread reads nothing:
 * with answers that cost the client half a millisecond each, asked at 2,400 req/s, one thread reached
 * 1,420-1,850/s sleeping every turn and 1,900-1,920/s with this (docs/architecture.md "Open-loop pacing").
 */
export const BUSY_TURN_MS = 0.05;

/**
 * After the due arrivals were sent at `nowMs`: how to wait for the next one, planned at `nextMs`.
 * `busyMs`: how long the event loop's other callbacks ran since the pacer's last turn (0 when unknown).
 */
export function nextPaceStep(nextMs: number, nowMs: number, pacing: Pacing = DISPATCHER, busyMs = 0): PaceStep {
  const aheadMs = nextMs - nowMs;
  if (aheadMs <= 0) return { kind: 'poll' };
  if (aheadMs <= pacing.spinMs) return { kind: 'spin' };
  if (aheadMs <= pacing.earlyMs) {
    const sleep = pacing.sleepCapMs > 0 && busyMs < BUSY_TURN_MS;
    return sleep ? { kind: 'sleep', ms: Math.min(aheadMs - pacing.spinMs, pacing.sleepCapMs) } : { kind: 'poll' };
  }
  return { kind: 'timer', delayMs: aheadMs - pacing.earlyMs };
}
