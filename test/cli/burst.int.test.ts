import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readRecords } from '../../src/metrics/from-records.js';
import type { BurstSummary, RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { CLI, startCli } from '../helpers/cli-process.js';

/**
 * `--burst N` against the bundled mock on 127.0.0.1: all N requests reach the mock together (judged by
 * its own receive stamps), a line per request on stderr, stats that follow from results.jsonl, and the
 * exit code following --success-threshold.
 */
/** The receive-spread test runs the built CLI in its own process (`npm test` builds before vitest). */
let mock: MockServer;
const work = mkdtempSync(join(tmpdir(), 'burst-'));
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 100, itlMs: 2, outputTokens: 8 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

let runs = 0;
async function burst(extra: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string; stdout: string; out: string }> {
  runs += 1;
  const out = join(work, `run-${runs}`);
  const io = createFakeIo({ env, cwd: work });
  const code = await runCli(['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, ...extra], io);
  return { code, stderr: io.err(), stdout: io.out(), out };
}

const userLines = (stderr: string): string[] => stderr.split('\n').filter((line) => /^(round \d+ {2})?user \d+ {2}(ok|fail) /.test(line));
const loadOf = (out: string): { summary: Summary & { burst: BurstSummary }; records: RequestRecord[] } => ({
  summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary & { burst: BurstSummary },
  records: readRecords(readFileSync(join(out, 'results.jsonl'), 'utf8')).records,
});

/** Independent of src/metrics/burst-stats.ts: the figures a reader of results.jsonl would compute. */
function expectedStats(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  const mid = n / 2;
  return {
    count: n,
    min: r(sorted[0] ?? NaN),
    max: r(sorted[n - 1] ?? NaN),
    mean: r(mean),
    median: r(n % 2 === 0 ? ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2 : (sorted[Math.floor(mid)] ?? NaN)),
    stddev: r(Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / n)),
    p90: r(sorted[Math.ceil(0.9 * n) - 1] ?? NaN),
    p99: r(sorted[Math.ceil(0.99 * n) - 1] ?? NaN),
  };
}

describe('run --burst', () => {
  it("N=50: all 50 reach the mock within a few ms (the mock's receive stamps; CLI and mock each in its own process), exit 0", async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    // The mock in its own process too: hosted by this test worker its first round's receipts came 100+ ms
    // apart (cold code and the worker's own work), while the CLI had sent them within a few ms.
    const mockChild = spawn(process.execPath, [CLI, 'mock', '--ttft', '100', '--itl', '2', '--output-tokens', '8'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const mockUrl = await new Promise<string>((done, fail) => {
        mockChild.stdout.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
        setTimeout(() => fail(new Error('the mock process printed no URL in 15 s')), 15_000);
      });
      const out = join(work, 'spread');
      // Three rounds: the tightest one is closest to the send side's own spread. Sending 50 costs the CLI
      // some 3 ms of CPU (6 ms in the first, cold round); on a machine shared with other work each process
      // gets a slice of a CPU, so the wall-clock spread grows by that factor (here, at a load average of 15
      // on 2 cores: 2-140 ms per round, 250 ms once; the tightest of three 6-70 ms).
      const { code, stderr } = await startCli(['run', '--local', '--url', `${mockUrl}/v1/chat/completions`, '--model', 'm', '--burst', '50', '--rounds', '3', '--out', out]).exit;
      expect(code, stderr).toBe(0);
      expect(userLines(stderr)).toHaveLength(150);
      const stats = (await (await fetch(`${mockUrl}/mock/stats?limit=200`)).json()) as { requests: number; records: Array<{ receivedAt: number; firstTokenAt: number | null }> };
      // The pre-check, then the rounds: each round's 50 are 50 consecutive receipts.
      expect(stats.requests).toBe(151);
      const rounds = [0, 1, 2].map((round) => stats.records.slice(1 + round * 50, 51 + round * 50));
      const spreads = rounds.map((records) => Math.max(...records.map((r) => r.receivedAt)) - Math.min(...records.map((r) => r.receivedAt)));
      const tightest = rounds[spreads.indexOf(Math.min(...spreads))] ?? [];
      // The mock stamps each receipt before it does any answer's work (src/mock/server.ts), so the stamps
      // are the arrivals. In the tightest round every request arrived before the mock wrote any first token
      // (100 ms after its receipt): none waited for another's answer, no ramp, no second send.
      const firstToken = Math.min(...tightest.map((record) => record.firstTokenAt ?? Infinity));
      expect(Math.max(...tightest.map((record) => record.receivedAt)), 'the last receipt before the first token').toBeLessThan(firstToken);
      // docs/cli.md "Load" (Burst): a few ms on an idle machine; the bound leaves room for a busy one, and
      // is still far below any ramp (a spawn rate of 50/s would spread them over a second).
      expect(Math.min(...spreads), `receive spreads ${spreads.map((ms) => ms.toFixed(1)).join(', ')} ms`).toBeLessThan(100);
      // The client's own send stamps (results.jsonl `ts`, ms resolution): one loop per round.
      const sends = readRecords(readFileSync(join(out, 'results.jsonl'), 'utf8')).records.map((record) => Date.parse(record.ts));
      expect(sends).toHaveLength(150);
      const sendSpreads = [0, 1, 2].map((round) => sends.slice(round * 50, round * 50 + 50)).map((stamps) => Math.max(...stamps) - Math.min(...stamps));
      expect(Math.min(...sendSpreads), 'send spread').toBeLessThan(50);
      console.info(`burst of 50: receive spreads ${spreads.map((ms) => ms.toFixed(2)).join(', ')} ms on the mock's clock; sends within ${sendSpreads.join(', ')} ms`);
    } finally {
      mockChild.kill();
    }
  });

  it('N=50 in process: 50 lines, stats equal those from results.jsonl, exit 0', async () => {
    const { code, stderr, out } = await burst(['--burst', '50']);
    expect(code, stderr).toBe(0);
    expect(mock.stats().requests).toBe(51);
    const lines = userLines(stderr);
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((line) => /user (\d+)/.exec(line)?.[1])).size).toBe(50);
    expect(lines[0]).toMatch(/^user \d+ {2}ok {2}200 {2}\d+\.\d\d s {2}TTFT \d+\.\d\d s {2}8 tok$/);
    expect(stderr).toMatch(/Burst: 50\/50 succeeded \(100\.0%\)\n {2}E2E +min [\d.]+ s {2}max .* p99 [\d.]+ s\n {2}TTFT +min /);

    const { summary, records } = loadOf(out);
    expect(records).toHaveLength(50);
    expect(summary.requests.total).toBe(50);
    expect(summary.burst.users).toBe(50);
    expect(summary.burst.perRound).toHaveLength(1);
    expect(summary.burst.total).toMatchObject({ requests: 50, succeeded: 50, failed: 0, successRate: 1 });
    expect(summary.burst.total.e2eMs).toEqual(expectedStats(records.map((record) => record.e2eMs ?? NaN)));
    expect(summary.burst.total.ttftMs).toEqual(expectedStats(records.map((record) => record.ttftMs ?? NaN)));
    expect(summary.stop?.reason).toBe('max-requests');
  });

  it('exit code follows --success-threshold: 10% failed passes 0.9 (exit 0), 20% failed does not (exit 5)', async () => {
    // The mock's error rate is a counter: with the pre-check as request 0, exactly 5 (then 10) of the 50 fail.
    const tenPct = await startMockServer({ ttftMs: 5, outputTokens: 4, errorRate: 0.1 });
    const twentyPct = await startMockServer({ ttftMs: 5, outputTokens: 4, errorRate: 0.2 });
    try {
      for (const [server, failed, exit] of [
        [tenPct, 5, 0],
        [twentyPct, 10, 5],
      ] as const) {
        const out = join(work, `threshold-${failed}`);
        const io = createFakeIo({ cwd: work });
        const code = await runCli(['--url', `${server.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, '--burst', '50'], io);
        expect(code, io.err()).toBe(exit);
        const lines = userLines(io.err());
        expect(lines).toHaveLength(50);
        expect(lines.filter((line) => / {2}fail {2}500 {2}[\d.]+ s {2}server_error$/.test(line))).toHaveLength(failed);
        const { summary } = loadOf(out);
        expect(summary.burst.total).toMatchObject({ requests: 50, succeeded: 50 - failed, failed });
        expect(summary.burst.total.e2eMs?.count).toBe(50 - failed);
      }
    } finally {
      await tenPct.close();
      await twentyPct.close();
    }
  });

  it('--rounds 2 --pause 0.2: 100 requests, two round blocks, then the totals', async () => {
    const { code, stderr, out } = await burst(['--burst', '50', '--rounds', '2', '--pause', '0.2']);
    expect(code, stderr).toBe(0);
    expect(mock.stats().requests).toBe(101);
    const lines = userLines(stderr);
    expect(lines.filter((line) => line.startsWith('round 1 '))).toHaveLength(50);
    expect(lines.filter((line) => line.startsWith('round 2 '))).toHaveLength(50);
    expect(stderr).toContain('Round 1 of 2: 50/50 succeeded');
    expect(stderr).toContain('Round 2 of 2: 50/50 succeeded');
    expect(stderr).toContain('All 2 rounds: 100/100 succeeded');
    expect(stderr.indexOf('Round 1 of 2')).toBeLessThan(stderr.indexOf('round 2 '));
    // Round 2 starts only after the pause, once round 1 is done: the mock's stamps say so.
    const stamps = mock.records.slice(-100);
    const round1End = Math.max(...stamps.slice(0, 50).map((record) => record.endAt ?? Infinity));
    const round2Start = Math.min(...stamps.slice(50).map((record) => record.receivedAt));
    expect(round2Start - round1End).toBeGreaterThanOrEqual(200 - 5);

    const { summary, records } = loadOf(out);
    expect(records).toHaveLength(100);
    expect(summary.requests.total).toBe(100);
    expect(summary.burst.perRound).toHaveLength(2);
    expect(summary.burst).toMatchObject({ users: 50, rounds: 2, pauseS: 0.2 });
    expect(summary.burst.total).toMatchObject({ requests: 100, succeeded: 100 });
    expect(summary.burst.total.e2eMs).toEqual(expectedStats(records.map((record) => record.e2eMs ?? NaN)));
  });

  it('--rounds 3 with sized prompts: each round its own request ids and cache-bust tags, so no round is answered from the cache of the one before', async () => {
    const counting = await startMockServer({ ttftMs: 5, outputTokens: 4, countPrompt: true });
    try {
      runs += 1;
      const out = join(work, `run-${runs}`);
      const io = createFakeIo({ cwd: work });
      const code = await runCli(['--url', `${counting.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, '--burst', '3', '--rounds', '3', '--input-tokens', '40'], io);
      expect(code, io.err()).toBe(0);
      const { summary, records } = loadOf(out);
      const runId = summary.config.workload?.runId as string;
      expect(records.map((record) => record.requestId).sort()).toEqual([1, 2, 3].flatMap((round) => [0, 1, 2].map((c) => `${runId}-r${round}-c${c}-t1`)));
      const load = counting.records.slice(1);
      expect(load).toHaveLength(9);
      expect(new Set(load.map((record) => record.clientRequestId)).size).toBe(9);
      // The prompt's first 3 words are the round's, the next 4 the conversation's: 9 different openings.
      expect(new Set(load.map((record) => (record.promptHead as string).trim().split(' ').slice(0, 7).join(' '))).size).toBe(9);
      expect(load.map((record) => record.promptTokens)).toEqual(Array.from({ length: 9 }, () => 40));
    } finally {
      await counting.close();
    }
  });

  it('Ctrl-C in the pause between rounds: no further round, the files of the rounds done, exit 130', async () => {
    runs += 1;
    const out = join(work, `run-${runs}`);
    const io = createFakeIo({ cwd: work });
    const argv = ['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--local', '--no-progress', '--out', out, '--burst', '5', '--rounds', '3', '--pause', '60'];
    const running = runCli(argv, io);
    for (let i = 0; !io.err().includes('Round 1 of 3'); i += 1) {
      if (i > 600) throw new Error(`round 1 did not end within 30 s; stderr: ${io.err()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    io.emit('SIGINT');
    expect(await running).toBe(130);
    expect(mock.stats().requests).toBe(6);
    const { summary, records } = loadOf(out);
    expect(records).toHaveLength(5);
    expect(summary.burst.perRound).toHaveLength(1);
    expect(summary.burst.total).toMatchObject({ requests: 5, succeeded: 5 });
    expect(summary.verdict).toBe('interrupted');
    expect(summary.stop).toMatchObject({ reason: 'interrupted', detail: 'interrupted by SIGINT (Ctrl-C)' });
  });

  it('--quiet prints no request lines', async () => {
    const { code, stderr } = await burst(['--burst', '5', '--quiet']);
    expect(code).toBe(0);
    expect(userLines(stderr)).toEqual([]);
  });

  it('platform mode refuses --burst, --rounds and --pause with OPTION_LOCAL_ONLY and the reason', async () => {
    const io = createFakeIo({ env: { LMETERX_BASE_URL: 'http://platform.test' }, cwd: work });
    const code = await runCli(['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '--burst', '5', '--rounds', '2', '--pause', '1', '--json'], io);
    expect(code).toBe(2);
    expect(io.out()).toContain('OPTION_LOCAL_ONLY');
    expect(io.out()).toContain('--burst, --rounds, --pause work only in local mode');
    expect(io.out()).toContain('ramps users up at a spawn rate');
    expect(mock.stats().requests).toBe(0);
  });
});
