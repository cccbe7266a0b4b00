import { expect, test } from 'vitest';
import { LiveCounters } from '../../src/engine/live-stats.js';
import { makeFailure, makeRecord } from '../metrics/records.js';

test('counts starts and ends by outcome, and keeps the TTFTs of successes', () => {
  const counters = new LiveCounters();
  counters.users = 3;
  for (let i = 0; i < 4; i += 1) counters.countStart();
  counters.countEnd(makeRecord({ ttftMs: 120, outputTokens: 10 }), 100);
  counters.countEnd(makeRecord({ ttftMs: null, outputTokens: 5 }), 200);
  counters.countEnd(makeFailure('incomplete', null, 'still running when the run stopped'), 300);
  expect(counters.read(500, 1000, null)).toEqual({
    elapsedMs: 500,
    totalMs: 1000,
    users: 3,
    inFlight: 1,
    started: 4,
    finished: 3,
    failed: 0,
    windowFinished: 3,
    windowOutputTokens: 15,
    windowMs: 500,
    recentTtftMs: [120],
    stopping: null,
  });
  counters.countEnd(makeFailure('timeout', null, 'request exceeded --timeout'), 400);
  expect(counters).toMatchObject({ inFlight: 0, finished: 4, failed: 1, incomplete: 1 });
});

test('keeps the last 256 TTFTs', () => {
  const counters = new LiveCounters();
  for (let i = 0; i < 300; i += 1) {
    counters.countStart();
    counters.countEnd(makeRecord({ ttftMs: i }), i);
  }
  const recent = counters.read(0, 0, 'duration').recentTtftMs;
  expect(recent).toHaveLength(256);
  expect(Math.min(...recent)).toBe(44);
  expect(Math.max(...recent)).toBe(299);
});

test('rates over a sliding window of the last 10 s: a steady 7 req/s reads 7 whatever the bunching', () => {
  const counters = new LiveCounters();
  const rates: number[] = [];
  // 7 requests a second, finishing in bursts of 14 every other second; the line is drawn every 500 ms.
  for (let second = 0; second < 30; second += 1) {
    if (second % 2 === 0) {
      for (let i = 0; i < 14; i += 1) {
        counters.countStart();
        counters.countEnd(makeRecord({ outputTokens: 10 }), second * 1000 + 900);
      }
    }
    for (const atMs of [second * 1000 + 950, second * 1000 + 450]) {
      if (second < 10) continue;
      const live = counters.read(atMs, 60_000, null);
      rates.push(live.windowFinished / (live.windowMs / 1000));
      expect(live.windowOutputTokens).toBe(live.windowFinished * 10);
    }
  }
  expect(Math.min(...rates)).toBeGreaterThan(5.5);
  expect(Math.max(...rates)).toBeLessThan(8.5);
  // Seconds older than the window are forgotten.
  expect(counters.read(45_000, 60_000, null).windowFinished).toBe(0);
});
