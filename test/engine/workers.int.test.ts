import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import type * as RunLoadModule from '../../src/engine/run-load.js';
import { loadOptions, mockTarget } from './helpers.js';

/** Worker threads run compiled JavaScript: through the built CLI (`npm test` builds before vitest). */
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

let mock: MockServer;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  mock = await startMockServer({ ttftMs: 20, itlMs: 2, outputTokens: 16 });
});
afterAll(async () => {
  await mock.close();
});

test('--workers 2: users split over two threads, records streamed back, counts and tokens merged exactly', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'workers-')), 'run');
  // Asynchronous: the mock lives in this process and must keep answering.
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '6',
      '--spawn-rate', '100', '--duration', '60', '--max-requests', '60', '--workers', '2', '--out', out, '--json',
      '--skip-precheck', '--no-progress'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LMETERX_BASE_URL: '' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  expect(stderr).not.toContain('Error:');
  expect(code).toBe(0);
  const summary = JSON.parse(stdout) as Summary;
  const records = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord);
  expect(summary.config['workers']).toBe(2);
  expect(summary.requests.ok).toBe(60);
  expect(records).toHaveLength(60);
  expect(summary.tokens.output).toBe(60 * 16);
  expect(new Set(records.map((r) => r.user))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  expect(summary.latency.ttft.count).toBe(60);
  expect(summary.latency.ttft.p50).toBeGreaterThanOrEqual(19);
  expect(summary.latency.ttft.p50).toBeLessThan(20 + 40);
}, 40_000);

test('--workers 2 from the library without a results sink (workers then skip serializing records): counts and client-side tokens exact', async () => {
  // The compiled engine, so its worker threads find worker-entry.js beside it.
  const { startLoad } = (await import(pathToFileURL(resolve(import.meta.dirname, '../../dist/engine/run-load.js')).href)) as typeof RunLoadModule;
  const handle = startLoad({
    // The mock reports no usage here, so every worker counts tokens with its own tokenizer.
    target: mockTarget(mock.url, { headers: { 'x-mock-usage': 'false', 'x-mock-output-tokens': '37' } }),
    load: loadOptions({ concurrentUsers: 4, maxRequests: 40, durationS: 30, workers: 2 }),
    prompts: null,
    gracefulStopMs: 2000,
  });
  const result = await handle.done;
  expect(result.threads).toBe(2);
  expect(result.outcome.stopReason).toBe('max-requests');
  expect(result.snapshot.requests).toEqual({ started: 40, ok: 40, failed: 0, incomplete: 0 });
  expect(result.snapshot.tokens.output).toBe(40 * 37);
  expect(result.snapshot.tokens.tokenizerRequests).toBe(40);
}, 40_000);
