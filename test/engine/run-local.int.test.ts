import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

/** `run --local` through the CLI in this process (fake io): pre-check, engine, files, report, exit code. */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 20, itlMs: 1, outputTokens: 8 });
});
afterAll(async () => {
  await mock.close();
});

function argv(out: string, ...extra: string[]): string[] {
  return ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '2',
    '--spawn-rate', '100', '--duration', '30', '--max-requests', '10', '--out', out, '--no-progress', ...extra];
}

describe('run --local', () => {
  test('a passing run: exit 0, summary on stdout with --json, every file, secrets masked in the summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'local-')), 'run');
    const io = createFakeIo();
    const code = await runCli(argv(out, '--json', '-H', 'Authorization: Bearer sk-test-0123456789abcdef'), io);
    expect(code).toBe(0);
    const summary = JSON.parse(io.out()) as Summary;
    expect(summary.requests).toMatchObject({ ok: 10, failed: 0, incomplete: 0 });
    expect(summary.tokens.output).toBe(80);
    expect(summary.target.headers['Authorization'] ?? summary.target.headers['authorization']).toBe('Bearer sk-…cdef');
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).not.toContain('0123456789abcdef');
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10);
    for (const file of ['report.html', 'report.csv', 'metrics.prom']) expect(existsSync(join(out, file))).toBe(true);
    expect(io.err()).toContain('Pre-check ok');
  }, 30_000);

  test('a failed SLO: the run finishes, files are written, exit 5', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'local-')), 'run');
    const io = createFakeIo();
    const code = await runCli(argv(out, '--slo', 'ttft_p95<=1', '--skip-precheck'), io);
    expect(code).toBe(5);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.thresholds.passed).toBe(false);
    expect(summary.requests.ok).toBe(10);
  }, 30_000);

  test('success below --success-threshold under injected errors: exit 5, errors by category', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'local-')), 'run');
    const io = createFakeIo();
    const code = await runCli(
      argv(out, '--skip-precheck', '-H', 'x-mock-fail-status: 503', '-H', 'x-mock-error-rate: 0.5', '--json'),
      io,
    );
    expect(code).toBe(5);
    const summary = JSON.parse(io.out()) as Summary;
    expect(summary.requests.failed).toBe(5);
    expect(summary.errors.byCategory).toEqual({ server_error: 5 });
  }, 30_000);

  test('a pre-check failure: exit 3, the docs/cli.md JSON, and no run folder', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'local-')), 'run');
    const io = createFakeIo();
    const code = await runCli(argv(out, '--json', '-H', 'x-mock-fail-status: 401'), io);
    expect(code).toBe(3);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, stage: 'precheck', category: 'auth', status: 401 });
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  test('Ctrl-C (SIGINT through the io): summary of what was measured, exit 130', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'local-')), 'run');
    const io = createFakeIo();
    const running = runCli(
      ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '2',
        '--duration', '300', '--out', out, '--no-progress', '--skip-precheck'],
      io,
    );
    await new Promise((r) => setTimeout(r, 800));
    io.emit('SIGINT');
    expect(await running).toBe(130);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(summary.requests.total).toBe(lines.length);
    expect(summary.requests.ok).toBeGreaterThan(5);
    expect(io.err()).toContain('Interrupted');
  }, 30_000);
});
