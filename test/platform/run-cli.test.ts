import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { PLATFORM_LIMITS } from '../../src/model/platform-limits.js';
import { createTaskRequestSchema, testTaskRequestSchema, type CreateTaskRequest } from '../../src/platform/schema.js';
import { createFakeIo } from '../helpers/fake-io.js';
import {
  ANTHROPIC_STREAM_LINES,
  PLATFORM,
  PLATFORM_TOKEN,
  TARGET_KEY,
  TASK_ID,
  createRecorder,
  expectNoSecrets,
  platformHandlers,
  testJsonSuccess,
  testStreamSuccess,
  type PlatformScript,
} from '../helpers/platform-handlers.js';

/**
 * `llm-loadtest run` end to end in platform mode (input → plan → platform), with msw as the platform:
 * the exact create payload of each input shape, checked against the platform's field limits.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ENV = { LMETERX_BASE_URL: PLATFORM, LMETERX_AUTH_TOKEN: PLATFORM_TOKEN };
const OPENAI_URL = 'https://api.example.test/v1/chat/completions';
const ANY_ID = expect.stringMatching(/^llm_[0-9a-f]{8}$/) as unknown as string;

async function run(argv: string[], options: { env?: Record<string, string>; script?: PlatformScript; cwd?: string } = {}) {
  const recorder = createRecorder();
  server.use(...platformHandlers(recorder, options.script));
  const io = createFakeIo({ env: options.env ?? ENV, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  const code = await runCli(argv, io);
  expectNoSecrets(io.out(), io.err());
  const create = recorder.requests.find((r) => r.method === 'POST' && r.path === '/api/llm-tasks')?.body as CreateTaskRequest | undefined;
  const test = recorder.requests.find((r) => r.path === '/api/llm-tasks/test')?.body;
  return { code, out: io.out(), err: io.err(), create, test, recorder };
}

/** Every payload we send passes the platform's own limits. */
function expectWithinLimits(create: CreateTaskRequest | undefined, test: unknown): CreateTaskRequest {
  expect(create).toBeDefined();
  const payload = create as CreateTaskRequest;
  expect(createTaskRequestSchema.safeParse(payload).success).toBe(true);
  if (test !== undefined) expect(testTaskRequestSchema.safeParse(test).success).toBe(true);
  expect(payload.name.length).toBeLessThanOrEqual(PLATFORM_LIMITS.nameChars);
  expect(payload.concurrent_users).toBeLessThanOrEqual(PLATFORM_LIMITS.concurrentUsers);
  expect(payload.spawn_rate).toBeLessThanOrEqual(PLATFORM_LIMITS.spawnRate);
  expect(payload.duration).toBeLessThanOrEqual(PLATFORM_LIMITS.durationS);
  expect(payload.headers.length).toBeLessThanOrEqual(PLATFORM_LIMITS.headers);
  expect(payload.request_payload.length).toBeLessThanOrEqual(PLATFORM_LIMITS.payloadChars);
  expect(payload.model).not.toBe('');
  expect(payload.target_host.endsWith('/')).toBe(false);
  expect(payload.headers.some((h) => h.key.toLowerCase() === 'content-type')).toBe(false);
  return payload;
}

