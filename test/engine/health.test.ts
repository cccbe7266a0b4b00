import { describe, expect, it } from 'vitest';
import { parseOpenFileLimit, startHealthMonitor } from '../../src/engine/health.js';
import { judgeGenerator, type GeneratorFacts } from '../../src/metrics/generator-verdict.js';

const HEALTHY: GeneratorFacts = {
  eventLoopDelayP99Ms: 1.2,
  maxMs: 4,
  cpuPct: 60,
  openFileLimit: 20000,
  generatorErrors: 0,
  finishedRequests: 1000,
  maxUsers: 50,
};

describe('judgeGenerator', () => {
  it.each([
    { name: 'healthy', facts: {}, verdict: 'ok', reason: null },
    { name: 'loop delay 10 ms is still ok', facts: { eventLoopDelayP99Ms: 10 }, verdict: 'ok', reason: null },
    { name: 'loop delay 38 ms', facts: { eventLoopDelayP99Ms: 38 }, verdict: 'degraded', reason: 'event loop p99 delay 38 ms: TTFT figures may be inflated by up to that much; use --workers or fewer users' },
    { name: 'loop delay 51 ms', facts: { eventLoopDelayP99Ms: 51 }, verdict: 'invalid', reason: 'event loop p99 delay 51 ms' },
    { name: 'loop delay 42 ms at 6% CPU', facts: { eventLoopDelayP99Ms: 42, cpuPct: 6 }, verdict: 'degraded', reason: 'event loop p99 delay 42 ms: TTFT figures may be inflated by up to that much; the process used only 6% CPU, so other processes on this machine held it up; run on a quieter machine' },
    { name: 'CPU 95%', facts: { cpuPct: 95 }, verdict: 'degraded', reason: 'process CPU 95% of a core' },
    { name: 'loop busy 93%', facts: { eventLoopUtilization: 0.93 }, verdict: 'degraded', reason: 'event loop busy 93% of the time' },
    { name: 'loop busy 50%', facts: { eventLoopUtilization: 0.5 }, verdict: 'ok', reason: null },
    { name: 'CPU 150% over 2 threads', facts: { cpuPct: 150, threads: 2 }, verdict: 'ok', reason: null },
    { name: '5 generator errors in 1000', facts: { generatorErrors: 5 }, verdict: 'degraded', reason: '5 generator-side errors (0.5% of requests)' },
    { name: '20 generator errors in 1000', facts: { generatorErrors: 20 }, verdict: 'invalid', reason: '20 generator-side errors (2.0% of requests)' },
    { name: 'generator errors, requests unknown', facts: { generatorErrors: 1, finishedRequests: null }, verdict: 'invalid', reason: '1 generator-side error (EMFILE' },
    { name: 'fd limit below users', facts: { openFileLimit: 256, maxUsers: 300 }, verdict: 'degraded', reason: 'open-file limit 256 is below 300 users + 64' },
    { name: 'fd limit, users unknown', facts: { openFileLimit: 256, maxUsers: null }, verdict: 'ok', reason: null },
    { name: 'open loop, lag p99 0.4 ms', facts: { scheduleLagP99Ms: 0.4, scheduleLagMaxMs: 3 }, verdict: 'ok', reason: null },
    { name: 'open loop, lag p99 10 ms is still ok', facts: { scheduleLagP99Ms: 10, scheduleLagMaxMs: 12 }, verdict: 'ok', reason: null },
    {
      name: 'open loop, lag p99 16 ms',
      facts: { scheduleLagP99Ms: 16, scheduleLagMaxMs: 39 },
      verdict: 'degraded',
      reason: 'open loop sent late: schedule lag p99 16 ms, max 39 ms behind the planned arrivals, so this core did not keep the rate; use --workers or a lower --rate',
    },
    { name: 'open loop, lag p99 51 ms', facts: { scheduleLagP99Ms: 51, scheduleLagMaxMs: 80 }, verdict: 'invalid', reason: 'schedule lag p99 51 ms, max 80 ms' },
    // The pacer polls near each arrival: CPU and loop utilization read high by design, the lag is judged.
    { name: 'open loop polling: CPU 100%, loop busy 100%, lag p99 0.3 ms', facts: { cpuPct: 100, eventLoopUtilization: 1, scheduleLagP99Ms: 0.3, scheduleLagMaxMs: 2 }, verdict: 'ok', reason: null },
    { name: 'open loop, nothing sent yet', facts: { cpuPct: 100, scheduleLagP99Ms: null, scheduleLagMaxMs: null }, verdict: 'ok', reason: null },
  ] as const)('$name → $verdict', ({ facts, verdict, reason }) => {
    const health = judgeGenerator({ ...HEALTHY, ...facts });
    expect(health.verdict).toBe(verdict);
    if (reason === null) expect(health.reasons).toEqual([]);
    else expect(health.reasons.join('\n')).toContain(reason);
  });

  it('takes the worst verdict and keeps every reason, notes first', () => {
    const health = judgeGenerator({ ...HEALTHY, cpuPct: 99, eventLoopDelayP99Ms: 80, notes: ['not measured'] });
    expect(health.verdict).toBe('invalid');
    expect(health.reasons).toHaveLength(3);
    expect(health.reasons[0]).toBe('not measured');
  });
});

