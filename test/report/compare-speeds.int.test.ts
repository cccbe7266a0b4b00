import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

/**
 * `compare` on real runs against the bundled mock at two speeds: its throughput noise must come from the
 * runs, not from when completions happened to bunch up in seconds (closed-loop users in step finish
 * together), so a 30% drop in requests/s is a regression and two runs of one speed pass.
 */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ outputTokens: 40 });
});
afterAll(async () => {
  await mock.close();
});

const root = mkdtempSync(join(tmpdir(), 'compare-speeds-'));

/** A 4 s closed-loop run of 4 users in step; `ttftMs` and `itlMs` set the mock's speed. */
async function runAt(name: string, ttftMs: number, itlMs: number): Promise<string> {
  const out = join(root, name);
  const io = createFakeIo();
  const code = await runCli(
    ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '4', '--spawn-rate', '100',
      '--duration', '4', '--skip-precheck', '--no-progress', '--quiet', '--out', out,
      '-H', `x-mock-ttft-ms: ${ttftMs}`, '-H', `x-mock-itl-ms: ${itlMs}`],
    io,
  );
  expect(code, io.err()).toBe(0);
  return out;
}

interface CompareJson {
  regressed: boolean;
  metrics: Array<{ key: string; changePct: number | null; changeInterval: [number, number] | null; status: string }>;
}

async function compare(baseline: string, candidate: string): Promise<{ code: number; json: CompareJson }> {
  const io = createFakeIo();
  const code = await runCli(['compare', baseline, candidate, '--json'], io);
  return { code, json: JSON.parse(io.out()) as CompareJson };
}

describe('compare against the mock at two speeds', () => {
  test('flags a 30% requests/s drop and passes two runs of the same speed', async () => {
    // E2E about 60 + 39 × 3 = 177 ms, and 1/0.7 of it (253 ms): 30% fewer requests per second.
    const fast = await runAt('fast', 60, 3);
    const fastAgain = await runAt('fast-again', 60, 3);
    const slow = await runAt('slow', 86, 4.3);

    const drop = await compare(fast, slow);
    expect(drop.code).toBe(5);
    const rps = drop.json.metrics.find((m) => m.key === 'rps');
    expect(rps?.changePct).toBeLessThan(-25);
    expect(rps?.changePct).toBeGreaterThan(-35);
    expect(rps?.status).toBe('regression');
    expect(rps?.changeInterval?.[1]).toBeLessThan(-10);

    const same = await compare(fast, fastAgain);
    expect(same.code).toBe(0);
    expect(same.json.regressed).toBe(false);
    const sameRps = same.json.metrics.find((m) => m.key === 'rps');
    expect(Math.abs(sameRps?.changePct ?? 100)).toBeLessThan(10);
    expect(sameRps?.status).toBe('ok');
  }, 60_000);
});
