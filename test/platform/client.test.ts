import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { createPlatformClient, type PlatformClient } from '../../src/platform/client.js';
import { buildCreatePayload, createTempTaskId } from '../../src/platform/payload.js';
import { PLATFORM, PLATFORM_TOKEN, TASK_ID, buildPlan, errorBody, validationBody } from '../helpers/platform-handlers.js';

const server = setupServer();

/** A loopback port nothing listens on: bind port 0, note it, close it. */
async function findClosedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(overrides: { baseUrl?: string; token?: string | undefined; timeoutMs?: number } = {}): PlatformClient {
  return createPlatformClient({
    baseUrl: overrides.baseUrl ?? `${PLATFORM}/`,
    token: 'token' in overrides ? overrides.token : PLATFORM_TOKEN,
    retryDelayMs: 0,
    ...(overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs }),
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const createPayload = () => buildCreatePayload(buildPlan(), { testData: '', tempTaskId: createTempTaskId() });

describe('health (step 1)', () => {
  it('confirms the backend by its X-LMeterX-Backend header', async () => {
    server.use(http.get(`${PLATFORM}/health`, () => HttpResponse.json({ status: 'healthy' }, { headers: { 'X-LMeterX-Backend': '1' } })));
    expect(await client().checkHealth()).toEqual({ backendConfirmed: true });
  });

  it('notes a web front that answers /health with the SPA page (200, no backend header)', async () => {
    server.use(http.get(`${PLATFORM}/health`, () => HttpResponse.html('<!doctype html><div id="root"></div>')));
    expect(await client().checkHealth()).toEqual({ backendConfirmed: false });
  });

  it('connection refused (a real closed loopback port) → platform_unreachable naming the base URL', async () => {
    const base = `http://127.0.0.1:${await findClosedPort()}`;
    server.use(http.get(`${base}/health`, () => passthrough()));
    const error = await failure(client({ baseUrl: base }).checkHealth());
    expect(error.code).toBe('PLATFORM_UNREACHABLE');
    expect(error.category).toBe('platform_unreachable');
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe(`Cannot connect to the LMeterX service at ${base} (connection refused)`);
    expect(error.details).toMatchObject({ reason: 'connection_refused' });
    expect(error.hint).toContain('LMETERX_BASE_URL');
  });

  it('a port fetch refuses before connecting (6000, a Fetch "bad port") → platform_unreachable saying so', async () => {
    const base = 'http://127.0.0.1:6000';
    server.use(http.get(`${base}/health`, () => passthrough()));
    const error = await failure(client({ baseUrl: base }).checkHealth());
    expect(error.code).toBe('PLATFORM_UNREACHABLE');
    expect(error.details).toMatchObject({ reason: 'unknown' });
    expect(error.message).toContain('fetch refuses this port (a "bad port" of the Fetch standard)');
  });

  it('DNS failure → platform_unreachable (dns)', async () => {
    // msw reports a thrown handler error on the console before turning it into a network error.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    server.use(
      http.get(`${PLATFORM}/health`, () => {
        calls += 1;
        throw Object.assign(new Error('getaddrinfo ENOTFOUND platform.test'), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo' });
      }),
    );
    const error = await failure(client().checkHealth());
    expect(error.category).toBe('platform_unreachable');
    expect(error.details).toMatchObject({ reason: 'dns' });
    expect(error.message).toContain('the host name does not resolve');
    // A read: tried three times before giving up.
    expect(calls).toBe(3);
    quiet.mockRestore();
  });

  it('timeout → platform_unreachable (timeout)', async () => {
    server.use(
      http.get(`${PLATFORM}/health`, async () => {
        await delay(500);
        return HttpResponse.json({ status: 'healthy' });
      }),
    );
    const error = await failure(createPlatformClient({ baseUrl: PLATFORM, token: undefined, timeoutMs: 30, readRetries: 0 }).checkHealth());
    expect(error.category).toBe('platform_unreachable');
    expect(error.details).toMatchObject({ reason: 'timeout' });
    expect(error.message).toContain('no answer within 0 s');
  });

  it('a 503 then a 200: reads are retried', async () => {
    let calls = 0;
    server.use(
      http.get(`${PLATFORM}/health`, () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json(errorBody(503, 'busy'), { status: 503 }) : HttpResponse.json({ status: 'healthy' });
      }),
    );
    expect(await client().checkHealth()).toEqual({ backendConfirmed: false });
    expect(calls).toBe(2);
  });
});

describe('token (step 2)', () => {
  it('sends the raw token in X-Authorization, JSON content type, no Bearer', async () => {
    let seen: Headers | undefined;
    server.use(
      http.get(`${PLATFORM}/api/auth/profile`, ({ request }) => {
        seen = request.headers;
        return HttpResponse.json({ username: 'alice', display_name: 'Alice', email: null, is_admin: false });
      }),
    );
    const profile = await client().readProfile();
    expect(profile).toEqual({ allowed: true, profile: { username: 'alice', display_name: 'Alice', email: null, is_admin: false } });
    expect(seen?.get('x-authorization')).toBe(PLATFORM_TOKEN);
    expect(seen?.get('authorization')).toBeNull();
    expect(seen?.get('content-type')).toBe('application/json');
  });

  it('invalid token (401) → platform_auth PLATFORM_AUTH, token not in the message', async () => {
    server.use(http.get(`${PLATFORM}/api/auth/profile`, () => HttpResponse.json(errorBody(401, 'Unauthorized access', 'unauthorized'), { status: 401 })));
    const error = await failure(client().readProfile());
    expect(error.code).toBe('PLATFORM_AUTH');
    expect(error.category).toBe('platform_auth');
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe('LMeterX token is invalid or expired (401 on GET /api/auth/profile: Unauthorized access)');
    expect(error.hint).toContain('LMETERX_AUTH_TOKEN');
    expect(JSON.stringify(error.toJSON())).not.toContain(PLATFORM_TOKEN);
  });

  it('token missing and required (401) → says the variable is not set', async () => {
    let header: string | null = 'unset';
    server.use(
      http.get(`${PLATFORM}/api/auth/profile`, ({ request }) => {
        header = request.headers.get('x-authorization');
        return HttpResponse.json(errorBody(401, 'Unauthorized access'), { status: 401 });
      }),
    );
    const error = await failure(client({ token: undefined }).readProfile());
    expect(header).toBeNull();
    expect(error.code).toBe('PLATFORM_TOKEN_MISSING');
    expect(error.category).toBe('platform_auth');
    expect(error.message).toContain('LMETERX_AUTH_TOKEN is not set');
  });

  it('a 403 on the profile is normal for service tokens: not a failure', async () => {
    server.use(http.get(`${PLATFORM}/api/auth/profile`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed', 'forbidden'), { status: 403 })));
    expect(await client().readProfile()).toEqual({ allowed: false, status: 403 });
  });

  it('a 403 anywhere else (token not allowed on the path) → platform_auth PLATFORM_FORBIDDEN', async () => {
    server.use(http.post(`${PLATFORM}/api/llm-tasks`, () => HttpResponse.json(errorBody(403, 'Service Token not allowed', 'forbidden'), { status: 403 })));
    const error = await failure(client().createTask(createPayload()));
    expect(error.code).toBe('PLATFORM_FORBIDDEN');
    expect(error.category).toBe('platform_auth');
    expect(error.message).toBe('LMeterX does not allow this token on POST /api/llm-tasks (403: Service Token not allowed)');
  });
});

describe('create (step 4)', () => {
  it('returns the task id and builds the report URL from the base without its trailing slash', async () => {
    let body: unknown;
    server.use(
      http.post(`${PLATFORM}/api/llm-tasks`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ task_id: TASK_ID, status: 'created', message: 'Task created successfully' });
      }),
    );
    const c = client();
    const payload = createPayload();
    expect(await c.createTask(payload)).toEqual({ task_id: TASK_ID, status: 'created', message: 'Task created successfully' });
    expect(body).toEqual(payload);
    expect(c.reportUrl(TASK_ID)).toBe(`${PLATFORM}/results/${TASK_ID}`);
  });

  it('422 → platform_rejected naming each field from detail[].loc', async () => {
    server.use(
      http.post(`${PLATFORM}/api/llm-tasks`, () =>
        HttpResponse.json(
          validationBody([
            ['spawn_rate', 'Input should be less than or equal to 1000'],
            ['step_sustain_duration', 'Value error, Stepped load mode requires: step_increment'],
          ]),
          { status: 422 },
        ),
      ),
    );
    const error = await failure(client().createTask(createPayload()));
    expect(error.code).toBe('PLATFORM_REJECTED');
    expect(error.category).toBe('platform_rejected');
    expect(error.exitCode).toBe(4);
    expect(error.message).toBe(
      'LMeterX rejected POST /api/llm-tasks (HTTP 422): spawn_rate (--spawn-rate): Input should be less than or equal to 1000; step_sustain_duration (--step-sustain): Stepped load mode requires: step_increment',
    );
    // The hint names the flags that set the fields.
    expect(error.hint).toBe('fix --spawn-rate, --step-sustain and run again');
    expect(error.details).toMatchObject({ fields: [{ field: 'spawn_rate' }, { field: 'step_sustain_duration' }] });
  });

  it('400 header-count error → platform_rejected with the platform reason', async () => {
    server.use(
      http.post(`${PLATFORM}/api/llm-tasks`, () =>
        HttpResponse.json(errorBody(400, 'Header count exceeds the allowed maximum', 'bad_request'), { status: 400 }),
      ),
    );
    const error = await failure(client().createTask(createPayload()));
    expect(error.category).toBe('platform_rejected');
    expect(error.message).toBe('LMeterX rejected POST /api/llm-tasks (HTTP 400): Header count exceeds the allowed maximum');
  });

  it('5xx → platform_error, and a create is never sent twice', async () => {
    let calls = 0;
    server.use(
      http.post(`${PLATFORM}/api/llm-tasks`, () => {
        calls += 1;
        return HttpResponse.json(errorBody(503, 'Failed to create task in database', 'internal_server_error'), { status: 503 });
      }),
    );
    const error = await failure(client().createTask(createPayload()));
    expect(error.code).toBe('PLATFORM_SERVER_ERROR');
    expect(error.category).toBe('platform_error');
    expect(error.hint).toBe('LMeterX platform service error; try again later');
    expect(error.message).toContain('Failed to create task in database');
    expect(calls).toBe(1);
  });

  it('a 200 of the wrong shape (a web page) → platform_error PLATFORM_BAD_RESPONSE', async () => {
    server.use(http.post(`${PLATFORM}/api/llm-tasks`, () => HttpResponse.html('<html>login</html>')));
    const error = await failure(client().createTask(createPayload()));
    expect(error.code).toBe('PLATFORM_BAD_RESPONSE');
    expect(error.category).toBe('platform_error');
    expect(error.message).toBe('LMeterX answered POST /api/llm-tasks with a web page');
  });
});

