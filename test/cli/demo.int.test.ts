import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { Summary } from '../../src/model/summary.js';
import { createFakeIo } from '../helpers/fake-io.js';

test('demo: bundled mock, short run, summary on stdout with --json, every file written, TTFT near 150 ms', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'demo-')), 'run');
  const io = createFakeIo();
  const code = await runCli(['demo', '--duration', '2', '--users', '4', '--out', out, '--json'], io);
  expect(code).toBe(0);
  const summary = JSON.parse(io.out()) as Summary;
  expect(summary.mode).toBe('local');
  expect(summary.outDir).toBe(out);
  expect(summary.requests.failed).toBe(0);
  expect(summary.requests.ok).toBeGreaterThanOrEqual(4);
  expect(summary.tokens.output).toBe(summary.requests.ok * 128);
  // The demo's mock answers with TTFT 150 ms ± 5 ms jitter.
  expect(summary.latency.ttft.p50).toBeGreaterThanOrEqual(144);
  expect(summary.latency.ttft.p50).toBeLessThan(150 + 40);
  for (const file of ['summary.json', 'results.jsonl', 'report.html', 'report.csv', 'metrics.prom']) {
    expect(existsSync(join(out, file))).toBe(true);
  }
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(summary.requests.total);
  expect(io.err()).toContain('Demo: bundled mock LLM server at http://127.0.0.1:');
  expect(io.err()).toContain('Pre-check ok');
  // The human report goes to stderr with --json, and names the files.
  expect(io.err()).toContain(join(out, 'summary.json'));
}, 30_000);

test('demo: a folder that already holds a run is refused with exit 2', async () => {
  const out = mkdtempSync(join(tmpdir(), 'demo-'));
  const first = createFakeIo();
  expect(await runCli(['demo', '--duration', '1', '--users', '1', '--out', out, '--quiet'], first)).toBe(0);
  const second = createFakeIo();
  expect(await runCli(['demo', '--duration', '1', '--users', '1', '--out', out], second)).toBe(2);
  expect(second.err()).toContain('already holds a run');
}, 30_000);

test('demo: bad --users is exit 2 naming the flag', async () => {
  const io = createFakeIo();
  expect(await runCli(['demo', '--users', '0'], io)).toBe(2);
  expect(io.err()).toContain('--users 0');
});
