/**
 * The workload flags through `run --local` (CLI in this process, fake io) against the mock that counts
 * prompts: the plan says the sizes and encoding, the pre-check says whether the server kept the output
 * length, results.jsonl has per-request sizes and request ids, and cached tokens reach the summary, the
 * console report, report.html and report.csv.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ outputTokens: 30, countPrompt: true, cachedTokens: 100 });
});
afterAll(async () => {
  await mock.close();
});

function argv(out: string, ...extra: string[]): string[] {
  return ['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '2',
    '--spawn-rate', '100', '--duration', '30', '--out', out, '--no-progress', ...extra];
}

function records(out: string): RequestRecord[] {
  return readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RequestRecord);
}

describe('run --local with a workload', () => {
  test('--preset perf-128: the plan says it, the pre-check kept the length, every record exact with its request id, cached tokens reported', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'workload-')), 'run');
    const io = createFakeIo();
    mock.reset();
    const code = await runCli(argv(out, '--preset', 'perf-128', '--max-requests', '6'), io);
    expect(code).toBe(0);
    const err = io.err();
    expect(err).toContain('note: synthetic prompts of 128 tokens (--preset perf-128), exact to the token in o200k_base (the tokenizer for mock-model)');
    expect(err).toContain('note: output of 128 tokens asked through the API\'s max-tokens field');
    expect(err).toContain('note: cache-bust on: each prompt starts with a 7-token tag unique to its conversation');
    // The mock's natural answer is 30 tokens: shorter than asked, and the pre-check says so.
    expect(err).toMatch(/output length\s+asked 128, got 30 \(shorter\)/);
    expect(err).toContain('the answer had 30 of the 128 output tokens asked: the server ended it itself; --ignore-eos asks vLLM or SGLang for the full length');
    expect(err).toMatch(/prompt tokens\s+sent 128, server counts 128/);
    const lines = records(out);
    expect(lines).toHaveLength(6);
    const runId = (lines[0]?.requestId ?? '').split('-')[0] ?? '';
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    expect(lines.map((r) => [r.inputTokensSent, r.inputTokens, r.outputTokensAsked, r.outputTokens, r.cachedInputTokens])).toEqual(Array(6).fill([128, 128, 128, 30, 100]));
    expect(new Set(lines.map((r) => r.requestId)).size).toBe(6);
    // The pre-check's request carries an id too, apart from the load's conversations.
    expect(mock.records.map((r) => r.clientRequestId).sort()).toEqual([0, 1, 2, 3, 4, 5].map((c) => `${runId}-c${c}-t1`).concat(`${runId}-precheck`).sort());
    expect(mock.records.every((r) => r.promptTokens === 128)).toBe(true);

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.tokens.cached).toEqual({ input: 600, requests: 6, sharePct: 78.13 });
    expect(summary.config.workload).toMatchObject({ preset: 'perf-128', inputTokens: { mean: 128, stddev: 0 }, cacheBust: true, encoding: 'o200k_base', trace: null });
    expect(summary.precheck?.lengths).toEqual({ inputSent: 128, inputReported: 128, outputAsked: 128, outputGot: 30, output: 'shorter' });
    expect(io.out()).toMatch(/Cached\s+600 input tokens read from the server's prompt cache \(78\.1% of input\)/);
    expect(readFileSync(join(out, 'report.csv'), 'utf8')).toContain('summary,,cached_input_tokens,,,,,,,,600,');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Cached share of input tokens');
  }, 60_000);

  test('--ignore-eos: the mock honours it and the pre-check says the length was kept', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'workload-')), 'run');
    const io = createFakeIo();
    const code = await runCli(argv(out, '--input-tokens', '64', '--output-tokens', '50', '--ignore-eos', '--max-requests', '3', '--json'), io);
    expect(code).toBe(0);
    expect(io.err()).toMatch(/output length\s+asked 50, got 50 \(kept\)/);
    expect(records(out).map((r) => r.outputTokens)).toEqual([50, 50, 50]);
  }, 60_000);

  test('--trace: every line sent once with its sizes, then the run ends by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workload-'));
    const trace = join(dir, 'trace.jsonl');
    writeFileSync(trace, [0, 100, 200, 300].map((t, i) => JSON.stringify({ timestamp: 5000 + t, input_length: 40 + i, output_length: 3 + i })).join('\n'));
    const out = join(dir, 'run');
    const io = createFakeIo();
    mock.reset();
    const code = await runCli(argv(out, '--trace', trace, '--skip-precheck', '--json').filter((arg) => arg !== '--duration' && arg !== '30'), io);
    expect(code).toBe(0);
    const summary = JSON.parse(io.out()) as Summary;
    expect(summary.stop?.reason).toBe('max-requests');
    expect(records(out).map((r) => [r.inputTokensSent, r.outputTokens]).sort()).toEqual([[40, 3], [41, 4], [42, 5], [43, 6]]);
    expect(mock.records.map((r) => r.promptTokens).sort()).toEqual([40, 41, 42, 43]);
  }, 60_000);
});
