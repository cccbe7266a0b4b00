import { Chalk } from 'chalk';
import { describe, expect, test } from 'vitest';
import type { LiveStats } from '../../src/engine/live-stats.js';
import { createProgressLine, progressEveryMs, renderProgressLine } from '../../src/cli/progress.js';

const live: LiveStats = {
  elapsedMs: 12_400,
  totalMs: 30_000,
  users: 20,
  inFlight: 20,
  started: 160,
  finished: 140,
  failed: 3,
  windowFinished: 98,
  windowOutputTokens: 12_300,
  windowMs: 10_000,
  recentTtftMs: [150, 170, 160, 155, 300],
  stopping: null,
};

describe('renderProgressLine', () => {
  test('plain: elapsed/total, time left, users, in flight, done, RPS and tok/s over the window, TTFT p50 and p95, errors', () => {
    expect(renderProgressLine(live, null, null)).toBe(
      '12s/30s  left 17s  users 20  in flight 20  done 140  rps 9.8  tok/s 1230  ttft p50 160 ms p95 300 ms  errors 3',
    );
  });
  test('terminal: a bar in front, 41% of 20 cells filled, and never wider than the terminal', () => {
    const line = renderProgressLine(live, new Chalk({ level: 0 }), 200);
    expect(line.startsWith(`[${'='.repeat(8)}${' '.repeat(12)}] 12s/30s`)).toBe(true);
    expect(renderProgressLine(live, new Chalk({ level: 0 }), 40).length).toBeLessThanOrEqual(39);
  });
  test('no TTFT yet, an empty window, minutes, and the stopping state', () => {
    const line = renderProgressLine(
      { ...live, elapsedMs: 75_000, totalMs: 300_000, recentTtftMs: [], failed: 0, windowFinished: 0, windowOutputTokens: 0, windowMs: 0, stopping: 'interrupted' },
      null,
      null,
    );
    expect(line).toBe('1m15s/5m00s  left 3m45s  users 20  in flight 20  done 140  rps 0.0  tok/s 0  ttft p50 - p95 -  errors 0  stopping (Ctrl-C again quits)');
  });
});

describe('createProgressLine', () => {
  test('off a terminal: a plain line per draw every 10 s, nothing on stop', () => {
    let text = '';
    const stream = { write: (s: string) => (text += s), isTTY: false };
    expect(progressEveryMs(stream)).toBe(10_000);
    const progress = createProgressLine(stream, new Chalk({ level: 0 }));
    progress.draw(live);
    progress.draw(live);
    progress.stop();
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toContain('12s/30s  left 17s  users 20  in flight 20  done 140');
    expect(text).not.toContain('\r');
  });
  test('on a terminal: the line is redrawn in place every 500 ms and cleared on stop', () => {
    let text = '';
    const stream = { write: (s: string) => (text += s), isTTY: true, columns: 160 };
    expect(progressEveryMs(stream)).toBe(500);
    const progress = createProgressLine(stream, new Chalk({ level: 0 }));
    progress.draw(live);
    progress.stop();
    expect(text.startsWith('\r\x1b[2K[')).toBe(true);
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
