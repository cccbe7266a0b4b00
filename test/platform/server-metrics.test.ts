import { existsSync, readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPlatform } from '../../src/cli/commands/run-platform.js';
import type { CliContext } from '../../src/cli/io.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import type { RunPlan } from '../../src/model/plan.js';
import type { ServerMetricsSummary } from '../../src/model/server-metrics.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { PLATFORM_TOKEN, buildPlan, createRecorder, expectNoSecrets, platformHandlers } from '../helpers/platform-handlers.js';

/**
 * `run --wait --server-metrics` in platform mode: the platform API through msw, the server's /metrics a real
 * mock on 127.0.0.1 (the scraper's undici requests pass msw by). This machine scrapes while it follows the task.
 */
const platform = setupServer();
beforeAll(() => platform.listen({ onUnhandledRequest: 'error' }));
afterEach(() => platform.resetHandlers());
afterAll(() => platform.close());

const mocks: MockServer[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((mock) => mock.close()));
});

async function run(plan: RunPlan) {
  platform.use(...platformHandlers(createRecorder(), { statuses: ['created', 'running', 'completed'] }));
  const io = createFakeIo({ env: { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
  const ctx: CliContext = { io, json: plan.output.json };
  await runPlatform(ctx, plan, { pollIntervalMs: 1, retryDelayMs: 0 });
  expectNoSecrets(io.out(), io.err());
  return { code: ctx.exitCode ?? 0, out: io.out(), err: io.err() };
}

const planWith = (urls: string[], json = false): RunPlan =>
  buildPlan({ plan: { wait: true, serverMetrics: { urls, intervalS: 0.1 }, output: { json, quiet: false, progress: true, color: false, outDir: null } } });

describe('platform mode with --server-metrics', () => {
  it('scrapes the server while following, and prints its side after the platform’s figures', async () => {
    const mock = await startMockServer({});
    mocks.push(mock);
    const { code, out } = await run(planWith([`${mock.url}/metrics`]));
    expect(code).toBe(0);
    expect(out).toContain('TTFT:       mean 250 ms, p50 230 ms, p95 480 ms, max 900 ms\n');
    expect(out).toContain('Server (scraped every 0.1 s)');
    expect(out).toContain(`Endpoint    ${mock.url}/metrics · vllm ·`);
    expect(out).toContain('Saturation  the server never queued a request: waiting stayed 0');
    const file = /Series {6}(\S+server-metrics\.jsonl)/.exec(out)?.[1] as string;
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
  });

  it('--json carries serverMetrics; a hanging endpoint is reported and the platform’s figures are the same', async () => {
    const hanging = await startMockServer({ metricsFault: 'hang' });
    mocks.push(hanging);
    const { code, out } = await run(planWith([`${hanging.url}/metrics`], true));
    expect(code).toBe(0);
    const results = (JSON.parse(out) as { results: { ttftMs: unknown; rps: number; serverMetrics: ServerMetricsSummary; serverMetricsFile: string } }).results;
    expect(results).toMatchObject({ ttftMs: { mean: 250, p50: 230, p95: 480 }, rps: 3.25 });
    expect(results.serverMetrics.endpoints).toEqual([
      { url: `${hanging.url}/metrics`, server: 'unknown', scrapes: expect.any(Number), failed: expect.any(Number), lastError: 'timed out after 100 ms', rawFamilies: 0 },
    ]);
    expect(results.serverMetrics.endpoints[0]?.failed).toBe(results.serverMetrics.endpoints[0]?.scrapes);
    expect(results.serverMetrics.comparison).toBeNull();
    expect(results.serverMetrics.saturation.state).toBe('unknown');
  });
});
