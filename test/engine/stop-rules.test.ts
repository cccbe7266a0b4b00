import { describe, expect, test } from 'vitest';
import { StopRules, type StopEffect, type StopReason } from '../../src/engine/stop-rules.js';
import { loadOptions } from './helpers.js';

/** Run starts at 1000 ms: 2 s warmup, then 10 s measured. */
function armed(maxMeasured: number | null): StopRules {
  const rules = new StopRules(maxMeasured);
  rules.arm(1000, loadOptions({ warmupS: 2, durationS: 10 }));
  return rules;
}

describe('StopRules', () => {
  test('the clock: warmup ends 2 s after the start, the run 10 s later', () => {
    const rules = armed(null);
    expect([rules.warmupEndMs, rules.endMs]).toEqual([3000, 13_000]);
  });

  test.each<[number, StopReason | null]>([
    [1000, null],
    [12_999, null],
    [13_000, 'duration'],
  ])('no max-requests: a start at %s ms breaks %s', (atMs, reason) => {
    expect(armed(null).breach(atMs)).toBe(reason);
  });

  test('max-requests counts measured starts only, and binds only after the warmup', () => {
    const rules = armed(2);
    expect([rules.phaseOf(1500), rules.phaseOf(2999), rules.phaseOf(3000), rules.phaseOf(4000)]).toEqual(['warmup', 'warmup', 'measure', 'measure']);
    expect(rules.breach(2999)).toBeNull();
    expect(rules.breach(5000)).toBe('max-requests');
  });

  test.each<[StopReason, StopReason, StopEffect]>([
    ['duration', 'interrupted', 'none'],
    ['interrupted', 'interrupted', 'none'],
    ['max-requests', 'duration', 'none'],
    ['max-requests', 'interrupted', 'bound-drain'],
  ])('after %s, a stop for %s → %s', (first, second, effect) => {
    const rules = armed(null);
    expect(rules.request(first)).toBe('stop');
    expect(rules.request(second)).toBe(effect);
    expect(rules.reason).toBe(first);
  });

  test.each<[StopReason, boolean]>([
    ['duration', true],
    ['interrupted', true],
    ['max-requests', false],
  ])('after %s, in-flight requests get only the grace period: %s', (reason, bounded) => {
    const rules = armed(null);
    rules.request(reason);
    expect(rules.drainBounded).toBe(bounded);
  });

  test('a stop asked for before the start is handed back by arm() and forgotten', () => {
    const rules = new StopRules(null);
    rules.request('interrupted');
    expect(rules.arm(0, loadOptions())).toBe('interrupted');
    expect(rules.reason).toBeNull();
  });
});
