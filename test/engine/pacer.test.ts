import { describe, expect, test } from 'vitest';
import { DISPATCHER, EARLY_MS, SPIN_MS, TIMER_PER_ARRIVAL, nextPaceStep } from '../../src/engine/pacer.js';
import type { ExecutorHost } from '../../src/engine/load-executor.js';
import { OpenLoop } from '../../src/engine/open-loop.js';
import type { User } from '../../src/engine/user.js';

describe('nextPaceStep: how the open loop waits for its next arrival', () => {
  test('the kept dispatcher wakes 1.5 ms early and spins only the last 20 µs', () => {
    expect(DISPATCHER).toEqual({ earlyMs: 1.5, spinMs: 0.02 });
    expect(EARLY_MS).toBe(1.5);
    expect(SPIN_MS).toBe(0.02);
  });

  test.each([
    // [next arrival, now, step]
    [1010, 1000, { kind: 'timer', delayMs: 8.5 }],
    [1001.6, 1000, { kind: 'timer', delayMs: 1001.6 - 1000 - 1.5 }],
    [1001.5, 1000, { kind: 'poll' }],
    [1000.2, 1000, { kind: 'poll' }],
    [1000.021, 1000, { kind: 'poll' }],
    [1000.02, 1000, { kind: 'spin' }],
    [1000.001, 1000, { kind: 'spin' }],
    // Already due (a stop rule held it back): check again on the next turn, never spin on the past.
    [1000, 1000, { kind: 'poll' }],
    [999, 1000, { kind: 'poll' }],
  ])('next %s, now %s → %j', (next, now, step) => {
    expect(nextPaceStep(next, now)).toEqual(step);
  });

  test('a timer per arrival: always a timer for the whole wait (the design the dispatcher replaced)', () => {
    expect(nextPaceStep(1000.2, 1000, TIMER_PER_ARRIVAL)).toEqual({ kind: 'timer', delayMs: 1000.2 - 1000 });
    expect(nextPaceStep(1000.001, 1000, TIMER_PER_ARRIVAL)).toEqual({ kind: 'timer', delayMs: 1000.001 - 1000 });
    expect(nextPaceStep(1010, 1000, TIMER_PER_ARRIVAL)).toEqual({ kind: 'timer', delayMs: 10 });
  });
});

/** A thread with plenty of users that records each send's planned time. */
function recordingHost(): ExecutorHost & { planned: number[] } {
  const host = {
    stopping: null,
    planned: [] as number[],
    addUser: (id: number) => ({ id, send: (at: number) => host.planned.push(at) }) as unknown as User,
    reportUsers: () => undefined,
    canSend: () => true,
    queueSend: () => undefined,
    beforeSends: () => undefined,
    at: () => undefined,
    restUser: () => undefined,
    wakeUser: () => undefined,
  };
  return host;
}

describe('open loop: which arrivals a wake-up sends', () => {
  test('every arrival due by the wake-up, each with its own planned time, and none ahead of it', () => {
    const host = recordingHost();
    // An arrival every 4 ms; the run started 10 ms ago: the ones planned at +4 and +8 are due, +12 is not.
    const loop = new OpenLoop(host, 1, 'constant', 10, { index: 0, count: 1 }, () => 4);
    const runStartMs = performance.now() - 10;
    loop.begin(runStartMs, runStartMs);
    loop.halt();
    expect(host.planned).toEqual([runStartMs + 4, runStartMs + 8]);
  });

  test('a wake-up far behind sends the whole backlog at once, in order, then sleeps', () => {
    const host = recordingHost();
    // Five arrivals 0.2 ms apart in the past, then one a second away (gaps as a replayed trace gives them).
    const gaps = [1, 0.2, 0.2, 0.2, 0.2, 1000];
    const loop = new OpenLoop(host, 1, 'constant', 100, { index: 0, count: 1 }, () => gaps.shift() ?? Number.POSITIVE_INFINITY);
    const runStartMs = performance.now() - 10;
    loop.begin(runStartMs, runStartMs);
    loop.halt();
    let at = runStartMs;
    const expected = [1, 0.2, 0.2, 0.2, 0.2].map((gap) => (at += gap));
    expect(host.planned).toEqual(expected);
  });
});
