import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer } from '../../src/mock/server.js';
import { FAILURE_HINTS } from '../../src/failures/hints.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { findRefusedPort, openAiStreamEvents, startCannedServer, startTlsServer, type TestServer } from '../helpers/servers.js';

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'llm-loadtest-precheck-cli-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('run --local: a failed pre-check through the CLI', () => {
  it('a refused port: exit 3, the docs/cli.md JSON alone on stdout, Error/Hint on stderr', async () => {
    const { url } = await findRefusedPort();
    const io = createFakeIo({ cwd: workDir });
    const code = await runCli(['run', '--url', `${url}/v1/chat/completions`, '--model', 'gpt-4o-mini', '--local', '--json'], io);
    expect(code).toBe(3);
    const json = JSON.parse(io.out()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['ok', 'stage', 'apiType', 'category', 'status', 'message', 'hint']);
    expect(json).toMatchObject({
      ok: false,
      stage: 'precheck',
      apiType: 'openai-chat',
      category: 'connection_refused',
      status: null,
      hint: FAILURE_HINTS.connection_refused,
    });
    expect(io.err()).toContain('Error: pre-check failed (connection_refused): connection refused: connect ECONNREFUSED');
    expect(io.err()).toContain(`Hint: ${FAILURE_HINTS.connection_refused}\n`);
  });

  it('a 401 with the key echoed: exit 3, status and the server\'s message, key masked everywhere', async () => {
    const key = 'sk-live-abcdefghijklmnop1234';
    const server = await startCannedServer({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    servers.push(server);
    const io = createFakeIo({ cwd: workDir });
    const argv = ['run', '--url', `${server.url}/v1/chat/completions`, '-H', `Authorization: Bearer ${key}`, '--model', 'gpt-4o-mini', '--local', '--json'];
    expect(await runCli(argv, io)).toBe(3);
    expect(JSON.parse(io.out())).toEqual({
      ok: false,
      stage: 'precheck',
      apiType: 'openai-chat',
      category: 'auth',
      status: 401,
      message: 'HTTP 401: Incorrect API key provided: sk-…1234. (invalid_api_key)',
      hint: FAILURE_HINTS.auth,
    });
    expect(io.out() + io.err()).not.toContain(key);
    expect(server.hits()).toBe(1);
  });

  it('without --json: nothing on stdout, exit 3', async () => {
    const server = await startCannedServer({ status: 404, body: { detail: 'Not Found' } });
    servers.push(server);
    const io = createFakeIo({ cwd: workDir });
    expect(await runCli(['run', '--url', `${server.url}/chat/completions`, '--model', 'm', '--local'], io)).toBe(3);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('Error: pre-check failed (not_found, HTTP 404): HTTP 404: Not Found\n');
    expect(io.err()).toContain(`Hint: ${FAILURE_HINTS.not_found}\n`);
  });
});

describe('run --local: a passing pre-check through the CLI', () => {
  const load = ['--concurrent-users', '1', '--max-requests', '2', '--duration', '10', '--no-progress'];

  it('prints the capability report on stderr and keeps it in summary.precheck', async () => {
    const mock = await startMockServer({ port: 0, outputTokens: 8 });
    try {
      const io = createFakeIo({ cwd: workDir });
      const argv = ['run', '--url', `${mock.url}/v1/chat/completions`, '--model', 'gpt-4o-mini', '--local', '--json', ...load, '--out', join(workDir, 'ok')];
      expect(await runCli(argv, io)).toBe(0);
      expect(io.err()).toMatch(/Pre-check ok: HTTP 200 in \d+ ms, TTFT \d+ ms \(streaming\)/);
      expect(io.err()).toContain('  usage          reported in the stream (');
      const summary = JSON.parse(io.out()) as { precheck?: Record<string, unknown> };
      expect(summary.precheck).toMatchObject({ status: 200, stream: true, outputTokens: 8, usageReported: true, tokenSource: 'usage' });
      // One pre-check request, then the two measured ones.
      expect(mock.stats().requests).toBe(3);
    } finally {
      await mock.close();
    }
  });

  it('--skip-precheck sends no pre-check request and keeps none', async () => {
    const mock = await startMockServer({ port: 0, outputTokens: 8 });
    try {
      const io = createFakeIo({ cwd: workDir });
      const argv = ['run', '--url', `${mock.url}/v1/chat/completions`, '--model', 'gpt-4o-mini', '--local', '--json', '--skip-precheck', ...load, '--out', join(workDir, 'skip')];
      expect(await runCli(argv, io)).toBe(0);
      expect(io.err()).not.toContain('Pre-check');
      expect((JSON.parse(io.out()) as { precheck?: unknown }).precheck).toBeUndefined();
      expect(mock.stats().requests).toBe(2);
    } finally {
      await mock.close();
    }
  });
});

describe('run --local against self-signed TLS', () => {
  it('fails the pre-check with tls (exit 3), then passes with --insecure', async () => {
    const server = await startTlsServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(openAiStreamEvents(['Hello', ' TLS'], { usage: true }).join(''));
    });
    servers.push(server);
    const base = ['run', '--url', `${server.url}/v1/chat/completions`, '--model', 'gpt-4o-mini', '--local', '--json'];
    const refused = createFakeIo({ cwd: workDir });
    expect(await runCli(base, refused)).toBe(3);
    expect(JSON.parse(refused.out())).toMatchObject({ category: 'tls', status: null, hint: FAILURE_HINTS.tls });
    expect(server.hits()).toBe(0);

    const accepted = createFakeIo({ cwd: workDir });
    const argv = [...base, '--insecure', '--concurrent-users', '1', '--max-requests', '2', '--duration', '10', '--no-progress', '--out', join(workDir, 'tls')];
    expect(await runCli(argv, accepted)).toBe(0);
    expect(accepted.err()).toContain('Pre-check ok: HTTP 200');
    // The pre-check, the two measured requests, and the pre-check's one look at /metrics (docs/server-metrics.md).
    expect(server.hits()).toBe(4);
  });
});