describe('run → the exact create payload', () => {
  it('URL mode', async () => {
    const { code, out, err, create, test } = await run([
      '--url', OPENAI_URL, '-H', `Authorization: Bearer ${TARGET_KEY}`, '--model', 'gpt-4o-mini',
      '--concurrent-users', '10', '--spawn-rate', '5', '--duration', '2m', '--name', 'smoke',
    ]);
    expect(code).toBe(0);
    expect(err.split('\n')[0]).toContain('LMETERX_BASE_URL is set');
    expect(out).toContain(`Task ID:    ${TASK_ID}`);
    expect(expectWithinLimits(create, test)).toEqual({
      temp_task_id: ANY_ID,
      name: 'smoke',
      target_host: 'https://api.example.test/v1',
      api_path: '/chat/completions',
      model: 'gpt-4o-mini',
      duration: 120,
      concurrent_users: 10,
      spawn_rate: 5,
      chat_type: 0,
      warmup_enabled: true,
      warmup_duration: 120,
      stream_mode: true,
      headers: [{ key: 'Authorization', value: `Bearer ${TARGET_KEY}` }],
      cookies: [],
      request_payload: expect.any(String) as unknown as string,
      api_type: 'openai-chat',
      test_data: '',
      load_mode: 'fixed',
    });
    const body = JSON.parse(create?.request_payload ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } });
  });

  it('curl mode: headers, cookies, body; Content-Type dropped; stream and include_usage added', async () => {
    const curl = `curl ${OPENAI_URL} -H 'Authorization: Bearer ${TARGET_KEY}' -H 'Content-Type: application/json' -b 'sid=abcdef123456' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}'`;
    const { code, create, test } = await run(['--curl', curl]);
    expect(code).toBe(0);
    const payload = expectWithinLimits(create, test);
    expect(payload).toMatchObject({
      name: 'api.example.test/v1/chat/completions',
      concurrent_users: 50,
      spawn_rate: 30,
      duration: 300,
      headers: [{ key: 'Authorization', value: `Bearer ${TARGET_KEY}` }],
      cookies: [{ key: 'sid', value: 'abcdef123456' }],
      request_payload: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}',
    });
  });

  it('Anthropic: claude-chat, /messages, no stream_options', async () => {
    const curl = `curl https://api.anthropic.test/v1/messages -H 'x-api-key: ${TARGET_KEY}' -H 'anthropic-version: 2023-06-01' -d '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}],"stream":true}'`;
    const { code, out, create, test } = await run(['--curl', curl], { script: { testAnswer: testStreamSuccess(ANTHROPIC_STREAM_LINES) } });
    expect(code).toBe(0);
    expect(out).toContain('API type:   Claude Chat');
    const payload = expectWithinLimits(create, test);
    expect(payload).toMatchObject({ target_host: 'https://api.anthropic.test/v1', api_path: '/messages', api_type: 'claude-chat', model: 'claude-sonnet-4-5', stream_mode: true });
    expect(payload.headers).toContainEqual({ key: 'x-api-key', value: TARGET_KEY });
    const body = JSON.parse(payload.request_payload) as Record<string, unknown>;
    expect(body['stream']).toBe(true);
    expect(body).not.toHaveProperty('stream_options');
  });

  it('non-stream', async () => {
    const answer = testJsonSuccess({ choices: [{ message: { role: 'assistant', content: 'Hello' } }] });
    const { code, create, test } = await run(['--url', OPENAI_URL, '--model', 'gpt-4o-mini', '--no-stream'], { script: { testAnswer: answer } });
    expect(code).toBe(0);
    const payload = expectWithinLimits(create, test);
    expect(payload.stream_mode).toBe(false);
    const body = JSON.parse(payload.request_payload) as Record<string, unknown>;
    expect(body['stream']).toBe(false);
    expect(body).not.toHaveProperty('stream_options');
  });

  it('stepped', async () => {
    const { code, create, test } = await run([
      '--url', OPENAI_URL, '--model', 'gpt-4o-mini', '--load-mode', 'stepped',
      '--step-start-users', '10', '--step-increment', '20', '--step-duration', '30', '--step-max-users', '100', '--step-sustain', '120',
    ]);
    expect(code).toBe(0);
    // ceil((100 - 10) / 20) = 5 steps × 30 s + 120 s.
    expect(expectWithinLimits(create, test)).toMatchObject({
      load_mode: 'stepped',
      step_start_users: 10,
      step_increment: 20,
      step_duration: 30,
      step_max_users: 100,
      step_sustain_duration: 120,
      concurrent_users: 100,
      spawn_rate: 20,
      duration: 270,
    });
  });

  it('test data file: sent inline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llt-platform-cli-'));
    const jsonl = '{"prompt":"What is 2+2?"}\n{"prompt":"Name a colour."}';
    await writeFile(join(dir, 'prompts.jsonl'), `${jsonl}\n`);
    const { code, create, test } = await run(['--url', OPENAI_URL, '--model', 'gpt-4o-mini', '--test-data', 'prompts.jsonl'], { cwd: dir });
    expect(code).toBe(0);
    expect(expectWithinLimits(create, test).test_data).toBe(jsonl);
  });

  it('--platform instead of LMETERX_BASE_URL, --wait to the end, --json', async () => {
    const { code, out } = await run(['--url', OPENAI_URL, '--model', 'gpt-4o-mini', '--platform', PLATFORM, '--wait', '--json'], {
      env: { LMETERX_AUTH_TOKEN: PLATFORM_TOKEN },
      script: { statuses: ['completed'] },
    });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      ok: true,
      mode: 'platform',
      apiType: 'openai-chat',
      taskId: TASK_ID,
      reportUrl: `${PLATFORM}/results/${TASK_ID}`,
      precheck: { ok: true, status: 200 },
      results: { status: 'completed', requests: { total: 1000, failed: 0, successRate: 1 }, thresholds: { passed: true } },
    });
  });

  it('a limit exceeded at the flag: exit 2 and nothing sent', async () => {
    const { code, err, recorder } = await run(['--url', OPENAI_URL, '--model', 'm', '--spawn-rate', '5000']);
    expect(code).toBe(2);
    expect(err).toContain('--spawn-rate');
    expect(recorder.requests).toHaveLength(0);
  });
});
