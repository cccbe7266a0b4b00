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
  recentTtftMs: [150, 170, 160, 155, 300],
  stopping: null,
};

describe('renderProgressLine', () => {
  test('plain: elapsed/total, users, done, RPS, TTFT p50, errors', () => {
    expect(renderProgressLine(live, 9.84, null, null)).toBe('12s/30s  users 20  done 140  rps 9.8  ttft p50 160 ms  errors 3');
  });
  test('terminal: a bar in front, 41% of 20 cells filled, and never wider than the terminal', () => {
    const line = renderProgressLine(live, 9.84, new Chalk({ level: 0 }), 200);
    expect(line.startsWith(`[${'='.repeat(8)}${' '.repeat(12)}] 12s/30s`)).toBe(true);
    expect(renderProgressLine(live, 9.84, new Chalk({ level: 0 }), 40).length).toBeLessThanOrEqual(39);
  });
  test('no TTFT yet, minutes, and the stopping state', () => {
    const line = renderProgressLine(
      { ...live, elapsedMs: 75_000, totalMs: 300_000, recentTtftMs: [], failed: 0, stopping: 'interrupted' },
      0,
      null,
      null,
    );
    expect(line).toBe('1m15s/5m00s  users 20  done 140  rps 0.0  ttft p50 -  errors 0  stopping (Ctrl-C again quits)');
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
    expect(lines[0]).toContain('12s/30s  users 20  done 140');
    expect(text).not.toContain('\r');
  });
  test('on a terminal: the line is redrawn in place every 500 ms and cleared on stop', () => {
    let text = '';
    const stream = { write: (s: string) => (text += s), isTTY: true, columns: 120 };
    expect(progressEveryMs(stream)).toBe(500);
    const progress = createProgressLine(stream, new Chalk({ level: 0 }));
    progress.draw(live);
    progress.stop();
    expect(text.startsWith('\r\x1b[2K[')).toBe(true);
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
