import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPlatform } from '../../src/cli/commands/run-platform.js';
import type { CliContext } from '../../src/cli/io.js';
import { renderError } from '../../src/cli/render-error.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { RunPlan } from '../../src/model/plan.js';
import { createFakeIo } from '../helpers/fake-io.js';
import {
  PLATFORM,
  PLATFORM_TOKEN,
  TASK_ID,
  buildPlan,
  createRecorder,
  expectNoSecrets,
  platformHandlers,
  validationBody,
  type PlatformScript,
} from '../helpers/platform-handlers.js';

/**
 * The agent's path through platform mode: the plan said before the task is created and the load sent
 * echoed; a platform that drops while a task is followed is retried (said on stderr), and when it stays
 * away the answer still names the task; a platform that hangs is said while we wait.
 */
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const REPORT = `${PLATFORM}/results/${TASK_ID}`;
const JSON_OUTPUT = { json: true, quiet: false, progress: true, color: false, outDir: null };

async function run(plan: RunPlan, options: { script?: PlatformScript; handlers?: HttpHandler[] } = {}) {
  const recorder = createRecorder();
  server.use(...(options.handlers ?? []), ...platformHandlers(recorder, options.script));
  const io = createFakeIo({ env: { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
  const ctx: CliContext = { io, json: plan.output.json };
  let code: number;
  try {
    await runPlatform(ctx, plan, { pollIntervalMs: 1, retryDelayMs: 0 });
    code = ctx.exitCode ?? 0;
  } catch (error) {
    code = renderError(error, ctx);
  }
  expectNoSecrets(io.out(), io.err());
  return { code, out: io.out(), err: io.err(), io, recorder };
}

const statusFails = (times: number): HttpHandler => {
  let seen = 0;
  return http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => {
    seen += 1;
    return seen <= times ? HttpResponse.error() : undefined;
  });
};

describe('the plan, said before the task is created', () => {
  it('human: the plan (with the default warmup named) on stderr, the load actually sent on stdout', async () => {
    const { code, out, err } = await run(buildPlan());
    expect(code).toBe(0);
    expect(err).toMatch(
      /^Plan: 50 users \(30 started per second\), 120 s warmup \(the platform's default; --warmup 0 for none\), 300 s measured: ends about \d\d:\d\d:\d\d UTC \(in 7m 03s, plus up to 60 s of drain\)\.$/m,
    );
    expect(err).toMatch(/^ {2}At the pre-check's pace \(\d+ ms per request\) about [\d,]+ requests; a loaded server is slower\.$/m);
    // The plan comes before the task is created.
    expect(err.indexOf('Plan:')).toBeLessThan(err.indexOf('Task created'));
    expect(out).toContain('Sent:       50 users, spawn rate 30/s, 300 s, 120 s warmup, model gpt-4o-mini, streaming, the body every time\n');
  });

  it('--json: the plan and the load sent, beside the task', async () => {
    const { code, out } = await run(buildPlan({ load: { warmupS: 0, concurrentUsers: 5, durationS: 20 }, plan: { output: JSON_OUTPUT } }));
    expect(code).toBe(0);
    const answer = JSON.parse(out) as Record<string, Record<string, unknown>>;
    expect(answer).toMatchObject({ ok: true, mode: 'platform', taskId: TASK_ID, reportUrl: REPORT });
    expect(answer['load']).toEqual({ concurrentUsers: 5, spawnRate: 30, durationS: 20, warmupS: 0, loadMode: 'fixed', model: 'gpt-4o-mini', stream: true, testData: '' });
    expect(answer['plan']).toMatchObject({ mode: 'platform', users: 5, spawnRate: 30, warmupS: 0, warmupIsDefault: false, durationS: 20, totalS: 20, pace: { outputTokens: null } });
    // At the pre-check's pace: 5 users × 20 s / the round trip.
    const plan = answer['plan'] as { pace: { latencyMs: number }; requests: number; endsAt: string };
    expect(plan.requests).toBe(Math.round((5 * 20) / (Math.max(plan.pace.latencyMs, 1) / 1000)));
    expect(Date.parse(plan.endsAt)).not.toBeNaN();
  });

  it('--skip-precheck: the plan without a pace', async () => {
    const { out } = await run(buildPlan({ plan: { output: JSON_OUTPUT, skipPrecheck: true } }));
    expect((JSON.parse(out) as { plan: Record<string, unknown> }).plan).toMatchObject({ pace: null, requests: null, outputTokens: null });
  });
});

describe('following a task through a platform that drops', () => {
  it('a platform away for a while: retried, said on stderr, and the task is followed to its end', async () => {
    // The client tries each read three times itself: six failures are two failed reads of the follow.
    const { code, err, out } = await run(buildPlan({ plan: { wait: true } }), { handlers: [statusFails(6)], script: { statuses: ['completed'] } });
    expect(code).toBe(0);
    expect(err).toMatch(/LMeterX did not answer while following \(Cannot connect to the LMeterX service at http:\/\/platform\.test \(.*\)\): retry 1 of 8 in 1 ms/);
    expect(err).toMatch(/: retry 2 of 8 in 2 ms/);
    expect(err).not.toMatch(/retry 3 of 8/);
    expect(out).toContain('Status:     completed\n');
  });

  it('a platform that dies after create: after the retries exit 4, and the JSON still carries taskId and reportUrl', async () => {
    const { code, out, err } = await run(buildPlan({ plan: { wait: true, output: JSON_OUTPUT } }), { handlers: [statusFails(1000)] });
    expect(code).toBe(4);
    const answer = JSON.parse(out) as Record<string, unknown>;
    expect(answer).toMatchObject({ ok: false, code: 'PLATFORM_UNREACHABLE', category: 'platform_unreachable', taskId: TASK_ID, reportUrl: REPORT });
    expect(answer['message']).toContain(`task ${TASK_ID} may still be running on the platform`);
    expect(answer['hint']).toContain(`see ${REPORT}, or check later with \`llm-loadtest status ${TASK_ID}\``);
    expect(err.match(/retry \d of 8/g)).toHaveLength(8);
  });

  it('PLATFORM_TASK_FAILED carries taskId and reportUrl at the top level too', async () => {
    const { code, out } = await run(buildPlan({ plan: { wait: true, output: JSON_OUTPUT } }), { script: { statuses: ['failed'], errorMessage: 'engine restarted' } });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'PLATFORM_TASK_FAILED', taskId: TASK_ID, reportUrl: REPORT });
  });

  it('a refusal (401) is not retried: exit 4 at once, naming the task', async () => {
    let reads = 0;
    const refused = http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => {
      reads += 1;
      return HttpResponse.json({ detail: 'expired' }, { status: 401 });
    });
    const { code, out } = await run(buildPlan({ plan: { wait: true, output: JSON_OUTPUT } }), { handlers: [refused] });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'PLATFORM_AUTH', taskId: TASK_ID, reportUrl: REPORT });
    expect(reads).toBe(1);
  });
});

