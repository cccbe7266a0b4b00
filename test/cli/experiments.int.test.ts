import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';

let mock: MockServer;
let work: string;
beforeAll(async () => {
  mock = await startMockServer({ maxConcurrent: 2, ttftMs: 20, itlMs: 5, outputTokens: 300 });
  work = mkdtempSync(join(tmpdir(), 'experiments-cli-'));
});
afterAll(async () => {
  await mock.close();
});

describe('sweep and heatmap on the command line', () => {
  test('sweep --users --json: the plan and points on stderr, the summary in the envelope on stdout, the files written', async () => {
    const io = createFakeIo({ cwd: work });
    const out = join(work, 'sweep');
    const code = await runCli(
      ['sweep', '--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--users', '1,2,4', '--point-duration', '1', '--settle', '0.3', '--budget', '1m', '--slo', 'ttft_p95<=5s', '--out', out, '--json'],
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(io.out()) as { ok: boolean; kind: string; points: Array<{ load: number }>; answer: { maxLoad: number | null }; outDir: string; budget: { budgetS: number } };
    expect(json.ok).toBe(true);
    expect(json.kind).toBe('sweep');
    expect(json.points.map((p) => p.load)).toEqual([1, 2, 4].slice(0, json.points.length));
    expect(json.points.length).toBeGreaterThanOrEqual(2);
    expect(json.budget.budgetS).toBe(60);
    expect(json.outDir).toBe(out);
    expect(io.err()).toMatch(/Sweep plan: up to 3 ladder points, 2\.3 s each/);
    expect(io.err()).toContain('Point 1: 1 …');
    expect(io.err()).toMatch(/Knee: /);
    expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).toMatch(/^load,source,rps/);
  }, 60_000);

  test('heatmap: the grid on stdout, every cell in the files', async () => {
    const io = createFakeIo({ cwd: work });
    const out = join(work, 'heatmap');
    const code = await runCli(['heatmap', '--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--input-sizes', '32,64', '--output-sizes', '8', '--cell-duration', '0.5', '--settle', '0', '--out', out, '--quiet'], io);
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toMatch(/TTFT p95 \(ms\) in\\out +8\n +32 +\S+\n +64 +\S+\n/);
    expect(readFileSync(join(out, 'heatmap.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(3);
  }, 60_000);

  test.each<[string[], string, RegExp]>([
    [['sweep', '--users', '1,2', '--rates', '1'], 'USAGE', /--users and --rates cannot be used together/],
    [['sweep', '--users', '4,2'], 'INVALID_FLAG_VALUE', /--users "4,2" does not rise: 2 follows 4/],
    [['sweep', '--users', '1,,2'], 'INVALID_FLAG_VALUE', /--users "1,,2" has an empty item/],
    [['sweep', '--users', '1.5'], 'INVALID_FLAG_VALUE', /--users "1.5" is not a whole number > 0/],
    [['sweep', '--rates', '0'], 'INVALID_FLAG_VALUE', /--rates "0" is not a number > 0/],
    [['sweep', '--budget', 'soon'], 'INVALID_FLAG_VALUE', /--budget "soon" is not a duration > 0/],
    [['sweep', '--max-error-rate', '2'], 'INVALID_FLAG_VALUE', /--max-error-rate "2" is not a number ≥ 0 and ≤ 1/],
    [['sweep', '--duration', '10'], 'USAGE', /--duration does not apply to sweep/],
    [['sweep', '--concurrent-users', '10'], 'USAGE', /--concurrent-users does not apply to a sweep over users/],
    [['sweep', '--load-mode', 'stepped'], 'USAGE', /--load-mode does not apply to sweep/],
    [['heatmap', '--input-sizes', '8'], 'USAGE', /heatmap needs --output-sizes/],
    [['heatmap', '--input-sizes', '8', '--output-sizes', 'x'], 'INVALID_FLAG_VALUE', /--output-sizes "x" is not a whole number/],
    [['heatmap', '--input-sizes', '8', '--output-sizes', '8', '--burst', '3'], 'USAGE', /--burst does not apply to heatmap/],
    [['sweep', '--trace', 'trace.jsonl'], 'USAGE', /--trace does not apply to sweep/],
    [['heatmap', '--input-sizes', '8', '--output-sizes', '8', '--input-tokens', '100'], 'USAGE', /--input-tokens does not apply to heatmap: each cell sends synthetic prompts and answers of its own sizes/],
    [['heatmap', '--input-sizes', '8', '--output-sizes', '8', '--profile', 'p.yaml'], 'USAGE', /--profile does not apply to heatmap/],
  ])('%j is refused (%s), exit 2, before any network', async (args, code, message) => {
    const io = createFakeIo({ cwd: work });
    const before = mock.records.length;
    const exit = await runCli([...args, '--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--json'], io);
    expect(exit).toBe(2);
    const error = JSON.parse(io.out()) as { ok: boolean; code: string; message: string };
    expect(error).toMatchObject({ ok: false, code });
    expect(error.message).toMatch(message);
    expect(mock.records.length).toBe(before);
  });

  test.each([['sweep', '--users', '1,2'], ['heatmap', '--input-sizes', '8', '--output-sizes', '8']])('%j with several targets is refused (USAGE), exit 2, before any network: the experiment would read the baseline alone', async (...args) => {
    const io = createFakeIo({ cwd: work });
    const before = mock.records.length;
    const chat = `${mock.url}/v1/chat/completions`;
    const exit = await runCli([...args, '--target', `a=${chat}`, '--target', `b=${chat}`, '--model', 'm', '--json'], io);
    expect(exit).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ ok: false, code: 'USAGE', message: `${args[0]} measures one target: --target/--targets (or a profile's targets) cannot be used with ${args[0]}` });
    expect(mock.records.length).toBe(before);
  });
});
