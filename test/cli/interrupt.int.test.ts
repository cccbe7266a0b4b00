import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';

/** Signals need a real process: the built CLI (`npm test` builds before vitest). */
const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

let mock: MockServer;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  mock = await startMockServer({ ttftMs: 30, itlMs: 5, outputTokens: 10 });
});
afterAll(async () => {
  await mock.close();
});

function startRun(out: string, extra: string[] = []): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '4',
      '--spawn-rate', '100', '--duration', '120', '--out', out, '--no-progress', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LMETERX_BASE_URL: '' } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stderr })),
  );
  return { child, exit };
}

async function waitForRecords(path: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(path) && readFileSync(path, 'utf8').split('\n').length > count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${count} records in ${path} after 10 s`);
}

describe('Ctrl-C', () => {
  test('the first SIGINT stops, writes a complete summary and every finished record, exits 130', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'int-')), 'run');
    const { child, exit } = startRun(out, ['--skip-precheck']);
    await waitForRecords(join(out, 'results.jsonl'), 20);
    child.kill('SIGINT');
    const { code, stderr } = await exit;
    expect(code).toBe(130);
    expect(stderr).toContain('Interrupted');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const records = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RequestRecord);
    expect(summary.requests.ok).toBe(records.filter((r) => r.ok && r.phase === 'measure').length);
    expect(summary.requests.total).toBe(records.length);
    expect(summary.requests.ok).toBeGreaterThanOrEqual(20);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 30_000);

  test('a second SIGINT ends the process at once', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'int-')), 'run');
    // Requests that take 3 s: after the first Ctrl-C the run waits for them; the second one ends it.
    const { child, exit } = startRun(out, ['--skip-precheck', '-H', 'x-mock-ttft-ms: 3000']);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    const before = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await exit;
    expect(Date.now() - before).toBeLessThan(1000);
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  }, 30_000);
});
