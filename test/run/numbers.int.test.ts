import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import type { RequestRecord, Summary } from '../../src/model/summary.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { getAdapter } from '../../src/protocol/registry.js';
import { countPromptTokens } from '../../src/protocol/tokens.js';
import { createFakeIo, type FakeIo } from '../helpers/fake-io.js';

/**
 * The secondary numbers of a local run, through the CLI against the bundled mock (issue "Numbers a user
 * can trust everywhere"): each test reads every output a user reads, not only summary.json.
 */
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ ttftMs: 20, itlMs: 2, outputTokens: 20 });
});
afterAll(async () => {
  await mock.close();
});

interface RunFiles {
  code: number;
  io: FakeIo;
  summary: Summary;
  records: RequestRecord[];
  csv: string;
  prom: string;
  html: string;
}

async function run(url: string, ...flags: string[]): Promise<RunFiles> {
  const out = join(mkdtempSync(join(tmpdir(), 'numbers-')), 'run');
  const io = createFakeIo();
  const code = await runCli(['run', '--local', '--url', url, '--model', 'mock-model', '--out', out, '--no-progress', '--json', ...flags], io);
  const read = (file: string): string => readFileSync(join(out, file), 'utf8');
  return {
    code,
    io,
    summary: JSON.parse(read('summary.json')) as Summary,
    records: read('results.jsonl')
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RequestRecord),
    csv: read('report.csv'),
    prom: read('metrics.prom'),
    html: read('report.html'),
  };
}

const chat = (): string => `${mock.url}/v1/chat/completions`;

/** Largest relative difference from the mean over a list of per-second values. */
function spread(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values.map((v) => Math.abs(v - mean) / mean));
}

describe('per-second series by when things happened', () => {
  test('a steady run: tokens/s and finished/s vary less than 15% between full seconds; started is the send pattern', async () => {
    // 8 users spawned over the first half second, answers of about 25 + 40 × 2 ms: about 75 requests per second.
    const r = await run(
      chat(),
      '--concurrent-users', '8', '--spawn-rate', '16', '--duration', '5', '--skip-precheck',
      '-H', 'x-mock-ttft-ms: 25', '-H', 'x-mock-itl-ms: 2', '-H', 'x-mock-output-tokens: 40',
    );
    expect(r.code).toBe(0);
    const timeline = r.summary.timeline;
    // Full seconds of steady load: after the spawn's first second, before the last (sending stops in it).
    const full = timeline.filter((p) => p.t >= 1 && p.t <= 3);
    expect(full).toHaveLength(3);
    expect(spread(full.map((p) => p.outputTokens))).toBeLessThan(0.15);
    expect(spread(full.map((p) => p.finished))).toBeLessThan(0.15);
    // Started counts the records' send seconds (a send within 5 ms of a second's edge may fall either side).
    const origin = Date.parse(r.summary.startedAt);
    const bySecond = new Map<number, number>();
    let nearEdge = 0;
    for (const record of r.records) {
      const s = (Date.parse(record.ts) - origin) / 1000;
      if (Math.abs(s - Math.round(s)) < 0.005) nearEdge += 1;
      bySecond.set(Math.floor(s), (bySecond.get(Math.floor(s)) ?? 0) + 1);
    }
    const mismatch = timeline.reduce((sum, p) => sum + Math.abs(p.started - (bySecond.get(p.t) ?? 0)), 0);
    expect(mismatch).toBeLessThanOrEqual(2 * nearEdge);
    expect(timeline.reduce((sum, p) => sum + p.started, 0)).toBe(r.records.length);
    // A closed loop restarts every second: no "everything in second 0" then zeros.
    for (const p of timeline.filter((q) => q.t <= 4)) expect(p.started).toBeGreaterThan(20);
    // Tokens are all there, spread or not.
    const tokens = timeline.reduce((sum, p) => sum + p.outputTokens, 0);
    expect(tokens).toBeCloseTo(r.records.reduce((sum, rec) => sum + (rec.outputTokens ?? 0), 0), 0);
  }, 30_000);
});

