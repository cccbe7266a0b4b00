import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { call, TOKEN, waitForRun } from './helpers.js';

/** Signals need a real process: the built CLI (`npm test` builds before vitest). */
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

let mock: MockServer;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  mock = await startMockServer({ ttftMs: 10, itlMs: 2, outputTokens: 8 });
});
afterAll(async () => {
  await mock.close();
});

test('SIGTERM stops the running run, writes every finished record and the summary, and exits 0', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'serve-term-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--runs-dir', runsDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LLM_LOADTEST_SERVE_TOKEN: TOKEN, LMETERX_BASE_URL: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const base = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(http:\/\/\S+)\n/.exec(out);
      if (line?.[1] !== undefined) done(line[1]);
    });
    setTimeout(() => fail(new Error(`the service printed no URL in 15 s; stderr: ${stderr}`)), 15_000);
  });
  const started = await call(base, 'POST', '/runs', {
    body: { url: `${mock.url}/v1/chat/completions`, model: 'mock-model', concurrentUsers: 4, duration: 120, skipPrecheck: true, header: 'x-mock-ttft-ms: 30' },
  });
  expect(started.status).toBe(201);
  const { id } = started.json() as { id: string };
  await waitForRun(base, id, '20 finished requests', (status) => (status.live?.finished ?? 0) >= 20);
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
  expect(stderr).toContain('SIGTERM: stopping 1 run');
  const summary = JSON.parse(readFileSync(join(runsDir, id, 'summary.json'), 'utf8')) as Summary;
  const lines = readFileSync(join(runsDir, id, 'results.jsonl'), 'utf8').trim().split('\n');
  // Every request that finished is on disk, in-flight ones included once they ended in the grace period.
  expect(summary.requests.total).toBe(lines.length);
  expect(lines.length).toBeGreaterThanOrEqual(20);
  expect(summary.verdict).toBe('interrupted');
  expect(summary.stop?.detail).toBe('service stopped by SIGTERM');
  expect(existsSync(join(runsDir, id, 'report.html'))).toBe(true);
}, 60_000);
