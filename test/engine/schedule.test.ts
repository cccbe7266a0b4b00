import { describe, expect, test } from 'vitest';
import {
  createArrivalGaps,
  createStagedArrivalGaps,
  measuredDurationS,
  nextUserChangeS,
  peakUsers,
  usersAt,
} from '../../src/engine/schedule.js';
import { steppedTotalS } from '../../src/model/stepped.js';
import type { StepOptions } from '../../src/model/plan.js';

const fixed = { loadMode: 'fixed' as const, step: null, concurrentUsers: 10, spawnRate: 4, durationS: 60 };
const step: StepOptions = { startUsers: 2, increment: 3, durationS: 10, maxUsers: 10, sustainS: 30 };
const stepped = { loadMode: 'stepped' as const, step, concurrentUsers: 10, spawnRate: 4, durationS: 60 };

describe('usersAt', () => {
  test.each([
    [0, 1],
    [0.24, 1],
    [0.25, 2],
    [1, 5],
    [2.2, 9],
    [2.25, 10],
    [100, 10],
  ])('fixed, 4 users/s up to 10: t=%s s → %s users', (t, users) => {
    expect(usersAt(t, fixed)).toBe(users);
  });

  test.each([
    [-5, 2],
    [0, 2],
    [9.99, 2],
    [10, 5],
    [20, 8],
    [30, 10],
    [55, 10],
  ])('stepped 2 +3 every 10 s up to 10: t=%s s → %s users', (t, users) => {
    expect(usersAt(t, stepped)).toBe(users);
  });
});

describe('nextUserChangeS', () => {
  test('fixed: the next user is due at users / rate', () => {
    expect(nextUserChangeS(0, fixed)).toBe(0.25);
    expect(nextUserChangeS(1, fixed)).toBe(1.25);
    expect(nextUserChangeS(3, fixed)).toBeNull();
  });
  test('stepped: the next step boundary, none once at max', () => {
    expect(nextUserChangeS(0, stepped)).toBe(10);
    expect(nextUserChangeS(12, stepped)).toBe(20);
    expect(nextUserChangeS(30, stepped)).toBeNull();
  });
});

describe('durations', () => {
  test('stepped total is the platform rule: ceil((max-start)/inc) steps plus the sustain', () => {
    expect(steppedTotalS(step)).toBe(3 * 10 + 30);
    // start = max is still one step, as on the platform, so both modes plan the same length.
    expect(measuredDurationS({ ...stepped, step: { ...step, startUsers: 10 } })).toBe(10 + 30);
    expect(measuredDurationS(stepped)).toBe(60);
    expect(measuredDurationS(fixed)).toBe(60);
    expect(peakUsers(stepped)).toBe(10);
    expect(peakUsers(fixed)).toBe(10);
  });
});

describe('createArrivalGaps', () => {
  test('constant: exactly 1000 / rate', () => {
    const gap = createArrivalGaps(50, 'constant', 1);
    expect([gap(), gap(), gap()]).toEqual([20, 20, 20]);
  });
  test('poisson: mean gap within 3% of 1000 / rate over 20k draws, reproducible by seed', () => {
    const gap = createArrivalGaps(50, 'poisson', 7);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += gap();
    expect(sum / 20_000).toBeGreaterThan(20 * 0.97);
    expect(sum / 20_000).toBeLessThan(20 * 1.03);
    const a = createArrivalGaps(50, 'poisson', 3);
    const b = createArrivalGaps(50, 'poisson', 3);
    expect([a(), a()]).toEqual([b(), b()]);
  });
});

describe('a profile\'s stages', () => {
  const stages = [
    { users: 2, rate: null, durationS: 10 },
    { users: 5, rate: null, durationS: 5 },
    { users: 1, rate: null, durationS: 5 },
  ];
  const load = { loadMode: 'fixed' as const, step: null, concurrentUsers: 5, spawnRate: 1, stages };
  test.each([
    [-1, 2],
    [0, 2],
    [9.999, 2],
    [10, 5],
    [14.9, 5],
    [15, 1],
    [25, 1],
  ])('users at %s s: %s (each stage from its start; down as well as up)', (tS, users) => {
    expect(usersAt(tS, load)).toBe(users);
  });
  test.each([
    [0, 10],
    [12, 15],
    [15, null],
  ])('after %s s the users next change at %s s', (tS, next) => {
    expect(nextUserChangeS(tS, load)).toBe(next);
  });
  test('rate stages: arrivals at each stage\'s rate, from the end of warmup', () => {
    const gaps = createStagedArrivalGaps(
      [
        { users: null, rate: 10, durationS: 1 },
        { users: null, rate: 100, durationS: 1 },
      ],
      500,
      1,
      'constant',
      1,
    );
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 120; i += 1) times.push((t += gaps()));
    // Warmup (0.5 s) and the first stage (1 s) at 10/s, then 100/s.
    expect(times.filter((at) => at <= 1500).length).toBe(15);
    expect(times.filter((at) => at > 1500 && at <= 2500).length).toBe(100);
  });
});