describe('a non-streaming run', () => {
  test('TTFT, TTFO, ITL and chunk gaps are not measured in every output, and an ITL SLO is not checked', async () => {
    const r = await run(chat(), '--no-stream', '--concurrent-users', '2', '--duration', '30', '--max-requests', '10', '--skip-precheck', '--slo', 'itl_p95<=1,e2e_p99<=30000');
    expect(r.code).toBe(0);
    for (const record of r.records) expect(record).toMatchObject({ ok: true, ttftMs: null, ttfoMs: null, itlMs: null });
    for (const key of ['ttft', 'ttfo', 'itl', 'chunkGap'] as const) {
      expect(r.summary.latency[key]).toMatchObject({ count: 0, p50: null, p95: null, max: null });
      expect(r.summary.latency[key].notMeasured).toContain('did not stream');
    }
    expect(r.summary.latency.e2e.count).toBe(10);
    const itl = r.summary.thresholds.checks.find((c) => c.name === 'itl_p95<=1');
    expect(itl).toMatchObject({ passed: false, result: 'not_checked', value: null });
    expect(itl?.note).toContain('not checked');
    expect(r.summary.thresholds.passed).toBe(true);
    expect(r.summary.notes?.some((n) => n.includes('itl_p95<=1'))).toBe(true);
    // Console, CSV, Prometheus and HTML say it too.
    expect(r.io.err()).toMatch(/ITL\s+not measured/);
    expect(r.io.err()).toMatch(/– itl_p95<=1/);
    expect(r.csv).toContain('summary,,itl_ms,,,,,,,,not measured');
    expect(r.prom).toContain('llm_loadtest_itl_seconds{quantile="0.95"} NaN');
    expect(r.prom).toContain('llm_loadtest_itl_seconds_count 0');
    expect(r.prom).not.toMatch(/llm_loadtest_itl_seconds_bucket/);
    expect(r.html).toContain('data-key="latency.itl" data-value="">not measured');
    expect(r.html).toContain('>not checked</td>');
  }, 30_000);
});

describe('tokens', () => {
  test('without usage, input tokens are counted from the prompt with the tokenizer and said to be an estimate', async () => {
    const r = await run(chat(), '--concurrent-users', '2', '--duration', '30', '--max-requests', '6', '--skip-precheck', '-H', 'x-mock-usage: false');
    // The body sent is the minimal one with its one prompt; the tokenizer counts its text.
    const expected = countPromptTokens(getAdapter('openai-chat').minimalBody('mock-model'), 'mock-model');
    expect(expected).toBeGreaterThan(0);
    for (const record of r.records) expect(record).toMatchObject({ tokenSource: 'tokenizer', inputTokenSource: 'tokenizer', inputTokens: expected });
    expect(r.summary.tokens).toMatchObject({ input: 6 * expected, output: 120, source: 'tokenizer', inputSource: 'tokenizer' });
    expect(r.summary.tokens.totalPerSecond).toBeGreaterThan(r.summary.tokens.outputPerSecond);
    expect(r.summary.notes?.join('\n')).toContain('leaves out the chat template');
    expect(r.io.err()).toContain('(estimated from the prompt text)');
  }, 30_000);

  test('usage is reconciled with our count: exact against the mock, flagged when the mock misreports it by 50%', async () => {
    const honest = await run(chat(), '--concurrent-users', '2', '--duration', '30', '--max-requests', '6', '--skip-precheck');
    expect(honest.summary.tokens.reconciliation).toMatchObject({ requests: 6, usageOutputTokens: 120, countedOutputTokens: 120, driftPct: 0, flagged: false, worst: [] });
    const r = await run(chat(), '--concurrent-users', '2', '--duration', '30', '--max-requests', '6', '--skip-precheck', '-H', 'x-mock-usage-misreport-pct: 50');
    expect(r.summary.tokens.output).toBe(180);
    expect(r.summary.tokens.reconciliation).toMatchObject({ requests: 6, usageOutputTokens: 180, countedOutputTokens: 120, driftPct: 50, tolerancePct: 20, flagged: true });
    expect(r.summary.tokens.reconciliation?.worst[0]).toMatchObject({ usage: 30, counted: 20, driftPct: 50 });
    for (const record of r.records) expect(record).toMatchObject({ outputTokens: 30, countedOutputTokens: 20 });
    expect(r.summary.notes?.join('\n')).toContain('usage drift +50% beyond the ±20% tolerance');
    expect(r.io.err()).toContain('FLAGGED');
    expect(r.csv).toContain('summary,,usage_drift_flagged,,,,,,,,1');
    expect(r.html).toContain('data-key="tokens.reconciliation.driftPct" data-value="50">+50.0% FLAGGED</b>');
  }, 30_000);
});

