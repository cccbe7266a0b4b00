import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

/** `run --server-metrics` end to end through the CLI: the Server block in the console report, the file listed. */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 20, itlMs: 1, outputTokens: 3, maxConcurrent: 1 });
});
afterAll(async () => {
  await mock.close();
});

describe('run --server-metrics', () => {
  it('prints the server beside ours, with the verdict, and lists server-metrics.jsonl', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-server-metrics-')), 'run');
    const io = createFakeIo({ cwd: process.cwd() });
    const argv = ['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out];
    const code = await runCli([...argv, '--concurrent-users', '3', '--max-requests', '12', '--server-metrics', `${mock.url}/metrics`, '--server-metrics-interval', '100ms'], io);
    expect(code).toBe(0);
    const text = io.out();
    expect(text).toContain('Server (scraped every 0.1 s)');
    expect(text).toContain(`Endpoint    ${mock.url}/metrics · vllm ·`);
    expect(text).toMatch(/Saturation {2}the server queued requests from \d+s: waiting > 0 while running = 1 /);
    expect(text).toMatch(/TTFT gap {4}ours − server's: mean /);
    expect(text).toContain(join(out, 'server-metrics.jsonl'));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { serverMetrics: { ttft: { count: number } } };
    expect(summary.serverMetrics.ttft.count).toBe(12);
  });

  it('without the flag, the capability report offers the endpoint it found', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cli-server-metrics-')), 'run');
    const io = createFakeIo({ cwd: process.cwd() });
    const code = await runCli(['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, '--max-requests', '1', '--concurrent-users', '1'], io);
    expect(code).toBe(0);
    expect(io.err()).toContain(`note: ${mock.url}/metrics serves vLLM's metrics: add --server-metrics ${mock.url}/metrics to scrape them`);
    expect(io.out()).not.toContain('Server (scraped');
  });
});
