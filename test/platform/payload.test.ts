import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/failures/errors.js';
import { buildCreatePayload, buildTestPayload, checkPlatformLimits, createTempTaskId } from '../../src/platform/payload.js';
import { readTestDataFile } from '../../src/run/platform.js';
import { PLATFORM_LIMITS } from '../../src/model/platform-limits.js';
import { createTaskRequestSchema, testTaskRequestSchema } from '../../src/platform/schema.js';
import { ANTHROPIC_TARGET, TARGET_KEY, buildPlan } from '../helpers/platform-handlers.js';

const ID = 'llm_0a1b2c3d';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a throw');
}

describe('create payload (docs/platform.md "What we send")', () => {
  it('OpenAI streaming: split host/path, include_usage, no Content-Type, claude names mapped, warmup 120', () => {
    const payload = buildCreatePayload(buildPlan(), { testData: '', tempTaskId: ID });
    expect(payload).toEqual({
      temp_task_id: ID,
      name: 'api.example.test/v1/chat/completions',
      target_host: 'https://api.example.test/v1',
      api_path: '/chat/completions',
      model: 'gpt-4o-mini',
      duration: 300,
      concurrent_users: 50,
      spawn_rate: 30,
      chat_type: 0,
      warmup_enabled: true,
      warmup_duration: 120,
      stream_mode: true,
      headers: [{ key: 'authorization', value: `Bearer ${TARGET_KEY}` }],
      cookies: [],
      request_payload: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
      api_type: 'openai-chat',
      test_data: '',
      load_mode: 'fixed',
    });
    expect(createTaskRequestSchema.safeParse(payload).success).toBe(true);
  });

  it('curl-shaped target: cookies as key/value, trailing slash dropped, query kept on the path, stream made to agree', () => {
    const plan = buildPlan({
      target: {
        url: 'https://gw.example.test/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01',
        targetHost: 'https://gw.example.test/openai/deployments/gpt4o/',
        apiPath: '/chat/completions',
        headers: { 'Content-Type': 'application/json', 'api-key': TARGET_KEY, 'x-team': 'perf' },
        cookies: { session: 'abc123def456' },
        model: '',
        // As curl gave it: no stream flag in the body, no include_usage.
        body: { messages: [{ role: 'user', content: 'Hello' }], temperature: 0 },
      },
    });
    const payload = buildCreatePayload(plan, { testData: '', tempTaskId: ID });
    expect(payload.target_host).toBe('https://gw.example.test/openai/deployments/gpt4o');
    expect(payload.api_path).toBe('/chat/completions?api-version=2024-06-01');
    // Azure: the deployment name stands in for the model, never an empty one.
    expect(payload.model).toBe('gpt4o');
    expect(payload.headers).toEqual([
      { key: 'api-key', value: TARGET_KEY },
      { key: 'x-team', value: 'perf' },
    ]);
    expect(payload.cookies).toEqual([{ key: 'session', value: 'abc123def456' }]);
    expect(JSON.parse(payload.request_payload)).toEqual({
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('Anthropic: api_type claude-chat, /messages, never stream_options', () => {
    const payload = buildCreatePayload(buildPlan({ target: ANTHROPIC_TARGET }), { testData: '', tempTaskId: ID });
    expect(payload).toMatchObject({
      target_host: 'https://api.anthropic.test/v1',
      api_path: '/messages',
      model: 'claude-sonnet-4-5',
      api_type: 'claude-chat',
      stream_mode: true,
      headers: [
        { key: 'x-api-key', value: TARGET_KEY },
        { key: 'anthropic-version', value: '2023-06-01' },
      ],
    });
    expect(JSON.parse(payload.request_payload)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
  });

  it('non-stream: stream false in both places, no include_usage', () => {
    const plan = buildPlan({ target: { stream: false, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: false } } });
    const payload = buildCreatePayload(plan, { testData: '', tempTaskId: ID });
    expect(payload.stream_mode).toBe(false);
    expect(JSON.parse(payload.request_payload)).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: false });
  });

  it('stepped: all five fields, and users/spawn/duration as the platform form sends them', () => {
    const plan = buildPlan({
      load: { loadMode: 'stepped', step: { startUsers: 10, increment: 15, durationS: 60, maxUsers: 100, sustainS: 300 } },
    });
    const payload = buildCreatePayload(plan, { testData: '', tempTaskId: ID });
    // ceil((100 - 10) / 15) = 6 steps of 60 s, then 300 s.
    expect(payload).toMatchObject({
      load_mode: 'stepped',
      step_start_users: 10,
      step_increment: 15,
      step_duration: 60,
      step_max_users: 100,
      step_sustain_duration: 300,
      concurrent_users: 100,
      spawn_rate: 15,
      duration: 660,
    });
  });

  it('warmup 0 turns warmup off', () => {
    const payload = buildCreatePayload(buildPlan({ load: { warmupS: 0 } }), { testData: '', tempTaskId: ID });
    expect(payload.warmup_enabled).toBe(false);
    expect(payload).not.toHaveProperty('warmup_duration');
  });

  it('the /test payload carries the same target and body', () => {
    const plan = buildPlan();
    const create = buildCreatePayload(plan, { testData: '', tempTaskId: ID });
    const test = buildTestPayload(plan.target);
    expect(test).toEqual({
      target_host: create.target_host,
      api_path: create.api_path,
      model: create.model,
      stream_mode: create.stream_mode,
      headers: create.headers,
      cookies: create.cookies,
      request_payload: create.request_payload,
      api_type: create.api_type,
    });
    expect(testTaskRequestSchema.safeParse(test).success).toBe(true);
  });

  it('temp_task_id is llm_ + 8 hex', () => {
    expect(createTempTaskId()).toMatch(/^llm_[0-9a-f]{8}$/);
  });
});

describe('platform limits, before any request: errors name flag, value and range (exit 2)', () => {
  const headers21 = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v']));
  const cases: Array<{ name: string; plan: Parameters<typeof buildPlan>[0]; message: string }> = [
    { name: 'users', plan: { load: { concurrentUsers: 5001 } }, message: "--concurrent-users 5001 is out of the platform's range: 1..5000" },
    { name: 'zero users', plan: { load: { concurrentUsers: 0 } }, message: "--concurrent-users 0 is out of the platform's range: 1..5000" },
    { name: 'spawn rate', plan: { load: { spawnRate: 1001 } }, message: "--spawn-rate 1001 is out of the platform's range: 1..1000" },
    { name: 'duration', plan: { load: { durationS: 172_801 } }, message: "--duration 172801 is out of the platform's range: 1..172800 seconds" },
    { name: 'warmup', plan: { load: { warmupS: 5 } }, message: "--warmup 5 is out of the platform's range: 0 (off) or 10..1800 seconds" },
    { name: 'name', plan: { load: { name: 'n'.repeat(101) } }, message: `--name "${'n'.repeat(20)}…" (101 characters) is out of the platform's range: 1..100 characters` },
    { name: 'headers', plan: { target: { headers: headers21 } }, message: "-H/--header 21 headers is out of the platform's range: at most 20" },
    {
      name: 'payload size',
      plan: { target: { body: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(50_000) }], stream: true, stream_options: { include_usage: true } } } },
      message: "--body 50109 characters of JSON is out of the platform's range: at most 50000",
    },
    {
      name: 'step increment',
      plan: { load: { loadMode: 'stepped', step: { startUsers: 1, increment: 2000, durationS: 10, maxUsers: 10, sustainS: 10 } } },
      message: "--step-increment 2000 is out of the platform's range: 1..1000",
    },
    {
      name: 'stepped total',
      plan: { load: { loadMode: 'stepped', step: { startUsers: 1, increment: 1, durationS: 86_400, maxUsers: 3, sustainS: 10 } } },
      message: 'the stepped load lasts 172810 s (steps × --step-duration + --step-sustain); the platform allows at most 172800 s',
    },
    {
      name: 'start above max',
      plan: { load: { loadMode: 'stepped', step: { startUsers: 50, increment: 5, durationS: 10, maxUsers: 10, sustainS: 10 } } },
      message: '--step-start-users 50 is above --step-max-users 10',
    },
    { name: 'no model', plan: { target: { model: '', body: { messages: [] } } }, message: 'no model: neither --model nor the body names one, and the platform needs it' },
  ];

  it.each(cases)('$name', ({ plan, message }) => {
    const error = thrown(() => checkPlatformLimits(buildPlan(plan)));
    expect(error.message).toBe(message);
    expect(error.category).toBe('input');
    expect(error.exitCode).toBe(2);
  });

  it('a header value over 1000 characters is named by its key, never shown', () => {
    const error = thrown(() => checkPlatformLimits(buildPlan({ target: { headers: { authorization: `Bearer ${'k'.repeat(1200)}` } } })));
    expect(error.message).toBe(`-H/--header "authorization" with a value of 1207 characters is out of the platform's range: values of at most 1000 characters`);
  });

  it('the strict schema is the last line of defence: a stream mismatch is refused', () => {
    const payload = { ...buildCreatePayload(buildPlan(), { testData: '', tempTaskId: ID }) };
    payload.request_payload = JSON.stringify({ model: 'm', messages: [], stream: false });
    const parsed = createTaskRequestSchema.safeParse(payload);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([
      '"stream" must equal stream_mode (true)',
      'OpenAI streaming needs stream_options.include_usage',
    ]);
  });

  it('the schema refuses stream_options for Anthropic and an unknown field', () => {
    const payload = buildCreatePayload(buildPlan({ target: ANTHROPIC_TARGET }), { testData: '', tempTaskId: ID });
    const withOptions = { ...payload, request_payload: JSON.stringify({ model: 'c', stream: true, stream_options: { include_usage: true } }) };
    expect(createTaskRequestSchema.safeParse(withOptions).error?.issues[0]?.message).toBe('stream_options is OpenAI-only');
    expect(createTaskRequestSchema.safeParse({ ...payload, extra: 1 }).success).toBe(false);
  });

  it('the platform limits are the ones docs/platform.md lists under "What we send"', () => {
    expect(PLATFORM_LIMITS).toMatchObject({
      nameChars: 100,
      concurrentUsers: 5000,
      spawnRate: 1000,
      durationS: 172_800,
      warmupMinS: 10,
      warmupMaxS: 1800,
      headers: 20,
      cookies: 20,
      payloadChars: 50_000,
      testDataChars: 1_000_000,
    });
  });
});