test('an invalid_api_key error object inside a 200 stream is auth, as a 401 would be', async () => {
  const r = await run(
    chat(), '--concurrent-users', '1', '--duration', '30', '--max-requests', '3', '--skip-precheck',
    '-H', 'x-mock-mid-stream-error-after-tokens: 2', '-H', 'x-mock-mid-stream-error-status: 401',
  );
  expect(r.summary.errors.byCategory).toEqual({ auth: 3 });
  for (const record of r.records) expect(record).toMatchObject({ ok: false, status: 200, errorCategory: 'auth' });
  expect(r.records[0]?.error).toContain('Incorrect API key');
}, 30_000);

test('--rate 5 for 20 s: an achieved send rate within 3% of 5, the offered rate, and no drain in the window', async () => {
  mock.reset();
  const r = await run(chat(), '--rate', '5', '--arrival', 'constant', '--concurrent-users', '4', '--duration', '20', '--skip-precheck', '-H', 'x-mock-ttft-ms: 600');
  const rates = r.summary.rates;
  expect(rates?.offered).toBe(5);
  expect(Math.abs((rates?.sent ?? 0) - 5) / 5).toBeLessThan(0.03);
  // The window is the 20 s of sending, not the drain after it.
  expect(r.summary.measuredSeconds).toBeCloseTo(20, 1);
  // The last arrival (19.8 s) ends about 640 ms later, in the drain.
  expect(r.summary.drainSeconds).toBeGreaterThan(0.2);
  // The mock's receive stamps agree with the engine's send stamps.
  const received = mock.records.filter((m) => m.stream);
  const spanS = ((received.at(-1)?.receivedAt ?? 0) - (received[0]?.receivedAt ?? 0)) / 1000;
  expect(Math.abs((received.length - 1) / spanS - 5) / 5).toBeLessThan(0.03);
  expect(rates?.ok).toBe(r.summary.rps);
  expect(r.io.err()).toMatch(/offered 5\.00 · sent (4\.9\d|5\.0\d) req\/s/);
}, 60_000);

test('an interrupted run says so, with when and why, in every output', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'numbers-')), 'run');
  const io = createFakeIo();
  const running = runCli(
    ['run', '--local', '--url', chat(), '--model', 'mock-model', '--concurrent-users', '2', '--duration', '300', '--out', out, '--no-progress', '--skip-precheck', '--json'],
    io,
  );
  await new Promise((r) => setTimeout(r, 1500));
  io.emit('SIGINT');
  expect(await running).toBe(130);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  expect(summary.verdict).toBe('interrupted');
  expect(summary.stop).toMatchObject({ reason: 'interrupted', detail: 'interrupted by SIGINT (Ctrl-C)' });
  expect(summary.stop?.atS).toBeGreaterThan(1);
  expect(summary.stop?.atS).toBeLessThan(60);
  expect(summary.measuredSeconds).toBeCloseTo(summary.stop?.atS ?? 0, 1);
  expect(summary.notes?.[0]).toContain('interrupted: interrupted by SIGINT (Ctrl-C)');
  expect(io.err()).toContain('INTERRUPTED at');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  expect(html).toContain('data-key="verdict">INTERRUPTED</span>');
  expect(html).not.toContain('>PASSED<');
  expect(html).toContain('interrupted by SIGINT (Ctrl-C)');
  expect(readFileSync(join(out, 'report.csv'), 'utf8')).toContain('summary,,verdict,,,,,,,,interrupted');
  expect(readFileSync(join(out, 'metrics.prom'), 'utf8')).toContain('llm_loadtest_interrupted 1');
}, 30_000);

test('a refused port with --skip-precheck: users back off, attempts are bounded, and the report says so', async () => {
  const port = await freePort();
  const r = await run(`http://127.0.0.1:${port}/v1/chat/completions`, '--concurrent-users', '4', '--duration', '5', '--skip-precheck');
  expect(r.code).toBe(5);
  // Without backoff 4 users make tens of thousands of attempts in 5 s; with it, about 7 each.
  expect(r.records.length).toBeGreaterThanOrEqual(4 * 4);
  expect(r.records.length).toBeLessThanOrEqual(4 * 10);
  expect(r.summary.errors.byCategory).toEqual({ connection_refused: r.records.length });
  expect(r.summary.transport).toMatchObject({ failed: r.records.length });
  expect(r.summary.transport?.backoffs).toBeGreaterThanOrEqual(r.records.length - 4);
  expect(r.summary.notes?.join('\n')).toContain('users backed off');
}, 30_000);

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
