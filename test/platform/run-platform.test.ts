import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPlatform } from '../../src/cli/commands/run-platform.js';
import type { CliContext } from '../../src/cli/io.js';
import { renderError } from '../../src/cli/render-error.js';
import type { LoadOptions, RunPlan } from '../../src/model/plan.js';
import { createFakeIo } from '../helpers/fake-io.js';
import {
  PLATFORM,
  PLATFORM_TOKEN,
  TARGET_KEY,
  TASK_ID,
  buildPlan,
  createRecorder,
  expectNoSecrets,
  errorBody,
  platformHandlers,
  resultRows,
  testTargetStatus,
  type PlatformScript,
} from '../helpers/platform-handlers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const REPORT = `${PLATFORM}/results/${TASK_ID}`;

/** Run platform mode like runCli does (errors rendered by render-error), and check no secret leaked. */
async function run(
  plan: RunPlan,
  options: { script?: PlatformScript; env?: Record<string, string>; handlers?: HttpHandler[]; timeoutMs?: number } = {},
) {
  const recorder = createRecorder();
  // Overrides first: the first matching handler answers.
  server.use(...(options.handlers ?? []), ...platformHandlers(recorder, options.script));
  const io = createFakeIo({ env: options.env ?? { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
  const ctx: CliContext = { io, json: plan.output.json };
  let code: number;
  try {
    await runPlatform(ctx, plan, { pollIntervalMs: 1, retryDelayMs: 0, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    code = ctx.exitCode ?? 0;
  } catch (error) {
    code = renderError(error, ctx);
  }
  expectNoSecrets(io.out(), io.err());
  return { code, out: io.out(), err: io.err(), recorder };
}

const json = (plan: Parameters<typeof buildPlan>[0] = {}) =>
  buildPlan({ ...plan, plan: { ...plan.plan, output: { json: true, quiet: false, progress: true, color: false, outDir: null } } });

describe('run in platform mode: submit (steps 1-4)', () => {
  it('prints API type, pre-check verdict, task ID and report URL; stderr shows the steps', async () => {
    const { code, out, err, recorder } = await run(buildPlan());
    expect(code).toBe(0);
    expect(out).toBe(
      [
        'API type:   OpenAI Chat',
        'Pre-check:  passed (HTTP 200, streamed 5 lines)',
        `Task ID:    ${TASK_ID}`,
        `Report:     ${REPORT}`,
        'Sent:       50 users, spawn rate 30/s, 300 s, 120 s warmup, model gpt-4o-mini, streaming, the body every time',
        '',
      ].join('\n'),
    );
    expect(err).toContain(`LMeterX at ${PLATFORM}: reachable\n`);
    expect(err).toContain('Token accepted (user alice)\n');
    expect(err).toContain('Pre-check via the platform: passed (HTTP 200, streamed 5 lines)\n');
    expect(err).toContain(`Task created: ${TASK_ID}\n`);
    expect(recorder.paths()).toEqual(['GET /health', 'GET /api/auth/profile', 'POST /api/llm-tasks/test', 'POST /api/llm-tasks']);
    for (const request of recorder.requests) {
      expect(request.headers['x-authorization']).toBe(PLATFORM_TOKEN);
      expect(request.headers['content-type']).toBe('application/json');
    }
  });

  it('a blank LMETERX_AUTH_TOKEN is no token: none is sent, and a platform that needs none is said to', async () => {
    const { code, err, recorder } = await run(buildPlan(), { env: { LMETERX_AUTH_TOKEN: '  ' } });
    expect(code).toBe(0);
    expect(err).toContain('No LMETERX_AUTH_TOKEN: the platform needs none\n');
    expect(recorder.requests.every((request) => request.headers['x-authorization'] === undefined)).toBe(true);
  });

  it('--json prints exactly the platform JSON of docs/cli.md; the human report moves to stderr', async () => {
    const { code, out, err } = await run(json());
    expect(err).toContain(`Task ID:    ${TASK_ID}\n`);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      ok: true,
      mode: 'platform',
      apiType: 'openai-chat',
      taskId: TASK_ID,
      reportUrl: REPORT,
      precheck: { ok: true, category: null, status: 200, message: 'HTTP 200, streamed 5 lines', hint: null },
      plan: expect.objectContaining({ mode: 'platform', users: 50, warmupS: 120, warmupIsDefault: true, durationS: 300 }) as unknown,
      load: { concurrentUsers: 50, spawnRate: 30, durationS: 300, warmupS: 120, loadMode: 'fixed', model: 'gpt-4o-mini', stream: true, testData: '' },
    });
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('Anthropic is presented as Claude Chat', async () => {
    const { out } = await run(
      buildPlan({
        target: {
          apiType: 'anthropic-messages',
          targetHost: 'https://api.anthropic.test/v1',
          apiPath: '/messages',
          url: 'https://api.anthropic.test/v1/messages',
          headers: { 'x-api-key': TARGET_KEY, 'anthropic-version': '2023-06-01' },
          body: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], stream: true },
          model: 'claude-sonnet-4-5',
        },
        plan: { skipPrecheck: true },
      }),
    );
    expect(out).toContain('API type:   Claude Chat\n');
    expect(out).toContain('Pre-check:  skipped (--skip-precheck)\n');
  });

  it('a failed target pre-check: exit 3, docs/cli.md pre-check JSON, no task created', async () => {
    const { code, out, err, recorder } = await run(json(), {
      script: {
        testAnswer: testTargetStatus(401, { error: { message: `Incorrect API key provided: Bearer ${TARGET_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' } }),
      },
    });
    expect(code).toBe(3);
    const result = JSON.parse(out) as Record<string, unknown>;
    expect(result).toEqual({
      ok: false,
      stage: 'precheck',
      apiType: 'openai-chat',
      category: 'auth',
      status: 401,
      message: 'Incorrect API key provided: Bearer sk-…2a91',
      hint: 'the target needs a valid key: check the Authorization / x-api-key header',
    });
    expect(err).toContain('Error: pre-check failed (auth, HTTP 401)');
    expect(recorder.paths()).not.toContain('POST /api/llm-tasks');
  });

  it('a service token (profile 403) continues; a web front on /health is warned about', async () => {
    const { code, err, recorder } = await run(buildPlan(), {
      handlers: [
        http.get(`${PLATFORM}/health`, () => HttpResponse.html('<!doctype html><div id="root"></div>')),
        http.get(`${PLATFORM}/api/auth/profile`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed'), { status: 403 })),
      ],
    });
    expect(code).toBe(0);
    expect(err).toContain('but /health came without the X-LMeterX-Backend header');
    expect(err).toContain('The token may not read the profile (403): a service token; continuing');
    expect(recorder.paths()).toEqual(['POST /api/llm-tasks/test', 'POST /api/llm-tasks']);
  });

  it('an unreachable platform (timeout) → exit 4, platform_unreachable JSON naming the base URL', async () => {
    const { code, out, recorder } = await run(json(), {
      handlers: [
        http.get(`${PLATFORM}/health`, async () => {
          await delay(2000);
          return HttpResponse.json({ status: 'healthy' });
        }),
      ],
      timeoutMs: 20,
    });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      stage: 'platform',
      code: 'PLATFORM_UNREACHABLE',
      category: 'platform_unreachable',
      message: `Cannot connect to the LMeterX service at ${PLATFORM} (no answer within 0 s)`,
    });
    expect(recorder.requests).toHaveLength(0);
  });

  it('token not allowed on the pre-check path (403) → platform_auth, exit 4', async () => {
    const { code, out } = await run(json(), {
      handlers: [http.post(`${PLATFORM}/api/llm-tasks/test`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed'), { status: 403 }))],
    });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({ ok: false, stage: 'platform', code: 'PLATFORM_FORBIDDEN', category: 'platform_auth' });
  });

  it('no token and the platform wants one → says LMETERX_AUTH_TOKEN is not set', async () => {
    const { code, err } = await run(buildPlan(), {
      env: {},
      handlers: [http.get(`${PLATFORM}/api/auth/profile`, () => HttpResponse.json(errorBody(401, 'Unauthorized access'), { status: 401 }))],
    });
    expect(code).toBe(4);
    expect(err).toContain('LMETERX_AUTH_TOKEN is not set');
  });

  it('a platform limit is refused before any request (exit 2, names the flag)', async () => {
    const { code, err, recorder } = await run(buildPlan({ load: { concurrentUsers: 6000 } }));
    expect(code).toBe(2);
    expect(err).toContain("Error: --concurrent-users 6000 is out of the platform's range: 1..5000");
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('run --wait (steps 5-7)', () => {
  const waiting = (load: Partial<LoadOptions> = {}, asJson = false) =>
    asJson ? json({ load, plan: { wait: true } }) : buildPlan({ load, plan: { wait: true } });

  it('completed: polls, retries results through the not_found race, prints the figures (exit 0)', async () => {
    const { code, out, err, recorder } = await run(waiting(), {
      script: { statuses: ['created', 'running', 'running', 'completed'], resultsNotFoundTimes: 2 },
    });
    expect(code).toBe(0);
    expect(recorder.paths().filter((p) => p.endsWith('/status'))).toHaveLength(4);
    expect(recorder.paths().filter((p) => p.endsWith('/results'))).toHaveLength(3);
    expect(err).toMatch(/\[\d+s\] task created/);
    expect(err).toMatch(/\[\d+s\] task running · expected to end in about 7m \d\ds \(\d\d:\d\d UTC\)/);
    expect(out).toContain('Status:     completed\n');
    expect(out).toContain('Requests:   1000 total, 0 failed, success rate 100.00%\n');
    expect(out).toContain('TTFT:       mean 250 ms, p50 230 ms, p95 480 ms, max 900 ms\n');
    expect(out).toContain('Total time: mean 2100 ms, p50 2000 ms, p95 3900 ms, max 5200 ms\n');
    expect(out).toContain('Tokens/s:   output 412.50, total 530.25\n');
    expect(out).toContain('RPS:        3.25\n');
    expect(out).toContain('Check:      pass success rate: 100.00% (>= 90.00%)\n');
  });

  it('--json carries the results and their checks', async () => {
    const { code, out } = await run(waiting({}, true));
    expect(code).toBe(0);
    const result = JSON.parse(out) as { results: Record<string, unknown> };
    expect(result).toMatchObject({ ok: true, mode: 'platform', taskId: TASK_ID });
    expect(result.results).toMatchObject({
      status: 'completed',
      requests: { total: 1000, failed: 0, successRate: 1 },
      ttftMs: { p95: 480 },
      outputTokensPerSecond: 412.5,
      totalTokensPerSecond: 530.25,
      rps: 3.25,
      thresholds: { passed: true, unchecked: [] },
    });
  });

  it('failed_requests under the success threshold → exit 5', async () => {
    const { code, out } = await run(waiting(), {
      script: { statuses: ['failed_requests'], rows: resultRows({ total: 100, failed: 20 }), errorMessage: 'Task x completed with failed requests.' },
    });
    expect(code).toBe(5);
    expect(out).toContain('Check:      FAIL success rate: 80.00% (>= 90.00%)\n');
  });

  it('failed_requests above the threshold → exit 0', async () => {
    const { code } = await run(waiting(), { script: { statuses: ['failed_requests'], rows: resultRows({ total: 100, failed: 2 }) } });
    expect(code).toBe(0);
  });

  it('an --slo the figures can check fails the run (exit 5); one they cannot is said', async () => {
    const slo = [
      { raw: 'ttft_p95<=300', metric: 'ttft' as const, stat: 'p95' as const, op: '<=' as const, limit: 300 },
      { raw: 'ttft_p99<=900', metric: 'ttft' as const, stat: 'p99' as const, op: '<=' as const, limit: 900 },
    ];
    const { code, out } = await run(waiting({ slo }));
    expect(code).toBe(5);
    expect(out).toContain('Check:      FAIL ttft_p95<=300: 480 ms (<= 300 ms)\n');
    expect(out).toContain('Not checked: ttft_p99<=900: the platform keeps only mean, min, max, p50 and p95\n');
  });

  it('failed → exit 4 with the platform error_message', async () => {
    const { code, out } = await run(waiting({}, true), {
      script: { statuses: ['running', 'failed'], errorMessage: 'Locust exited with code 2: Model name is required' },
    });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      code: 'PLATFORM_TASK_FAILED',
      category: 'platform_error',
      message: 'the task failed on the platform: Locust exited with code 2: Model name is required',
      details: { taskId: TASK_ID, reportUrl: REPORT, status: 'failed' },
    });
  });

  it('stopped → exit 4, "the task was stopped"', async () => {
    const { code, err, recorder } = await run(waiting(), { script: { statuses: ['running', 'stopping', 'stopped'] } });
    expect(code).toBe(4);
    expect(err).toContain('Error: the task was stopped before it finished');
    // Stopped tasks keep no result rows: none are asked for.
    expect(recorder.paths().some((p) => p.endsWith('/results'))).toBe(false);
  });

  it('a token that may not read the status (403): exit 0, said plainly, followed:false', async () => {
    const forbidden = [
      http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed'), { status: 403 })),
    ];
    const human = await run(waiting(), { handlers: forbidden });
    expect(human.code).toBe(0);
    expect(human.err).toContain('this token cannot follow the task');
    expect(human.out).toContain(`Report:     ${REPORT}`);
    const machine = await run(waiting({}, true), { handlers: forbidden });
    expect(machine.code).toBe(0);
    expect(JSON.parse(machine.out)).toMatchObject({ ok: true, taskId: TASK_ID, reportUrl: REPORT, followed: false });
  });

  it('Ctrl-C while following: exit 130, the task keeps running and the hint says how to follow it', async () => {
    const recorder = createRecorder();
    const io = createFakeIo({ env: { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
    let reads = 0;
    server.use(
      http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => {
        reads += 1;
        if (reads === 2) io.emit('SIGINT');
        return HttpResponse.json({ id: TASK_ID, status: 'running', error_message: null });
      }),
      ...platformHandlers(recorder),
    );
    const ctx: CliContext = { io, json: false };
    const code = await runPlatform(ctx, waiting(), { pollIntervalMs: 1 }).then(
      () => ctx.exitCode ?? 0,
      (error: unknown) => renderError(error, ctx),
    );
    expect(code).toBe(130);
    expect(reads).toBe(2);
    expect(io.err()).toContain(`Error: stopped following task ${TASK_ID}; it keeps running on the platform`);
    expect(io.err()).toContain(`Hint: follow it with \`llm-loadtest status ${TASK_ID}\``);
  });

  it('results that never appear: said, exit 0, the report URL stays', async () => {
    const { code, out } = await run(waiting(), { script: { statuses: ['completed'], resultsNotFoundTimes: 1000 } });
    expect(code).toBe(0);
    expect(out).toContain('Results:    no result rows yet (No test results found for this task); see the report page\n');
  });
});
