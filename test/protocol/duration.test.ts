import { describe, expect, it } from 'vitest';
import { parseDurationS } from '../../src/protocol/duration.js';

describe('parseDurationS: flag values', () => {
  it.each([
    ['300', 300],
    ['90s', 90],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['2m30s', 150],
    ['1.5h', 5400],
    ['500ms', 0.5],
    [' 45 ', 45],
  ])('%s → %d s', (text, seconds) => {
    expect(parseDurationS(text)).toBe(seconds);
  });

  it.each(['abc', '', '-5', '5 minutes', '1d', 'm', '5x'])('%s is not a duration', (text) => {
    expect(parseDurationS(text)).toBeNull();
  });
});

describe('parseDurationS: OpenAI x-ratelimit-reset-* values (Go durations)', () => {
  it.each([
    ['1s', 1],
    ['6m0s', 360],
    ['120ms', 0.12],
    ['1h2m3.5s', 3723.5],
    ['2.5', 2.5],
    ['soon', null],
  ])('parses duration %s', (text, seconds) => {
    expect(parseDurationS(text)).toBe(seconds);
  });
});
