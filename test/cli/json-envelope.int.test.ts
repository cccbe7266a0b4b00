import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { PLATFORM, PLATFORM_TOKEN, TASK_ID, createRecorder, platformHandlers } from '../helpers/platform-handlers.js';

/**
 * Every `--json` answer of every command has the same envelope: one object on stdout whose first key is
 * `ok` (true exactly when the exit code is 0), numbers without float noise; and a local run's JSON
 * carries the plan it said before the load. Local commands run against the bundled mock on 127.0.0.1;
 * platform commands against msw.
 */
const server = setupServer();
let mock: MockServer;
const work = mkdtempSync(join(tmpdir(), 'json-envelope-'));
const runDir = join(work, 'run');
beforeAll(async () => {
  // Only the platform's host goes to msw; the mock on 127.0.0.1 is real.
  server.listen({ onUnhandledRequest: 'bypass' });
  server.use(...platformHandlers(createRecorder(), { statuses: ['stopped'] }));
  server.use(http.post(`${PLATFORM}/api/llm-tasks/stop/:id`, ({ params }) => HttpResponse.json({ task_id: params['id'], status: 'stopped', message: 'not running' })));
  mock = await startMockServer({ ttftMs: 20, itlMs: 2, outputTokens: 8 });
});
afterAll(async () => {
  server.close();
  await mock.close();
});

async function json(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; answer: Record<string, unknown>; stderr: string }> {
  const io = createFakeIo({ env, cwd: work });
  const code = await runCli(argv, io);
  const lines = io.out().split('\n').filter((line) => line !== '');
  expect(lines, `stdout of ${argv.join(' ')}`).toHaveLength(1);
  const answer = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  expect(Object.keys(answer)[0]).toBe('ok');
  expect(answer['ok']).toBe(code === 0);
  // No float noise anywhere (3.8233656249999997): 3 decimals from 1 up, 6 significant digits below.
  expect(noisyNumbers(answer)).toEqual([]);
  return { code, answer, stderr: io.err() };
}

function noisyNumbers(value: unknown): number[] {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return [];
    const ok = Math.abs(value) >= 1 ? Math.round(value * 1000) / 1000 === value : Number(value.toPrecision(6)) === value;
    return ok ? [] : [value];
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(noisyNumbers);
}

const PLATFORM_ENV = { LMETERX_BASE_URL: PLATFORM, LMETERX_AUTH_TOKEN: PLATFORM_TOKEN };

describe('the --json envelope, command by command', () => {
  it('run (local): the summary with ok and the plan, which stderr said before the load', async () => {
    const { code, answer, stderr } = await json([
      '--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--concurrent-users', '2', '--spawn-rate', '30',
      '--duration', '30', '--max-requests', '4', '--no-progress', '--out', runDir, '--json',
    ]);
    expect(code).toBe(0);
    const precheck = answer['precheck'] as { latencyMs: number; outputTokens: number };
    expect(precheck.outputTokens).toBe(8);
    expect(answer['plan']).toMatchObject({
      mode: 'local', loadMode: 'fixed', users: 2, spawnRate: 30, warmupS: 0, durationS: 30, maxRequests: 4, totalS: 30,
      pace: { latencyMs: precheck.latencyMs, outputTokens: 8 },
      // Two users for 30 s at the pre-check's pace is far more than --max-requests: the cap decides.
      requests: 4, outputTokens: 32,
    });
    expect(stderr).toMatch(/^Plan: 2 users \(30 started per second\), no warmup, 30 s measured, at most 4 measured requests: ends about \d\d:\d\d:\d\d UTC \(in 30s\)\.$/m);
    expect(stderr).toMatch(/^ {2}At the pre-check's pace \(\d+ ms and 8 output tokens per request\) about 4 requests and 32 output tokens; a loaded server is slower\.$/m);
    expect(stderr.indexOf('Pre-check ok')).toBeLessThan(stderr.indexOf('Plan:'));
  });

  it('run --dry-run', async () => {
    const { answer } = await json(['--url', `${mock.url}/v1/chat/completions`, '--model', 'mock-model', '--dry-run', '--json']);
    expect(answer).toMatchObject({ ok: true, mode: 'local', model: 'mock-model' });
  });

  it('run --dry-run of several targets and of a staged profile: the documented comparison, recordHeaders, workload, scenarios and stages', async () => {
    const chat = `${mock.url}/v1/chat/completions`;
    const several = (await json(['--local', '--target', `a=${chat}`, '--target', `b=${chat}`, '--target-model', 'b=other', '--model', 'mock-model', '--input-tokens', '50', '--dry-run', '--json'])).answer;
    expect(several['comparison']).toMatchObject({ baseline: 'a', rounds: 5, onTargetFailure: 'stop', targets: [{ name: 'a', model: 'mock-model' }, { name: 'b', model: 'other' }] });
    expect(several['recordHeaders']).toEqual(expect.arrayContaining(['x-request-id', 'server-timing']));
    expect(several['load']).toMatchObject({ workload: { inputTokens: { mean: 50, stddev: 0 }, cacheBust: true } });
    const profile = join(work, 'staged.yaml');
    writeFileSync(profile, 'scenarios:\n  - {name: short, weight: 1, prompts: ["hi"]}\nstages: ["2:10s", "4:20s"]\n');
    const staged = (await json(['--url', chat, '--model', 'mock-model', '--profile', profile, '--dry-run', '--json'])).answer;
    expect(staged['load']).toMatchObject({ stages: [{ users: 2, rate: null, durationS: 10 }, { users: 4, rate: null, durationS: 20 }], scenarios: { profile: { scenarios: [{ name: 'short', weight: 1 }] } } });
  });

  it('report and compare', async () => {
    expect((await json(['report', runDir, '--json'])).answer).toMatchObject({ ok: true, mode: 'local' });
    expect((await json(['compare', runDir, runDir, '--json'])).answer).toMatchObject({ ok: true, regressed: false });
  });

  it('demo', async () => {
    const { code, answer } = await json(['demo', '--duration', '1', '--users', '2', '--no-progress', '--out', join(work, 'demo'), '--json']);
    expect(code).toBe(0);
    expect(answer).toMatchObject({ ok: true, mode: 'local', plan: { users: 2, durationS: 1 } });
  });

  it('status, results and stop', async () => {
    expect((await json(['status', TASK_ID, '--json'], PLATFORM_ENV)).answer).toMatchObject({ ok: true, taskId: TASK_ID, status: 'stopped' });
    expect((await json(['results', TASK_ID, '--json'], PLATFORM_ENV)).answer).toMatchObject({ ok: true, taskId: TASK_ID });
    expect((await json(['stop', TASK_ID, '--json'], PLATFORM_ENV)).answer).toMatchObject({ ok: true, taskId: TASK_ID, stopping: false });
  });

  it('errors: bad input, a failed pre-check', async () => {
    expect((await json(['--url', 'https://api.example.test/v1/chat/completions', '--json'])).answer).toMatchObject({ ok: false, code: 'MODEL_MISSING' });
    const failed = await json(['--url', `${mock.url}/v1/chat/completions`, '--model', 'm', '-H', 'x-mock-fail-status: 401', '--json']);
    expect(failed.code).toBe(3);
    expect(failed.answer).toMatchObject({ ok: false, stage: 'precheck', category: 'auth', status: 401 });
  });
});