describe('no silent waits on the platform', () => {
  it('a pre-check endpoint that hangs: a waiting line on stderr while it hangs', async () => {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hanging = http.post(`${PLATFORM}/api/llm-tasks/test`, async () => {
      await released;
      return undefined;
    });
    const recorder = createRecorder();
    server.use(hanging, ...platformHandlers(recorder));
    const io = createFakeIo({ env: { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
    const done = runPlatform({ io, json: false }, buildPlan(), { pollIntervalMs: 1, retryDelayMs: 0 });
    for (let i = 0; i < 400 && !io.err().includes('waiting for'); i += 1) await new Promise((r) => setTimeout(r, 50));
    release();
    await done;
    expect(io.err()).toMatch(/^waiting for LMeterX \(the pre-check through the platform, which waits for the target at http:\/\/platform\.test\): \d+ s so far \(limit 130 s\)$/m);
  });
});

describe('hints that name the right thing', () => {
  it("the platform's warmup_duration error names --warmup", async () => {
    const { code, err } = await run(buildPlan(), {
      handlers: [http.post(`${PLATFORM}/api/llm-tasks`, () => HttpResponse.json(validationBody([['warmup_duration', 'Input should be less than or equal to 1800']]), { status: 422 }))],
    });
    expect(code).toBe(4);
    expect(err).toContain('warmup_duration (--warmup): Input should be less than or equal to 1800');
    expect(err).toContain('Hint: fix --warmup and run again');
  });

  it('`results` on a stopped task says stopped tasks keep no rows (not "when the task completes")', async () => {
    const recorder = createRecorder();
    server.use(
      http.get(`${PLATFORM}/api/llm-tasks/:id/results`, () => HttpResponse.json({ results: [], status: 'not_found', error: 'No test results found for this task' })),
      ...platformHandlers(recorder, { statuses: ['stopped'] }),
    );
    const io = createFakeIo({ env: { LMETERX_BASE_URL: PLATFORM, LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
    expect(await runCli(['results', TASK_ID], io)).toBe(0);
    expect(io.out()).toContain('Results:    no result rows (No test results found for this task): the task ended stopped, and such a task keeps none\n');
    expect(io.out()).not.toContain('when the task completes');
  });
});
