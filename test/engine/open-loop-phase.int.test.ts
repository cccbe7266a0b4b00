import { afterAll, beforeAll, expect, test } from 'vitest';
import { startLoad } from '../../src/engine/run-load.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { loadOptions, memorySink, mockTarget } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ seed: 1 });
});
afterAll(async () => {
  await mock.close();
});

test('an open-loop arrival counts in the phase it was planned in: a warmup backlog sent late stays warmup', async () => {
  const sink = memorySink();
  const planned: Array<{ phase: string; plannedMs: number; t0Ms: number }> = [];
  let stallTimer: NodeJS.Timeout | undefined;
  const handle = startLoad({
    target: mockTarget(mock.url, { headers: { 'x-mock-ttft-ms': '0', 'x-mock-itl-ms': '0', 'x-mock-output-tokens': '4' } }),
    load: loadOptions({ concurrentUsers: 20, rate: 100, arrival: 'constant', warmupS: 1, durationS: 2 }),
    prompts: null,
    sink,
    gracefulStopMs: 5000,
    // The thread is held up from 0.7 s to 1.2 s after its start: the arrivals planned in the last 0.3 s of
    // the warmup can only go after it ended.
    onReady: () => {
      stallTimer = setTimeout(() => {
        const until = performance.now() + 500;
        while (performance.now() < until);
      }, 700);
    },
    onRecord: (record, meta) => {
      if (record.queueMs !== null) planned.push({ phase: record.phase, plannedMs: meta.t0Ms - record.queueMs, t0Ms: meta.t0Ms });
    },
  });
  const result = await handle.done;
  clearTimeout(stallTimer);
  const measureStart = result.outcome.measureStartMs;
  const measured = planned.filter((p) => p.phase === 'measure');
  // The backlog happened: warmup arrivals were sent after the warmup ended...
  expect(planned.filter((p) => p.phase === 'warmup' && p.t0Ms >= measureStart).length).toBeGreaterThan(10);
  // ...and none of them is measured: every measured arrival was planned in the window (0.001 ms: rounding of queueMs).
  expect(measured.every((p) => p.plannedMs >= measureStart - 0.001)).toBe(true);
  // So the window holds the rate asked: 100/s for 2 s.
  expect(measured.length).toBeGreaterThanOrEqual(199);
  expect(measured.length).toBeLessThanOrEqual(201);
  expect(result.snapshot.requests.ok).toBe(measured.length);
});
