import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readRecords } from '../../src/metrics/from-records.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { recomputeSummary } from '../../src/report/load-run.js';
import { createFakeIo } from '../helpers/fake-io.js';

let mock: MockServer;
let root: string;
let hostA: string;
let hostB: string;

/** A local run against the mock, as a host of a scale-out test would make it. */
async function runOn(out: string, requests: number, users: number): Promise<void> {
  const io = createFakeIo();
  const code = await runCli(['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', String(users), '--max-requests', String(requests), '--duration', '60', '--out', out, '--quiet', '--no-progress'], io);
  if (code !== 0) throw new Error(`the run into ${out} exited ${code}: ${io.err()}`);
}

function recordsOf(dir: string): RequestRecord[] {
  return readRecords(readFileSync(join(dir, 'results.jsonl'), 'utf8')).records;
}

/** Nearest rank over the raw values: what the HDR histogram's percentile must be within 0.1% of. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

beforeAll(async () => {
  // Jitter spreads the latencies, so the two hosts' distributions differ and percentiles mean something.
  mock = await startMockServer({ ttftMs: 15, itlMs: 2, jitterMs: 10, outputTokens: 12, seed: 3 });
  root = mkdtempSync(join(tmpdir(), 'merge-'));
  hostA = join(root, 'host-a');
  hostB = join(root, 'host-b');
  await runOn(hostA, 30, 3);
  await runOn(hostB, 45, 5);
}, 60_000);
afterAll(async () => {
  await mock.close();
});

describe('merge', () => {
  test("two runs' merged percentiles equal those computed from both record files together", async () => {
    const out = join(root, 'merged');
    const io = createFakeIo();
    expect(await runCli(['merge', hostA, hostB, '--out', out, '--json'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const both = [...recordsOf(hostA), ...recordsOf(hostB)];
    expect(summary.requests.total).toBe(both.length);
    expect(summary.requests.ok).toBe(75);
    const together = recomputeSummary(both, null);
    for (const metric of ['ttft', 'e2e', 'itl'] as const) {
      const values = both.filter((record) => record.ok && record.phase === 'measure').map((record) => record[`${metric}Ms`] as number);
      expect(summary.latency[metric].count).toBe(values.length);
      for (const p of [50, 90, 95, 99] as const) {
        expect(summary.latency[metric][`p${p}`]).toBe(together.latency[metric][`p${p}`]);
        const exact = nearestRank(values, p);
        expect(Math.abs((summary.latency[metric][`p${p}`] ?? NaN) - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
      }
      expect(summary.latency[metric].min).toBe(Math.min(...values));
      expect(summary.latency[metric].max).toBe(Math.max(...values));
    }
    expect(summary.config.concurrentUsers).toBe(8);
    expect(summary.hosts?.map((host) => [host.label, host.requests.ok])).toEqual([['host-a', 30], ['host-b', 45]]);
    expect(summary.hosts?.[0]?.generator.verdict).toBe((JSON.parse(readFileSync(join(hostA, 'summary.json'), 'utf8')) as Summary).generator.verdict);
    // host-b ran after host-a: its first request is later by the wall clock.
    expect(summary.hosts?.[1]?.offsetS).toBeGreaterThan(0);
    const merged = recordsOf(out);
    expect(merged).toHaveLength(both.length);
    expect(new Set(merged.map((record) => (record as RequestRecord & { host: string }).host))).toEqual(new Set(['host-a', 'host-b']));
    // Users are numbered apart per host: 3 + 5.
    expect(new Set(merged.map((record) => record.user)).size).toBe(8);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('merged from 2 runs');
    expect(html).toMatch(/<h2>Hosts<\/h2><div data-key="hosts">.*<tr><td>host-a<\/td><td class="n">\+0\.000 s<\/td><td class="n">30<\/td><td class="n">30<\/td><td class="n">0<\/td>/s);
    expect(readFileSync(join(out, 'metrics.prom'), 'utf8')).toMatch(/^llm_loadtest_requests_total\{outcome="ok"\} 75$/m);
  });

  test.each([
    ['a folder that does not exist', () => [hostA, join(root, 'nope')], 'RUN_NOT_FOUND'],
    ['a folder that holds no run', () => [hostA, mkdirTemp('empty')], 'NOT_A_RUN_DIR'],
    ['a results.jsonl of no records', () => [hostA, withFiles('foreign', { 'results.jsonl': 'hello\nworld\n' })], 'NO_RECORDS'],
    ['a run without summary.json', () => [hostA, withFiles('bare', { 'results.jsonl': readFileSync(join(hostB, 'results.jsonl'), 'utf8') })], 'RUNS_NOT_MERGEABLE'],
    ['one run only', () => [hostA], 'RUNS_NOT_MERGEABLE'],
    ['the same run twice', () => [hostA, `${hostA}/`], 'RUNS_NOT_MERGEABLE'],
    ['another model', () => [hostA, otherModel()], 'RUNS_NOT_MERGEABLE'],
  ])('%s: exit 2 with %s', async (_what, paths, code) => {
    const io = createFakeIo();
    expect(await runCli(['merge', ...paths(), '--out', join(root, `out-${code}-${Math.random()}`), '--json'], io)).toBe(2);
    expect((JSON.parse(io.out()) as { code: string }).code).toBe(code);
  });

  test("a several-targets run's top folder: NO_RECORDS, the hint naming its targets/<name> folders (not another command)", async () => {
    const several = withFiles('several', { 'summary.json': readFileSync(join(hostB, 'summary.json'), 'utf8') });
    mkdirSync(join(several, 'targets'));
    const io = createFakeIo();
    expect(await runCli(['merge', hostA, several, '--out', join(root, 'out-several'), '--json'], io)).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ code: 'NO_RECORDS', hint: `give one target's folder instead: ${join(several, 'targets', '<name>')}` });
  });

  test("the first run's SLO is judged on the merged figures: failed, exit 5", async () => {
    const strict = mkdirTemp('strict');
    cpSync(hostA, strict, { recursive: true });
    const summary = JSON.parse(readFileSync(join(strict, 'summary.json'), 'utf8')) as Summary;
    writeFileSync(join(strict, 'summary.json'), JSON.stringify({ ...summary, config: { ...summary.config, slo: ['e2e_p99<=1'] } }));
    const io = createFakeIo();
    expect(await runCli(['merge', strict, hostB, '--out', join(root, 'strict-merged'), '--json'], io)).toBe(5);
    const answer = JSON.parse(io.out()) as Summary & { ok: boolean };
    expect(answer.ok).toBe(false);
    expect(answer.verdict).toBe('failed');
  });

  test("two hosts' runs of one profile (stages and scenarios): the merge keeps per-stage figures with the hosts' users added, and per-scenario figures, over every record", async () => {
    const profile = join(root, 'staged.yaml');
    writeFileSync(profile, 'scenarios:\n  - {name: short, weight: 3, prompts: ["hi"]}\n  - {name: chat, weight: 1, turns: 2, prompts: ["Plan a trip"]}\nstages: ["1:1", "2:1"]\n');
    const hosts = [join(root, 'staged-a'), join(root, 'staged-b')];
    await Promise.all(
      hosts.map(async (out) => {
        const io = createFakeIo();
        const code = await runCli(['run', '--local', '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--profile', profile, '--out', out, '--quiet', '--no-progress'], io);
        if (code !== 0) throw new Error(`the run into ${out} exited ${code}: ${io.err()}`);
      }),
    );
    const out = join(root, 'staged-merged');
    expect(await runCli(['merge', ...hosts, '--out', out, '--json'], createFakeIo())).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    const measured = hosts.flatMap((dir) => recordsOf(dir)).filter((record) => record.phase === 'measure');
    expect(summary.steps?.map((step) => step.users)).toEqual([2, 4]);
    // Stages count every measured request sent in them (they sum to the totals), here over both hosts.
    const stepTotal = summary.steps?.reduce((sum, step) => sum + step.requests.ok + step.requests.failed + (step.requests.incomplete ?? 0), 0);
    expect(stepTotal).toBe(measured.length);
    expect(summary.scenarios?.map((entry) => [entry.scenario, entry.weightShare])).toEqual([
      ['short', 0.75],
      ['chat', 0.25],
    ]);
    expect(summary.scenarios?.map((entry) => entry.requests.ok)).toEqual(['short', 'chat'].map((name) => measured.filter((record) => record.ok && record.scenario === name).length));
    expect(readFileSync(join(out, 'report.csv'), 'utf8')).toMatch(/\r\nstep,/);
  }, 60_000);

  test('an output folder that holds a run is refused', async () => {
    const io = createFakeIo();
    expect(await runCli(['merge', hostA, hostB, '--out', hostA, '--json'], io)).toBe(2);
    expect((JSON.parse(io.out()) as { code: string }).code).toBe('OUT_DIR_HAS_RUN');
  });
});

function mkdirTemp(name: string): string {
  const dir = join(root, `${name}-${Math.random()}`);
  mkdirSync(dir);
  return dir;
}

function withFiles(name: string, files: Record<string, string>): string {
  const dir = mkdirTemp(name);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function otherModel(): string {
  const dir = mkdirTemp('other-model');
  cpSync(hostB, dir, { recursive: true });
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summary, target: { ...summary.target, model: 'another-model' } }));
  return dir;
}
