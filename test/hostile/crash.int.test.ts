import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RequestRecord } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { startGiantLineServer, startSilentServer, type HostileServer } from '../helpers/hostile-servers.js';
import { CLI, startCli } from '../helpers/cli-process.js';

/** Signals, hard kills and RSS need a real process: the built CLI (`npm test` builds before vitest). */

let mock: MockServer;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  mock = await startMockServer({ ttftMs: 5, itlMs: 1, outputTokens: 5 });
});
afterAll(async () => {
  await mock.close();
});

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function completeRecords(path: string): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      records.push(JSON.parse(line) as RequestRecord);
    } catch {
      // A last line cut off by the kill.
    }
  }
  return records;
}

describe('kill -9 mid-run', () => {
  test.each([
    ['one thread', []],
    ['--workers 2', ['--workers', '2']],
  ])('%s: every request the mock finished is recorded, but for the few in flight', async (_label, extra) => {
    mock.reset();
    const users = 4;
    const out = join(mkdtempSync(join(tmpdir(), 'kill-')), 'run');
    const { child, exit } = startCli([
      'run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', String(users),
      '--spawn-rate', '1000', '--duration', '60', '--skip-precheck', '--out', out, '--no-progress', ...extra,
    ]);
    const results = join(out, 'results.jsonl');
    await waitFor('300 completed requests at the mock', () => mock.stats().completed >= 300);
    child.kill('SIGKILL');
    const { signal } = await exit;
    expect(signal).toBe('SIGKILL');
    // The kill also cut what was in flight: the mock's count is final now.
    await new Promise((r) => setTimeout(r, 200));
    const served = mock.stats().completed;
    const ok = completeRecords(results).filter((record) => record.ok).length;
    // Lost at most the requests in flight (one per user, and one whose answer was written but not yet read).
    expect(ok).toBeLessThanOrEqual(served);
    expect(served - ok).toBeLessThanOrEqual(users);
  }, 60_000);
});

describe('signals during the pre-check', () => {
  let silent: HostileServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent.close();
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s exits 130 with a clear line, writing nothing', async (signal) => {
    const out = join(mkdtempSync(join(tmpdir(), 'sig-')), 'run');
    const before = silent.hits();
    const { child, exit } = startCli(['run', '--local', '--url', `${silent.url}/v1/chat/completions`, '--model', 'm', '--out', out, '--no-progress']);
    await waitFor('the pre-check request at the silent server', () => silent.hits() > before);
    child.kill(signal);
    const { code, stderr } = await exit;
    expect(code).toBe(130);
    expect(stderr).toContain('Interrupted:');
    expect(stderr).toContain('interrupted during the pre-check');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 30_000);
});

describe('a gigabyte SSE line', () => {
  let giant: HostileServer;
  beforeAll(async () => {
    giant = await startGiantLineServer(1024 * 1024 * 1024);
  });
  afterAll(async () => {
    await giant.close();
  });

  test('4 users stay under 400 MB of RSS, each request fails at the cap and stops reading', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'giant-')), 'run');
    const { child, exit } = startCli([
      'run', '--local', '--url', `${giant.url}/v1/chat/completions`, '--model', 'm', '--concurrent-users', '4', '--spawn-rate', '100',
      '--duration', '60', '--max-requests', '8', '--skip-precheck', '--out', out, '--no-progress',
    ]);
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (kb > peakKb) peakKb = kb;
      } catch {
        // The process has ended.
      }
    }, 20);
    const { code } = await exit;
    clearInterval(sampler);
    expect(code).toBe(5);
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb).toBeLessThan(400 * 1024);
    const records = completeRecords(join(out, 'results.jsonl'));
    expect(records).toHaveLength(8);
    for (const record of records) {
      expect(record.errorCategory).toBe('invalid_response');
      expect(record.error).toContain('larger than 8 MiB');
    }
    // Each request stopped reading soon after the cap: nowhere near 8 × 1 GB was sent.
    expect(giant.bytesSent()).toBeLessThan(8 * 64 * 1024 * 1024);
  }, 60_000);
});

describe('the disk fills up during a run', () => {
  test('the load stops, every complete line is kept, the summary is shown, exit 2 without a stack', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'full-')), 'run');
    // A 64 KiB file-size limit stands in for a full disk: writes past it fail (EFBIG, its signal ignored).
    const args = ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '4',
      '--duration', '60', '--skip-precheck', '--out', out, '--no-progress'];
    const child = spawn('bash', ['-c', `trap '' XFSZ; ulimit -f 64; exec "${process.execPath}" "${CLI}" "$@"`, 'bash', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LMETERX_BASE_URL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(2);
    // Stopped by the failure, not by the 60 s duration.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toContain('could not write');
    expect(stderr).toContain('results.jsonl');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toContain('Requests');
    // The report says the write failure stopped the load, not that someone stopped it from outside.
    expect(stdout).toMatch(/INTERRUPTED[^\n]*stopped: [^\n]*could not write/);
    expect(stdout).not.toContain('stopped from outside');
    const text = readFileSync(join(out, 'results.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    // Every other file is whole or absent: none empty or cut, no temporary left behind.
    for (const file of readdirSync(out)) {
      expect(file).not.toMatch(/\.tmp$/);
      expect(statSync(join(out, file)).size).toBeGreaterThan(0);
      if (file.endsWith('.json')) expect(() => JSON.parse(readFileSync(join(out, file), 'utf8')) as unknown).not.toThrow();
    }
  }, 60_000);
});