describe('follow-up paths', () => {
  it('status of an unknown task (404 ErrorResponse) → PLATFORM_TASK_NOT_FOUND', async () => {
    server.use(http.get(`${PLATFORM}/api/llm-tasks/:id/status`, () => HttpResponse.json(errorBody(404, 'Task not found', 'not_found'), { status: 404 })));
    const error = await failure(client().readStatus('nope'));
    expect(error.code).toBe('PLATFORM_TASK_NOT_FOUND');
    expect(error.category).toBe('platform_rejected');
    expect(error.message).toBe('LMeterX has no task nope');
  });

  it('reads status, results and stop answers', async () => {
    server.use(
      http.get(`${PLATFORM}/api/llm-tasks/${TASK_ID}/status`, () =>
        HttpResponse.json({ id: TASK_ID, name: 'n', status: 'running', error_message: null, updated_at: 'now' }),
      ),
      http.get(`${PLATFORM}/api/llm-tasks/${TASK_ID}/results`, () =>
        HttpResponse.json({ results: [], status: 'not_found', error: 'No test results found for this task' }),
      ),
      http.post(`${PLATFORM}/api/llm-tasks/stop/${TASK_ID}`, () =>
        HttpResponse.json({ task_id: TASK_ID, status: 'stopping', message: 'Task is being stopped.' }),
      ),
    );
    const c = client();
    expect((await c.readStatus(TASK_ID)).status).toBe('running');
    expect(await c.readResults(TASK_ID)).toEqual({ results: [], status: 'not_found', error: 'No test results found for this task' });
    expect((await c.stopTask(TASK_ID)).status).toBe('stopping');
  });
});