describe('parseOpenFileLimit', () => {
  it.each([
    { text: 'Limit  Soft Limit  Hard Limit  Units\nMax open files            1024                 524288               files\n', limit: 1024 },
    { text: 'Max open files            unlimited            unlimited            files\n', limit: null },
    { text: null, limit: null },
  ])('reads the soft limit: $limit', ({ text, limit }) => {
    expect(parseOpenFileLimit(text)).toBe(limit);
  });
});

describe('startHealthMonitor', () => {
  it('measures CPU over the window, counts generator errors, reads the fd limit', () => {
    let clockMs = 1000;
    let cpuUs = 0;
    const monitor = startHealthMonitor({
      now: () => clockMs,
      cpuUsage: () => ({ user: cpuUs * 0.75, system: cpuUs * 0.25 }),
      readLimits: () => 'Max open files            4096                 4096                 files\n',
    });
    clockMs += 2000;
    cpuUs += 1_900_000; // 1.9 s CPU in 2 s: 95%
    monitor.recordGeneratorError();
    const health = monitor.stop();
    expect(health).toMatchObject({ cpuPct: 95, openFileLimit: 4096, generatorErrors: 1, verdict: 'invalid' });
    expect(monitor.stop()).toBe(health);
  });

  it('judges from the measure start on, and keeps the schedule lag it is given', () => {
    let clockMs = 1000;
    let cpuUs = 0;
    const monitor = startHealthMonitor({ now: () => clockMs, cpuUsage: () => ({ user: cpuUs, system: 0 }), readLimits: () => null });
    // A warmup of 1 s at full CPU (start-up compiling), then 2 s of measurement at 40%.
    clockMs += 1000;
    cpuUs += 1_000_000;
    monitor.markMeasureStart();
    clockMs += 2000;
    cpuUs += 800_000;
    const health = monitor.stop({ p99Ms: 0.4567, maxMs: 2.0004 });
    expect(health).toMatchObject({ cpuPct: 40, scheduleLagP99Ms: 0.457, scheduleLagMaxMs: 2, verdict: 'ok' });
  });

  it('has no schedule-lag figures without an open loop', () => {
    const health = startHealthMonitor({ readLimits: () => null }).stop(null);
    expect('scheduleLagP99Ms' in health).toBe(false);
    expect('scheduleLagMaxMs' in health).toBe(false);
  });

  it('sees a blocked event loop', async () => {
    const monitor = startHealthMonitor({ readLimits: () => null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = performance.now() + 150;
    while (performance.now() < until) {
      // Block the loop on purpose: this is what a saturated generator looks like.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const health = monitor.stop();
    expect(health.maxMs).toBeGreaterThan(100);
    expect(health.eventLoopDelayP99Ms).toBeGreaterThan(50);
    expect(health.verdict).toBe('invalid');
    expect(health.openFileLimit).toBeNull();
    // 150 ms busy in a ~250 ms window.
    expect(health.eventLoopUtilization).toBeGreaterThan(0.3);
  });
});
