import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRunPlan, runLocal, startMockServer, type MockServer } from '../../src/index.js';
import { GATEWAY_RESPONSE_HEADERS } from '../../src/mock/options.js';
import type { RawRunOptions } from '../../src/input/options.js';
import type { RequestRecord } from '../../src/model/record.js';
import { percentileOfSorted } from '../../src/metrics/math.js';
import { readPageCharts } from '../helpers/page-charts.js';

/** Several targets in one run, against two bundled mocks of known TTFT on 127.0.0.1. */
let fast: MockServer;
let slow: MockServer;
let gateway: MockServer;
beforeAll(async () => {
  [fast, slow, gateway] = await Promise.all([
    startMockServer({ ttftMs: 100, itlMs: 1, outputTokens: 4 }),
    startMockServer({ ttftMs: 150, itlMs: 1, outputTokens: 4 }),
    startMockServer({ ttftMs: 20, itlMs: 1, outputTokens: 4, responseHeaders: { ...GATEWAY_RESPONSE_HEADERS } }),
  ]);
});
afterAll(async () => {
  await Promise.all([fast.close(), slow.close(), gateway.close()]);
});

const chat = (server: MockServer): string => `${server.url}/v1/chat/completions`;

async function runTargets(raw: RawRunOptions) {
  const out = join(mkdtempSync(join(tmpdir(), 'targets-')), 'run');
  const plan = await buildRunPlan({ local: true, model: 'mock-model', spawnRate: '1000', out, ...raw }, { env: {}, cwd: process.cwd(), readStdin: async () => '' });
  const result = await runLocal({ plan, cwd: process.cwd(), tickMs: null }).done;
  return { ...result, out };
}

function readRecords(path: string): RequestRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestRecord);
}

