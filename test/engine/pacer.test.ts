import { describe, expect, test } from 'vitest';
import { BUSY_TURN_MS, DISPATCHER, EARLY_MS, POLLING, SLEEPING, TIMER_PER_ARRIVAL, nextPaceStep } from '../../src/engine/pacer.js';
import type { ExecutorHost } from '../../src/engine/load-executor.js';
import { OpenLoop } from '../../src/engine/open-loop.js';
import type { User } from '../../src/engine/user.js';

describe('nextPaceStep: how the open loop waits for its next arrival', () => {
  test('the kept dispatcher sleeps: a timer 1.5 ms early, futex sleeps of at most 0.25 ms, a spin for the last 0.07 ms', () => {
    expect(DISPATCHER).toBe(SLEEPING);
    expect(SLEEPING).toEqual({ earlyMs: 1.5, spinMs: 0.07, sleepCapMs: 0.25 });
    expect(EARLY_MS).toBe(1.5);
  });

  test.each([
    // [next arrival, now, step]
    [1010, 1000, { kind: 'timer', delayMs: 8.5 }],
    [1001.75, 1000, { kind: 'timer', delayMs: 0.25 }],
    [1001.5, 1000, { kind: 'sleep', ms: 0.25 }],
    [1000.32, 1000, { kind: 'sleep', ms: 0.25 }],
    [1000.2, 1000, { kind: 'sleep', ms: 1000.2 - 1000 - 0.07 }],
    [1000.06, 1000, { kind: 'spin' }],
    [1000.001, 1000, { kind: 'spin' }],
    // Already due (a stop rule held it back): check again on the next turn, never wait on the past.
    [1000, 1000, { kind: 'poll' }],
    [999, 1000, { kind: 'poll' }],
  ])('sleeping: next %s, now %s → %j', (next, now, step) => {
    expect(nextPaceStep(next, now)).toEqual(step);
  });

  test.each([
    [1010, 1000, { kind: 'timer', delayMs: 8.5 }],
    [1001.5, 1000, { kind: 'poll' }],
    [1000.021, 1000, { kind: 'poll' }],
    [1000.02, 1000, { kind: 'spin' }],
  ])('polling: next %s, now %s → %j', (next, now, step) => {
    expect(nextPaceStep(next, now, POLLING)).toEqual(step);
  });

  test.each([
    ['an idle turn: sleep', 0.01, { kind: 'sleep', ms: 0.25 }],
    ['just under the busy mark: sleep', BUSY_TURN_MS - 0.001, { kind: 'sleep', ms: 0.25 }],
    ['a busy turn (reads were handled): poll, a sleep would keep the next reads waiting', BUSY_TURN_MS, { kind: 'poll' }],
    ['a long busy turn: poll', 5, { kind: 'poll' }],
  ] as const)('near an arrival after %s', (_name, busyMs, step) => {
    expect(nextPaceStep(1001, 1000, DISPATCHER, busyMs)).toEqual(step);
  });

  test('a busy turn changes neither the timer far from an arrival nor the spin right before it', () => {
    expect(nextPaceStep(1010, 1000, DISPATCHER, 5)).toEqual({ kind: 'timer', delayMs: 10 - EARLY_MS });
    expect(nextPaceStep(1000.05, 1000, DISPATCHER, 5)).toEqual({ kind: 'spin' });
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
    // Arrivals at +4, +8 and +1008 ms; the run started 10 ms ago: the first two are due, the third is not.
    const gaps = [4, 4, 1000];
    const loop = new OpenLoop(host, 1, 'constant', 10, { index: 0, count: 1 }, () => gaps.shift() ?? Number.POSITIVE_INFINITY);
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
