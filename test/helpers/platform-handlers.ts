import { http, HttpResponse, type HttpHandler } from 'msw';
import { expect } from 'vitest';
import { defaultLoadOptions } from '../../src/input/options.js';
import type { RunPlan, TargetSpec, LoadOptions } from '../../src/model/plan.js';

/**
 * An LMeterX platform for msw, answering with the real shapes of docs/platform.md, and a
 * RunPlan builder for platform-mode tests. Nothing here reaches a network: msw answers before any
 * socket, and unhandled requests fail the test.
 */

export const PLATFORM = 'http://platform.test';
/** Long enough to be masked, distinctive enough to grep for in every captured output. */
export const PLATFORM_TOKEN = 'lmx-service-token-7f3a9c21e5';
export const TARGET_KEY = 'sk-target-secret-4b8d0e6f2a91';
export const TASK_ID = '6f1e2d3c-4b5a-4978-8a1b-2c3d4e5f6a7b';

/** The platform token and the target's key appear in none of the captured outputs. */
export function expectNoSecrets(...outputs: string[]): void {
  for (const text of outputs) {
    expect(text).not.toContain(PLATFORM_TOKEN);
    expect(text).not.toContain(TARGET_KEY);
  }
}

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Every request the fake platform saw, in order. */
export function createRecorder(): { requests: CapturedRequest[]; record(request: Request): Promise<void>; paths(): string[] } {
  const requests: CapturedRequest[] = [];
  return {
    requests,
    async record(request) {
      const text = request.method === 'GET' ? '' : await request.clone().text();
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname,
        headers: Object.fromEntries(request.headers.entries()),
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      });
    },
    paths: () => requests.map((r) => `${r.method} ${r.path}`),
  };
}

const BACKEND = { 'X-LMeterX-Backend': '1' };

/** The backend's top-level ErrorResponse. */
export function errorBody(status: number, message: string, code = 'error'): Record<string, unknown> {
  return { success: false, status: 'error', error: message, message, code, status_code: status, timestamp: '2026-11-22T20:00:00Z' };
}

/** FastAPI's 422 for one or more fields. */
export function validationBody(fields: Array<[string, string]>): Record<string, unknown> {
  return {
    detail: fields.map(([field, msg]) => ({ type: 'value_error', loc: ['body', field], msg, input: 0, url: 'https://errors.pydantic.dev' })),
  };
}

// ---- /api/llm-tasks/test answers (all HTTP 200 from the platform) ----

export const OPENAI_STREAM_LINES = [
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"}}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}',
  'data: [DONE]',
];

export const ANTHROPIC_STREAM_LINES = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"m1","usage":{"input_tokens":5,"output_tokens":1}}}',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}',
  'event: message_stop',
  'data: {"type":"message_stop"}',
];

export function testStreamSuccess(lines: string[] = OPENAI_STREAM_LINES, warning?: string): Record<string, unknown> {
  return {
    status: 'success',
    response: {
      status_code: 200,
      headers: { 'content-type': 'text/event-stream' },
      data: lines,
      is_stream: true,
      test_note: 'Streaming response received',
      ...(warning === undefined ? {} : { warning }),
    },
    error: null,
  };
}

export function testJsonSuccess(data: unknown): Record<string, unknown> {
  return { status: 'success', response: { status_code: 200, headers: { 'content-type': 'application/json' }, data, is_stream: false }, error: null };
}

/** The target answered non-200: the status is in response.status_code and in a leading "HTTP N." */
export function testTargetStatus(status: number, data: unknown, headers: Record<string, string> = {}): Record<string, unknown> {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    status: 'error',
    response: { status_code: status, headers: { 'content-type': 'application/json', ...headers }, data, is_stream: false },
    error: `HTTP ${status}. ${text}`,
  };
}

/** The platform's exception answers: `response: null`, the cause only in `error`. */
export function testException(error: string): Record<string, unknown> {
  return { status: 'error', response: null, error };
}

export function resultRows(overrides: { total?: number; failed?: number; ttftP95?: number } = {}): Array<Record<string, unknown>> {
  const total = overrides.total ?? 1000;
  const failed = overrides.failed ?? 0;
  const row = (metric: string, values: Record<string, number>): Record<string, unknown> => ({
    id: metric.length,
    task_id: TASK_ID,
    metric_type: metric,
    request_count: 0,
    failure_count: 0,
    avg_response_time: 0,
    min_response_time: 0,
    max_response_time: 0,
    median_response_time: 0,
    percentile_95_response_time: 0,
    rps: 0,
    avg_content_length: 0,
    total_tps: 0,
    completion_tps: 0,
    avg_total_tokens_per_req: 0,
    avg_completion_tokens_per_req: 0,
    created_at: '2026-11-22T20:10:00',
    ...values,
  });
  const rows = [
    row('/chat/completions', { request_count: total, failure_count: failed, avg_response_time: 80, rps: 3.3 }),
    row('Time_to_first_output_token', {
      request_count: total - failed,
      avg_response_time: 250,
      min_response_time: 90,
      max_response_time: 900,
      median_response_time: 230,
      percentile_95_response_time: overrides.ttftP95 ?? 480,
    }),
    row('Total_time', {
      request_count: total - failed,
      avg_response_time: 2100,
      min_response_time: 800,
      max_response_time: 5200,
      median_response_time: 2000,
      percentile_95_response_time: 3900,
      rps: 3.25,
    }),
    row('Completion_tokens', { request_count: total - failed, avg_response_time: 120 }),
    row('token_metrics', { completion_tps: 412.5, total_tps: 530.25, avg_total_tokens_per_req: 160, avg_completion_tokens_per_req: 120, rps: 3.25 }),
  ];
  if (failed > 0) rows.push(row('failure', { request_count: failed, failure_count: failed, avg_response_time: 30 }));
  return rows;
}