/** The mock's own TTFT stamps (request received → first token) of its requests after the pre-check. */
function serverTtftP50(server: MockServer): number {
  const ttfts = server.records
    .slice(1)
    .map((record) => (record.firstTokenAt === null ? null : record.firstTokenAt - record.receivedAt))
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  return percentileOfSorted(ttfts, 50) as number;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('several targets in one run', () => {
  test('TTFT 100 ms beside 150 ms: the delta table says +50 ms (within 3 ms of the mocks’ own difference), over windows that overlap', async () => {
    fast.reset();
    slow.reset();
    const { summary, out } = await runTargets({ target: [`a=${chat(fast)}`, `b=${chat(slow)}`], concurrentUsers: '4', duration: '3', rounds: '3' });
    const comparison = summary.comparison;
    expect(comparison?.baseline).toBe('a');
    expect(comparison?.rounds).toBe(3);
    const row = comparison?.rows.find((candidate) => candidate.metric === 'ttft_p50');
    const cell = row?.cells.find((candidate) => candidate.target === 'b');
    const serverDelta = serverTtftP50(slow) - serverTtftP50(fast);
    // 3 ms on a healthy generator; on a machine so busy that the run itself says its event loop lagged,
    // that lag (the generator's own p99, measured in the run) is added: the client then stamps late at random.
    const generators = ['a', 'b'].map((name) => (JSON.parse(readFileSync(join(out, 'targets', name, 'summary.json'), 'utf8')) as typeof summary).generator);
    const lagMs = generators.every((generator) => generator.verdict === 'ok') ? 0 : Math.max(...generators.map((generator) => generator.eventLoopDelayP99Ms ?? 0));
    expect(Math.abs((cell?.diff as number) - serverDelta), `client delta ${cell?.diff} ms, mocks' delta ${serverDelta} ms, generator lag ${lagMs} ms`).toBeLessThanOrEqual(3 + lagMs);
    expect(Math.abs((cell?.diff as number) - 50)).toBeLessThanOrEqual(3 + lagMs + Math.abs(serverDelta - 50));
    expect(cell?.pct).toBeCloseTo(((cell?.diff as number) / (row?.cells[0]?.value as number)) * 100, 1);
    expect(cell?.interval?.rounds).toBe(3);
    expect(cell?.perRound).toHaveLength(3);
    expect(row?.cells[0]).toMatchObject({ target: 'a', diff: 0, interval: null });

    // Each target's own files; the windows (first send → last end of its records) overlap ≥ 95%.
    const windows = ['a', 'b'].map((name) => {
      const records = readRecords(join(out, 'targets', name, 'results.jsonl')).filter((record) => record.phase === 'measure');
      const starts = records.map((record) => Date.parse(record.ts));
      const ends = records.map((record) => Date.parse(record.ts) + (record.e2eMs ?? 0));
      return { start: Math.min(...starts), end: Math.max(...ends), ok: records.filter((record) => record.ok).length };
    });
    const [wa, wb] = windows as [{ start: number; end: number; ok: number }, { start: number; end: number; ok: number }];
    const shared = Math.min(wa.end, wb.end) - Math.max(wa.start, wb.start);
    const union = Math.max(wa.end, wb.end) - Math.min(wa.start, wb.start);
    expect(shared / union, `windows a ${wa.start}..${wa.end}, b ${wb.start}..${wb.end}`).toBeGreaterThanOrEqual(0.95);
    expect(comparison?.overlap).toBeGreaterThanOrEqual(0.95);
    // Each target's counts are its own mock's (the pre-check aside).
    expect(wa.ok).toBe(fast.stats().completed - 1);
    expect(wb.ok).toBe(slow.stats().completed - 1);
    expect(summary.targets?.map((target) => [target.name, target.status, target.dir, target.requests?.ok])).toEqual([
      ['a', 'ran', 'targets/a', wa.ok],
      ['b', 'ran', 'targets/b', wb.ok],
    ]);
    const top = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as typeof summary;
    expect(top.comparison?.rows).toHaveLength(7);
    expect(JSON.parse(readFileSync(join(out, 'targets', 'b', 'summary.json'), 'utf8')).requests.ok).toBe(wb.ok);
    // The page: the delta table and a chart per metric, each with one series per target.
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    const pageCharts = readPageCharts(page);
    for (const row of comparison?.rows ?? []) expect(pageCharts.find((chart) => chart.id === `comparison-${row.metric}`)?.series, row.metric).toHaveLength(2);
    expect(page).toContain(`data-key="comparison.ttft_p50.b" data-diff="${cell?.diff}"`);
    expect(comparison?.notes).toEqual([]);
  }, 60_000);

  test('conversations go to every target: each sends its turns with the context growing (a profile or --turns beside --target)', async () => {
    const servers = await Promise.all([startMockServer({ ttftMs: 5, outputTokens: 4, countPrompt: true }), startMockServer({ ttftMs: 5, outputTokens: 4, countPrompt: true })]);
    try {
      const [a, b] = servers as [MockServer, MockServer];
      const { summary, out } = await runTargets({ target: [`a=${chat(a)}`, `b=${chat(b)}`], concurrentUsers: '2', maxRequests: '6', turns: '3' });
      expect(summary.targets?.map((t) => t.requests?.ok)).toEqual([6, 6]);
      for (const [name, server] of [['a', a], ['b', b]] as const) {
        const records = readRecords(join(out, 'targets', name, 'results.jsonl'));
        expect(records.map((r) => r.turn).sort()).toEqual([1, 1, 2, 2, 3, 3]);
        expect(records.every((r) => r.scenario === 'default')).toBe(true);
        // The mock saw 1, 3 and 5 messages: each turn adds the reply and the next user turn (the pre-check aside).
        expect(server.records.slice(1).map((r) => r.messages).sort()).toEqual([1, 1, 3, 3, 5, 5]);
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  }, 60_000);

  test("a gateway's response headers are recorded per request and summarized per target, with exact values", async () => {
    gateway.reset();
    const { summary, out } = await runTargets({ target: [`direct=${chat(fast)}`, `gw=${chat(gateway)}`], concurrentUsers: '2', maxRequests: '6', recordHeader: ['x-mock-request-id'] });
    const records = readRecords(join(out, 'targets', 'gw', 'results.jsonl'));
    expect(records).toHaveLength(6);
    for (const record of records) {
      expect(record.headers).toMatchObject({
        'x-litellm-overhead-duration-ms': '3.25',
        'server-timing': 'gateway;dur=3.25, upstream;desc="mock";dur=12.5',
        'openai-processing-ms': '120',
        'x-envoy-upstream-service-time': '118',
        'x-portkey-retry-attempt-count': '1',
        'x-portkey-cache-status': 'MISS',
        'x-portkey-last-used-option-index': 'config.targets[0]',
      });
      expect(record.headers?.['x-request-id']).toBe(`req-${record.headers?.['x-mock-request-id']}`);
    }
    const gw = summary.targets?.find((target) => target.name === 'gw')?.gateway;
    expect(gw?.answersWithHeaders).toBe(6);
    expect(gw?.durations).toEqual(
      expect.arrayContaining([
        { source: 'x-litellm-overhead-duration-ms', count: 6, meanMs: 3.25, p50Ms: 3.25, p95Ms: 3.25 },
        { source: 'openai-processing-ms', count: 6, meanMs: 120, p50Ms: 120, p95Ms: 120 },
        { source: 'x-envoy-upstream-service-time', count: 6, meanMs: 118, p50Ms: 118, p95Ms: 118 },
        { source: 'server-timing:gateway', count: 6, meanMs: 3.25, p50Ms: 3.25, p95Ms: 3.25 },
        { source: 'server-timing:upstream', count: 6, meanMs: 12.5, p50Ms: 12.5, p95Ms: 12.5 },
      ]),
    );
    expect(gw).toMatchObject({ retries: 6, retriedAnswers: 6, cacheHits: 0, cacheStatus: { MISS: 6 }, chosenOptions: { 'config.targets[0]': 6 }, requestIds: 6 });
    expect(gw?.sampleRequestId).toMatch(/^req-/);
    // The direct mock sends none of them: only the header the user named is there.
    const direct = summary.targets?.find((target) => target.name === 'direct')?.gateway;
    expect(Object.keys(direct?.headers ?? {})).toEqual(['x-mock-request-id']);
  }, 60_000);

  test('a target refusing connections is dropped at its pre-check and reported; the other’s figures are its mock’s', async () => {
    fast.reset();
    const port = await closedPort();
    const { summary } = await runTargets({
      target: [`down=http://127.0.0.1:${port}/v1/chat/completions`, `up=${chat(fast)}`],
      onTargetFailure: 'drop',
      concurrentUsers: '2',
      maxRequests: '8',
    });
    const down = summary.targets?.find((target) => target.name === 'down');
    expect(down).toMatchObject({ status: 'dropped', requests: null, precheckFailure: { category: 'connection_refused', status: null } });
    expect(down?.precheckFailure?.message).toContain('target down');
    const up = summary.targets?.find((target) => target.name === 'up');
    expect(up?.requests).toMatchObject({ ok: 8, failed: 0 });
    expect(fast.stats().completed - 1).toBe(8);
    expect(summary.comparison?.baseline).toBe('up');
    expect(summary.comparison?.notes[0]).toMatch(/^down was dropped: its pre-check failed \(connection_refused/);
    expect(summary.comparison?.notes).toContain('the baseline down was dropped: up is the baseline instead');
  }, 60_000);

  test('without a pre-check, the refused target fails every request while the other counts exactly what its mock served', async () => {
    fast.reset();
    const port = await closedPort();
    const { summary } = await runTargets({ target: [`up=${chat(fast)}`, `down=http://127.0.0.1:${port}/v1/chat/completions`], skipPrecheck: true, concurrentUsers: '2', duration: '2' });
    const up = summary.targets?.find((target) => target.name === 'up');
    const down = summary.targets?.find((target) => target.name === 'down');
    expect(up?.requests?.ok).toBe(fast.stats().completed);
    expect(up?.requests?.failed).toBe(0);
    expect(down?.requests?.ok).toBe(0);
    expect(down?.requests?.failed).toBeGreaterThan(0);
    expect(down?.failuresByLayer).toEqual({ gateway: 0, upstream: 0, unknown: down?.requests?.failed });
    expect(summary.comparison?.notes.some((note) => note.startsWith(`down failed ${down?.requests?.failed} of`))).toBe(true);
    // The run fails as a whole by the refused target's success rate, named, beside the baseline's own check.
    expect(summary.verdict).toBe('failed');
    expect(summary.thresholds.passed).toBe(false);
    expect(summary.thresholds.checks.map((check) => [check.name, check.passed])).toEqual([
      ['success_rate', true],
      ['down: success_rate', false],
    ]);
  }, 60_000);

  test('--on-target-failure stop (the default): the refused target ends the run at its pre-check, named', async () => {
    const port = await closedPort();
    await expect(runTargets({ target: [`up=${chat(fast)}`, `down=http://127.0.0.1:${port}/v1/chat/completions`], concurrentUsers: '1', maxRequests: '2' })).rejects.toMatchObject({
      code: 'PRECHECK_FAILED',
      message: expect.stringContaining('target down'),
    });
  }, 60_000);

  test('sized prompts: each target is pre-checked with a sized prompt and its own request id, and each pre-check says whether its server kept to the sizes; the load\'s ids are the target\'s too', async () => {
    const servers = await Promise.all([startMockServer({ outputTokens: 64, countPrompt: true }), startMockServer({ outputTokens: 64, countPrompt: true })]);
    try {
      const { summary, out } = await runTargets({ target: servers.map((server, index) => `${'ab'[index]}=${chat(server)}`), concurrentUsers: '2', maxRequests: '4', inputTokens: '50', outputTokens: '20' });
      const runId = summary.config.workload?.runId as string;
      // The same prompts to each target (the run id seeds them) but for the cache-bust tag, the target's own:
      // a gateway and the server behind it must not answer one target's prompt from the other's cache.
      const words = servers.map((server) => server.records.slice(1).map((record) => (record.promptHead as string).trim().split(' ')));
      const runTags = words.map((target) => new Set(target.map((head) => head.slice(0, 3).join(' '))));
      expect(runTags.map((tags) => tags.size)).toEqual([1, 1]);
      expect([...(runTags[0] ?? [])]).not.toEqual([...(runTags[1] ?? [])]);
      const rest = words.map((target) => target.map((head) => head.slice(3, 12).join(' ')).sort());
      expect(rest[1]).toEqual(rest[0]);
      for (const [index, server] of servers.entries()) {
        const name = 'ab'[index] as string;
        const precheck = server.records[0];
        expect(precheck).toMatchObject({ clientRequestId: `${runId}-${name}-precheck`, maxTokens: 20, outputTokens: 20 });
        expect(server.records.slice(1).map((record) => record.clientRequestId).sort()).toEqual([0, 1, 2, 3].map((conversation) => `${runId}-${name}-c${conversation}-t1`));
        expect(readRecords(join(out, 'targets', name, 'results.jsonl')).map((record) => record.requestId).sort()).toEqual([0, 1, 2, 3].map((conversation) => `${runId}-${name}-c${conversation}-t1`));
        expect(precheck?.promptTokens).toBe(50);
        const own = JSON.parse(readFileSync(join(out, 'targets', 'ab'[index] as string, 'summary.json'), 'utf8')) as typeof summary;
        expect(own.precheck?.lengths).toEqual({ inputSent: 50, inputReported: 50, outputAsked: 20, outputGot: 20, output: 'exact' });
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  }, 60_000);
});
