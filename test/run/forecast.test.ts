import { describe, expect, it } from 'vitest';
import { defaultLoadOptions } from '../../src/input/options.js';
import type { LoadOptions } from '../../src/model/plan.js';
import { forecastLoad } from '../../src/run/forecast.js';
import { renderForecast } from '../../src/cli/plan-view.js';
import { defaultWorkload } from '../../src/input/workload-options.js';

/** The plan said before the load: the shape, the end, and the traffic at the pre-check's pace. */
const NOW = Date.parse('2026-12-07T05:00:00Z');
const load = (overrides: Partial<LoadOptions> = {}, mode: 'local' | 'platform' = 'local'): LoadOptions => ({ ...defaultLoadOptions(mode, 'x'), ...overrides });

describe('forecastLoad', () => {
  it('the defaults: 50 users for 300 s, at 1 s and 100 tokens a request', () => {
    const forecast = forecastLoad({ mode: 'local', load: load(), warmupIsDefault: true, pace: { latencyMs: 1000, outputTokens: 100 }, nowMs: NOW });
    // 50 users started 30 a second: user-seconds = 50 × 300 minus the ramp (the 2nd second still ramps).
    expect(forecast).toEqual({
      mode: 'local',
      loadMode: 'fixed',
      users: 50,
      spawnRate: 30,
      warmupS: 0,
      warmupIsDefault: true,
      durationS: 300,
      rate: null,
      maxRequests: null,
      burst: null,
      trace: null,
      stages: null,
      totalS: 300,
      endsAt: '2026-12-07T05:05:00.000Z',
      pace: { latencyMs: 1000, outputTokens: 100 },
      requests: 50 * 300 - 38,
      outputTokens: (50 * 300 - 38) * 100,
    });
  });

  it('platform: the warmup, the 3 s pause after it, no token counts', () => {
    const forecast = forecastLoad({ mode: 'platform', load: load({ concurrentUsers: 1, durationS: 20 }, 'platform'), warmupIsDefault: true, pace: { latencyMs: 2000, outputTokens: null }, nowMs: NOW });
    expect(forecast).toMatchObject({ warmupS: 120, totalS: 143, endsAt: '2026-12-07T05:02:23.000Z', requests: 70, outputTokens: null });
  });

  it('open loop: at most the rate; --max-requests caps the measured ones', () => {
    const open = forecastLoad({ mode: 'local', load: load({ rate: 2, durationS: 60 }), warmupIsDefault: true, pace: { latencyMs: 100, outputTokens: 10 }, nowMs: NOW });
    expect(open.requests).toBe(120);
    const capped = forecastLoad({ mode: 'local', load: load({ maxRequests: 25 }), warmupIsDefault: true, pace: { latencyMs: 100, outputTokens: 10 }, nowMs: NOW });
    expect(capped).toMatchObject({ requests: 25, outputTokens: 250 });
  });

  it('stepped: the users of each step, the warmup at the start users', () => {
    const step = { startUsers: 2, increment: 2, durationS: 10, maxUsers: 6, sustainS: 5 };
    const forecast = forecastLoad({ mode: 'local', load: load({ loadMode: 'stepped', step, warmupS: 10 }), warmupIsDefault: false, pace: { latencyMs: 1000, outputTokens: null }, nowMs: NOW });
    // Warmup 10 s × 2, then 10 s × 2, 10 s × 4, then 5 s × 6.
    expect(forecast).toMatchObject({ users: 6, spawnRate: 2, durationS: 25, totalS: 35, requests: 20 + 20 + 40 + 30 });
  });

  it('without a pre-check: the shape and the end, no counts', () => {
    expect(forecastLoad({ mode: 'local', load: load(), warmupIsDefault: true, pace: null, nowMs: NOW })).toMatchObject({ pace: null, requests: null, outputTokens: null, totalS: 300 });
  });

  it('a burst: exactly users × rounds requests, no duration, the pauses as its known length', () => {
    const burst = { users: 40, rounds: 3, pauseS: 10 };
    expect(forecastLoad({ mode: 'local', load: load({ burst }), warmupIsDefault: true, pace: { latencyMs: 900, outputTokens: 50 }, nowMs: NOW })).toMatchObject({
      burst,
      users: 40,
      durationS: 0,
      warmupS: 0,
      requests: 120,
      outputTokens: 6000,
      totalS: 20,
      endsAt: '2026-12-07T05:00:20.000Z',
    });
    expect(forecastLoad({ mode: 'local', load: load({ burst }), warmupIsDefault: true, pace: null, nowMs: NOW })).toMatchObject({ requests: 120, outputTokens: null });
  });

  it('a trace: its own requests and asked output tokens, ending with its span (sped up) and one answer, not the --duration bound', () => {
    const requests = [0, 400, 2000].map((atMs, index) => ({ atMs, inputTokens: 100, outputTokens: 10 + index, hashIds: [] }));
    const traced = load({ durationS: 601, concurrentUsers: 50, workload: { ...defaultWorkload('abcd1234'), trace: { path: 't.jsonl', speedup: 2, requests } } });
    expect(forecastLoad({ mode: 'local', load: traced, warmupIsDefault: true, pace: { latencyMs: 500, outputTokens: 64 }, nowMs: NOW })).toMatchObject({
      trace: { requests: 3, spanS: 1 },
      requests: 3,
      outputTokens: 33,
      maxRequests: 3,
      durationS: 601,
      totalS: 1.5,
      endsAt: '2026-12-07T05:00:01.500Z',
    });
  });

  it('stages: the forecast carries them (the renderer says each level)', () => {
    const stages = [{ users: 1, rate: null, durationS: 60 }, { users: 3, rate: null, durationS: 60 }];
    expect(forecastLoad({ mode: 'local', load: load({ stages, concurrentUsers: 3, durationS: 120 }), warmupIsDefault: true, pace: null, nowMs: NOW })).toMatchObject({ stages, totalS: 120 });
  });
});

describe('renderForecast', () => {
  const plain = { bold: (text: string) => text } as unknown as Parameters<typeof renderForecast>[1];
  it('a trace says its requests, span and end, with --duration as the bound', () => {
    const requests = [0, 400, 2000].map((atMs) => ({ atMs, inputTokens: 100, outputTokens: 10, hashIds: [] }));
    const traced = load({ durationS: 601, concurrentUsers: 50, workload: { ...defaultWorkload('abcd1234'), trace: { path: 't.jsonl', speedup: 1, requests } } });
    expect(renderForecast(forecastLoad({ mode: 'local', load: traced, warmupIsDefault: true, pace: null, nowMs: NOW }), plain)).toBe(
      'Plan: trace replay of 3 requests asking 30 output tokens over 2 s, each at its time (at most 50 in flight): ends about 05:00:02 UTC (in 2s; --duration 601 s at most).\n',
    );
  });
  it('stages say each level', () => {
    const stages = [{ users: 1, rate: null, durationS: 60 }, { users: 3, rate: null, durationS: 60 }];
    expect(renderForecast(forecastLoad({ mode: 'local', load: load({ stages, concurrentUsers: 3, durationS: 120 }), warmupIsDefault: true, pace: null, nowMs: NOW }), plain)).toBe(
      'Plan: 2 stages (1 user → 3 users), no warmup, 120 s measured: ends about 05:02:00 UTC (in 2m 00s).\n',
    );
  });
});