export interface PlatformScript {
  /** Statuses the status endpoint answers in turn; the last one repeats. */
  statuses?: string[];
  errorMessage?: string | null;
  /** How many /results reads say `not_found` before the rows appear. */
  resultsNotFoundTimes?: number;
  rows?: Array<Record<string, unknown>>;
  testAnswer?: Record<string, unknown>;
}

/** A healthy platform that accepts the task and runs it; every request is recorded. */
export function platformHandlers(recorder: ReturnType<typeof createRecorder>, script: PlatformScript = {}): HttpHandler[] {
  const statuses = script.statuses ?? ['running', 'completed'];
  let statusReads = 0;
  let resultReads = 0;
  return [
    http.get(`${PLATFORM}/health`, async ({ request }) => {
      await recorder.record(request);
      return HttpResponse.json({ status: 'healthy', service: 'backend' }, { headers: BACKEND });
    }),
    http.get(`${PLATFORM}/api/auth/profile`, async ({ request }) => {
      await recorder.record(request);
      return HttpResponse.json({ username: 'alice', display_name: 'Alice', email: null, is_admin: false }, { headers: BACKEND });
    }),
    http.post(`${PLATFORM}/api/llm-tasks/test`, async ({ request }) => {
      await recorder.record(request);
      return HttpResponse.json(script.testAnswer ?? testStreamSuccess(), { headers: BACKEND });
    }),
    http.post(`${PLATFORM}/api/llm-tasks`, async ({ request }) => {
      await recorder.record(request);
      return HttpResponse.json({ task_id: TASK_ID, status: 'created', message: 'Task created successfully' }, { headers: BACKEND });
    }),
    http.get(`${PLATFORM}/api/llm-tasks/:id/status`, async ({ request, params }) => {
      await recorder.record(request);
      const status = statuses[Math.min(statusReads, statuses.length - 1)] ?? 'running';
      statusReads += 1;
      const terminal = ['failed', 'stopped', 'failed_requests'].includes(status);
      return HttpResponse.json({
        id: params['id'],
        name: 'platform test',
        status,
        error_message: terminal ? (script.errorMessage ?? null) : null,
        updated_at: '2026-11-22T20:10:00',
      });
    }),
    http.get(`${PLATFORM}/api/llm-tasks/:id/results`, async ({ request }) => {
      await recorder.record(request);
      resultReads += 1;
      if (resultReads <= (script.resultsNotFoundTimes ?? 0)) {
        return HttpResponse.json({ results: [], status: 'not_found', error: 'No test results found for this task' });
      }
      return HttpResponse.json({ results: script.rows ?? resultRows(), status: 'success', error: null });
    }),
  ];
}

// ---- RunPlan builder ----

export function buildTarget(overrides: Partial<TargetSpec> = {}): TargetSpec {
  return {
    apiType: 'openai-chat',
    url: 'https://api.example.test/v1/chat/completions',
    targetHost: 'https://api.example.test/v1',
    apiPath: '/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TARGET_KEY}` },
    cookies: {},
    model: 'gpt-4o-mini',
    stream: true,
    body: {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    insecure: false,
    timeoutMs: 600_000,
    idleTimeoutMs: 60_000,
    connectTimeoutMs: 10_000,
    notes: [],
    warnings: [],
    ...overrides,
  };
}

export const ANTHROPIC_TARGET: Partial<TargetSpec> = {
  apiType: 'anthropic-messages',
  url: 'https://api.anthropic.test/v1/messages',
  targetHost: 'https://api.anthropic.test/v1',
  apiPath: '/messages',
  headers: { 'content-type': 'application/json', 'x-api-key': TARGET_KEY, 'anthropic-version': '2023-06-01' },
  model: 'claude-sonnet-4-5',
  body: { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], stream: true },
};

export function buildPlan(
  overrides: { target?: Partial<TargetSpec>; load?: Partial<LoadOptions>; plan?: Partial<RunPlan> } = {},
): RunPlan {
  return {
    mode: 'platform',
    modeReason: 'LMETERX_BASE_URL is set: running on the platform',
    platformBaseUrl: PLATFORM,
    target: buildTarget(overrides.target),
    load: { ...defaultLoadOptions('platform', 'api.example.test/v1/chat/completions'), ...overrides.load },
    output: { json: false, quiet: false, progress: true, color: false, outDir: null },
    skipPrecheck: false,
    precheckTimeoutMs: 120_000,
    warmupIsDefault: overrides.load?.warmupS === undefined,
    wait: false,
    ...overrides.plan,
  };
}
