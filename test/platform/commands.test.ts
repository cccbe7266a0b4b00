import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { createFakeIo } from '../helpers/fake-io.js';
import { PLATFORM, PLATFORM_TOKEN, TASK_ID, createRecorder, errorBody, expectNoSecrets, platformHandlers, resultRows, type PlatformScript } from '../helpers/platform-handlers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const REPORT = `${PLATFORM}/results/${TASK_ID}`;

async function cli(argv: string[], options: { script?: PlatformScript; handlers?: HttpHandler[]; env?: Record<string, string> } = {}) {
  const recorder = createRecorder();
  server.use(...(options.handlers ?? []), ...platformHandlers(recorder, options.script));
  const io = createFakeIo({ env: options.env ?? { LMETERX_BASE_URL: PLATFORM, LMETERX_AUTH_TOKEN: PLATFORM_TOKEN } });
  const code = await runCli(argv, io);
  expectNoSecrets(io.out(), io.err());
  return { code, out: io.out(), err: io.err(), recorder };
}

const stopAnswer = (status: string, message: string): HttpHandler =>
  http.post(`${PLATFORM}/api/llm-tasks/stop/:id`, ({ params }) => HttpResponse.json({ task_id: params['id'], status, message }));

describe('llm-loadtest status <task-id>', () => {
  it('prints the status and the report URL', async () => {
    const { code, out, recorder } = await cli(['status', TASK_ID], { script: { statuses: ['running'] } });
    expect(code).toBe(0);
    expect(out).toBe(`Task ID:    ${TASK_ID}\nStatus:     running\nUpdated:    2026-11-22T20:10:00\nReport:     ${REPORT}\n`);
    expect(recorder.requests[0]?.headers['x-authorization']).toBe(PLATFORM_TOKEN);
  });

  it('--json, and --platform overrides LMETERX_BASE_URL', async () => {
    const { code, out } = await cli(['status', TASK_ID, '--json', '--platform', `${PLATFORM}/`], {
      script: { statuses: ['failed'], errorMessage: 'engine restarted' },
      env: { LMETERX_BASE_URL: 'http://elsewhere.test', LMETERX_AUTH_TOKEN: PLATFORM_TOKEN },
    });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      ok: true,
      taskId: TASK_ID,
      status: 'failed',
      errorMessage: 'engine restarted',
      updatedAt: '2026-11-22T20:10:00',
      reportUrl: REPORT,
    });
  });

  it('an unknown task → exit 4, PLATFORM_TASK_NOT_FOUND', async () => {
    const { code, err } = await cli(['status', 'nope'], {
      handlers: [http.get(`${PLATFORM}/api/llm-tasks/nope/status`, () => HttpResponse.json(errorBody(404, 'Task not found', 'not_found'), { status: 404 }))],
    });
    expect(code).toBe(4);
    expect(err).toContain('Error: LMeterX has no task nope');
  });

  it('a service token refused on the path (403) → exit 4, said plainly', async () => {
    const { code, out } = await cli(['status', TASK_ID, '--json'], {
      handlers: [http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed'), { status: 403 }))],
    });
    expect(code).toBe(4);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      code: 'PLATFORM_FORBIDDEN',
      category: 'platform_auth',
      message: `LMeterX does not allow this token on GET /api/llm-tasks/${TASK_ID}/status (403: Service Token not allowed)`,
      // The answer still names the task and where to see it.
      taskId: TASK_ID,
      reportUrl: REPORT,
    });
  });

  it.each([['status'], ['results'], ['stop']])('%s with an empty task ID → exit 2, TASK_ID_INVALID, nothing sent', async (command) => {
    const { code, out, recorder } = await cli([command, ' ', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'TASK_ID_INVALID', category: 'input', message: 'the task ID is empty' });
    expect(recorder.requests).toHaveLength(0);
  });

  it('no platform configured → exit 2 naming LMETERX_BASE_URL', async () => {
    const { code, err } = await cli(['status', TASK_ID], { env: {} });
    expect(code).toBe(2);
    expect(err).toContain('Error: no platform: LMETERX_BASE_URL is not set and no --platform <url> was given');
  });

  it.each([
    ['lmeterx.example.com', 'the platform URL "lmeterx.example.com" is not a URL'],
    ['ftp://lmeterx.example.com', 'the platform URL "ftp://lmeterx.example.com" is not http(s)'],
  ])('a --platform of %j → exit 2, PLATFORM_URL_INVALID, nothing sent', async (url, message) => {
    const { code, out, recorder } = await cli(['status', TASK_ID, '--platform', url, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'PLATFORM_URL_INVALID', category: 'input', message });
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('llm-loadtest results <task-id>', () => {
  it('prints the figures', async () => {
    const { code, out } = await cli(['results', TASK_ID], { script: { statuses: ['completed'] } });
    expect(code).toBe(0);
    expect(out).toContain('Status:     completed\n');
    expect(out).toContain('Requests:   1000 total, 0 failed, success rate 100.00%\n');
    expect(out).toContain(`Report:     ${REPORT}\n`);
  });

  it('--success-threshold fails on the platform figures → exit 5', async () => {
    const { code, out } = await cli(['results', TASK_ID, '--success-threshold', '0.99', '--json'], {
      script: { statuses: ['failed_requests'], rows: resultRows({ total: 200, failed: 10 }) },
    });
    expect(code).toBe(5);
    // `ok` is false exactly when the exit code is not 0: the figures are still there.
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      taskId: TASK_ID,
      results: { status: 'failed_requests', requests: { total: 200, failed: 10, successRate: 0.95 }, thresholds: { passed: false } },
    });
  });

  it('--slo on the platform figures → exit 5 on a failed check; an unavailable stat is said', async () => {
    const { code, out } = await cli(['results', TASK_ID, '--slo', 'ttft_p95<=400,e2e_p99<=30000'], { script: { statuses: ['completed'] } });
    expect(code).toBe(5);
    expect(out).toContain('Check:      FAIL ttft_p95<=400: 480 ms (<= 400 ms)\n');
    expect(out).toContain('Not checked: e2e_p99<=30000: the platform keeps only mean, min, max, p50 and p95\n');
  });

  it('no rows yet (not_found) → said, exit 0', async () => {
    const { code, out } = await cli(['results', TASK_ID], { script: { statuses: ['running'], resultsNotFoundTimes: 1 } });
    expect(code).toBe(0);
    expect(out).toContain('Results:    no result rows yet (No test results found for this task): the task is running; they appear when it completes (add --wait to follow it)\n');
  });

  it('--wait follows the task to its end, then prints the figures', async () => {
    const { code, out, err } = await cli(['results', TASK_ID, '--wait', '--success-threshold', '0.9'], { script: { statuses: ['completed'] } });
    expect(code).toBe(0);
    expect(err).toContain('[0s] task completed\n');
    expect(out).toContain('Check:      pass success rate: 100.00% (>= 90.00%)\n');
  });

  it('--wait on a task that failed → exit 4 with the platform message', async () => {
    const { code, err } = await cli(['results', TASK_ID, '--wait'], { script: { statuses: ['failed'], errorMessage: 'engine restarted' } });
    expect(code).toBe(4);
    expect(err).toContain('Error: the task failed on the platform: engine restarted');
  });

  it('--wait with a token that may not read the task → exit 4 (reading is the whole job here)', async () => {
    const { code, err } = await cli(['results', TASK_ID, '--wait'], {
      handlers: [http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed'), { status: 403 }))],
    });
    expect(code).toBe(4);
    expect(err).toContain(`Error: LMeterX does not allow this token on GET /api/llm-tasks/${TASK_ID}/status (403: Service Token not allowed)`);
  });

  it('a bad --success-threshold → exit 2', async () => {
    const { code, err } = await cli(['results', TASK_ID, '--success-threshold', '95']);
    expect(code).toBe(2);
    expect(err).toContain('Error: --success-threshold 95 is not a fraction in 0..1');
  });

  it('a bad --slo → exit 2 naming it, before any request', async () => {
    const { code, out, recorder } = await cli(['results', TASK_ID, '--slo', 'ttft_p97<=2000', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ ok: false, code: 'SLO_INVALID', category: 'input' });
    expect((JSON.parse(out) as { message: string }).message).toContain('--slo "ttft_p97<=2000" is invalid');
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('llm-loadtest stop <task-id>', () => {
  it('a running task is stopping (exit 0)', async () => {
    const { code, out, recorder } = await cli(['stop', TASK_ID], { handlers: [stopAnswer('stopping', 'Task is being stopped.')] });
    expect(code).toBe(0);
    expect(out).toContain(`Task ${TASK_ID} is stopping`);
    expect(recorder.requests).toHaveLength(0);
  });

  it('a task that is not running: exit 0 with its current status', async () => {
    const { code, out } = await cli(['stop', TASK_ID, '--json'], { handlers: [stopAnswer('completed', 'Task is not currently running.')] });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ ok: true, taskId: TASK_ID, status: 'completed', stopping: false, message: 'Task is not currently running.', reportUrl: REPORT });
  });

  it('an unknown task → exit 4', async () => {
    const { code, err } = await cli(['stop', 'nope'], { handlers: [stopAnswer('unknown', 'Task not found')] });
    expect(code).toBe(4);
    expect(err).toContain('Error: LMeterX has no task nope');
  });

  it('a refused stop (ownership, swallowed into a 200 "error") → exit 4 with a hint', async () => {
    const { code, err } = await cli(['stop', TASK_ID], { handlers: [stopAnswer('error', 'Failed to stop task.')] });
    expect(code).toBe(4);
    expect(err).toContain(`Error: LMeterX did not stop task ${TASK_ID}: Failed to stop task.`);
    expect(err).toContain('Hint: only the task creator or an admin may stop a task');
  });
});
