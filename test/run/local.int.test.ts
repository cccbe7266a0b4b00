import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { buildRunPlan, runLocal, startMockServer, type LocalRunEvent, type MockServer } from '../../src/index.js';

/** The library's runLocal against the bundled mock: events in order, the figures, and not a byte on the terminal. */
const TTFT_MS = 40;
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ host: '127.0.0.1', port: 0, ttftMs: TTFT_MS, itlMs: 2, outputTokens: 8 });
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function planFor(out: string) {
  return buildRunPlan(
    { local: true, url: `${mock.url}/v1/chat/completions`, model: 'mock-model', concurrentUsers: '2', spawnRate: '100', duration: '30', maxRequests: '10', out },
    { env: {}, cwd: process.cwd(), readStdin: async () => '' },
  );
}

describe('runLocal (library)', () => {
  test('events in order, the summary agrees with what the mock served and stamped, nothing written to stdout or stderr', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'run-local-')), 'run');
    const plan = await planFor(out);
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    mock.reset();
    const events: LocalRunEvent[] = [];
    // A limit below what 2 users need: the warning comes as an event, from the limit the caller gave.
    const run = runLocal({ plan, cwd: process.cwd(), tickMs: 20, openFileLimit: 10, onEvent: (event) => events.push(event) });
    const result = await run.done;
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();

    const types = events.map((event) => event.type).filter((type, i, all) => type !== 'tick' || all[i - 1] !== 'tick');
    expect(types).toEqual(['checking', 'precheck', 'file-limit', 'started', 'tick', 'done']);
    expect(events.find((event) => event.type === 'file-limit')).toEqual({ type: 'file-limit', users: 2, neededFiles: 66, limit: 10 });
    const done = events.at(-1);
    expect(done).toEqual({ type: 'done', summary: result.summary, outDir: out });
    expect(result.outDir).toBe(out);
    expect(result.stopReason).toBe('max-requests');

    // The mock served the pre-check and then every measured request.
    const stats = mock.stats();
    const { summary } = result;
    expect(summary.requests).toMatchObject({ ok: 10, failed: 0, incomplete: 0 });
    expect(stats.completed - 1).toBe(summary.requests.ok);
    expect(summary.precheck?.status).toBe(200);
    expect(summary.config).toMatchObject({ concurrentUsers: 2, maxRequests: 10, workers: 1, rate: null, arrival: null });
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(summary)));

    // Client TTFT: never below the server's own request → first token, and not far above it on loopback.
    const serverTtfts = mock.records
      .slice(1)
      .map((record) => (record.firstTokenAt === null ? null : record.firstTokenAt - record.receivedAt))
      .filter((ms): ms is number => ms !== null);
    expect(serverTtfts).toHaveLength(10);
    const serverMean = serverTtfts.reduce((a, b) => a + b, 0) / serverTtfts.length;
    expect(serverMean).toBeGreaterThanOrEqual(TTFT_MS - 1);
    const ttft = summary.latency.ttft;
    expect(ttft.count).toBe(10);
    expect(ttft.mean).toBeGreaterThanOrEqual(serverMean - 1);
    expect(ttft.mean).toBeLessThanOrEqual(serverMean + 50);
  }, 30_000);

  test('stop() called before the load starts still stops it, and the run still writes its summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'run-local-')), 'run');
    const plan = await planFor(out);
    const run = runLocal({ plan: { ...plan, skipPrecheck: true }, cwd: process.cwd(), tickMs: null });
    run.stop('interrupted');
    const result = await run.done;
    expect(result.stopReason).toBe('interrupted');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).requests.ok).toBe(result.summary.requests.ok);
  }, 30_000);
});