describe('--test-data', () => {
  it('passes "" and "default" through', async () => {
    expect(await readTestDataFile('', '/')).toBe('');
    expect(await readTestDataFile('default', '/')).toBe('default');
  });

  it('sends a JSONL file inline, and the create payload carries it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llt-platform-'));
    const jsonl = '{"prompt":"What is 2+2?"}\n{"messages":[{"role":"user","content":"Hi"}]}\n';
    await writeFile(join(dir, 'prompts.jsonl'), jsonl);
    const text = await readTestDataFile('prompts.jsonl', dir);
    expect(text).toBe(jsonl.trim());
    const payload = buildCreatePayload(buildPlan({ load: { testData: 'prompts.jsonl' } }), { testData: text, tempTaskId: ID });
    expect(payload.test_data).toBe(jsonl.trim());
  });

  it('refuses a missing file, a bad line and an oversized file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'llt-platform-'));
    await writeFile(join(dir, 'bad.jsonl'), '{"prompt":"a"}\nnot json\n');
    await writeFile(join(dir, 'big.jsonl'), `{"prompt":"${'x'.repeat(1_000_000)}"}`);
    const missing = await readTestDataFile('nope.jsonl', dir).catch((e: unknown) => e as AppError);
    expect((missing as AppError).message).toBe(`--test-data: file ${join(dir, 'nope.jsonl')} does not exist`);
    const bad = await readTestDataFile('bad.jsonl', dir).catch((e: unknown) => e as AppError);
    expect((bad as AppError).message).toBe('--test-data bad.jsonl line 2 is not a JSON object');
    expect((bad as AppError).exitCode).toBe(2);
    const big = await readTestDataFile('big.jsonl', dir).catch((e: unknown) => e as AppError);
    expect((big as AppError).message).toBe(
      "--test-data big.jsonl (1000013 characters) is out of the platform's range: at most 1000000 characters (the platform's inline limit)",
    );
  });
});

describe('APIs the platform does not run', () => {
  it.each(['openai-responses', 'openai-embeddings', 'openai-completions', 'ollama-chat', 'ollama-generate'])(
    '%s is refused before any request, with a hint to run locally',
    (apiType) => {
      const plan = buildPlan({ target: { apiType } });
      for (const build of [() => checkPlatformLimits(plan), () => buildTestPayload(plan.target), () => buildCreatePayload(plan, { testData: '', tempTaskId: ID })]) {
        const error = thrown(build);
        expect([error.code, error.exitCode]).toEqual(['PLATFORM_API_UNSUPPORTED', 2]);
        expect(error.message).toMatch(new RegExp(`^the platform does not run .+ \\(${apiType}\\): it runs only openai-chat and anthropic-messages$`));
        expect(error.hint).toBe('run this test locally: add --local (it wins over LMETERX_BASE_URL) and leave out --platform');
      }
    },
  );
});
