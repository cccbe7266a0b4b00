import { expect, test } from 'vitest';
import { LiveCounters } from '../../src/engine/live-stats.js';
import { makeFailure, makeRecord } from '../metrics/records.js';

test('counts starts and ends by outcome, and keeps the TTFTs of successes', () => {
  const counters = new LiveCounters();
  counters.users = 3;
  for (let i = 0; i < 4; i += 1) counters.countStart();
  counters.countEnd(makeRecord({ ttftMs: 120 }));
  counters.countEnd(makeRecord({ ttftMs: null }));
  counters.countEnd(makeFailure('incomplete', null, 'still running when the run stopped'));
  expect(counters.read(500, 1000, null)).toEqual({
    elapsedMs: 500,
    totalMs: 1000,
    users: 3,
    inFlight: 1,
    started: 4,
    finished: 3,
    failed: 0,
    recentTtftMs: [120],
    stopping: null,
  });
  counters.countEnd(makeFailure('timeout', null, 'request exceeded --timeout'));
  expect(counters).toMatchObject({ inFlight: 0, finished: 4, failed: 1, incomplete: 1 });
});

test('keeps the last 256 TTFTs', () => {
  const counters = new LiveCounters();
  for (let i = 0; i < 300; i += 1) {
    counters.countStart();
    counters.countEnd(makeRecord({ ttftMs: i }));
  }
  const recent = counters.read(0, 0, 'duration').recentTtftMs;
  expect(recent).toHaveLength(256);
  expect(Math.min(...recent)).toBe(44);
  expect(Math.max(...recent)).toBe(299);
});
