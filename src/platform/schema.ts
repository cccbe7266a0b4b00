import { z } from 'zod';
import { steppedTotalS } from '../model/stepped.js';
import { PLATFORM_LIMITS } from '../model/platform-limits.js';
import { adapters, findAdapterByPlatformName } from '../protocol/registry.js';

/**
 * The LMeterX wire contract (docs/platform.md). What we send is strict and carries the
 * platform's limits, so a bad payload fails here, before any request; what we read is loose, because
 * the platform adds fields between versions.
 */

const L = PLATFORM_LIMITS;

export const keyValueSchema = z.strictObject({
  key: z.string().min(1).max(L.headerKeyChars),
  value: z.string().max(L.headerValueChars),
});
export type KeyValue = z.infer<typeof keyValueSchema>;

/** The platform's names for our API types: its engine picks the stream parser from `api_type`. */
export const platformApiTypeSchema = z.enum(adapters.flatMap((adapter) => (adapter.platform === null ? [] : [adapter.platform.name])));
export type PlatformApiType = z.infer<typeof platformApiTypeSchema>;

const targetHostSchema = z
  .string()
  .min(1)
  .max(L.hostChars)
  .regex(/^https?:\/\//, 'must start with http:// or https://')
  .refine((host) => !host.endsWith('/'), 'must not end with "/" (the engine would post to "//")');

const apiPathSchema = z.string().min(1).max(L.pathChars).startsWith('/');

/** request_payload: a JSON string (not an object) of at most 50,000 characters. */
const requestPayloadSchema = z
  .string()
  .max(L.payloadChars)
  .refine((text) => parseObject(text) !== null, 'must be a JSON object');

/** POST /api/llm-tasks/test (TaskTestReq). */
export const testTaskRequestSchema = z
  .strictObject({
    target_host: targetHostSchema,
    api_path: apiPathSchema,
    model: z.string().min(1).max(L.modelChars),
    stream_mode: z.boolean(),
    headers: z.array(keyValueSchema).max(L.headers),
    cookies: z.array(keyValueSchema).max(L.cookies),
    request_payload: requestPayloadSchema,
    api_type: platformApiTypeSchema,
  })
  .superRefine((req, ctx) => checkPayloadAgreement(req, ctx));
export type TestTaskRequest = z.infer<typeof testTaskRequestSchema>;

/** POST /api/llm-tasks (TaskCreateReq), with the cross-field rules of its validators. */
export const createTaskRequestSchema = z
  .strictObject({
    temp_task_id: z.string().regex(/^llm_[0-9a-f]{8}$/),
    name: z.string().trim().min(1).max(L.nameChars),
    target_host: targetHostSchema,
    api_path: apiPathSchema,
    model: z.string().min(1).max(L.modelChars),
    duration: z.int().min(1).max(L.durationS),
    concurrent_users: z.int().min(1).max(L.concurrentUsers),
    spawn_rate: z.int().min(1).max(L.spawnRate),
    chat_type: z.int().min(0).max(2),
    warmup_enabled: z.boolean(),
    warmup_duration: z.int().min(L.warmupMinS).max(L.warmupMaxS).optional(),
    stream_mode: z.boolean(),
    headers: z.array(keyValueSchema).max(L.headers),
    cookies: z.array(keyValueSchema).max(L.cookies),
    request_payload: requestPayloadSchema,
    api_type: platformApiTypeSchema,
    test_data: z.string().max(L.testDataChars),
    load_mode: z.enum(['fixed', 'stepped']),
    step_start_users: z.int().min(1).max(L.stepStartUsers).optional(),
    step_increment: z.int().min(1).max(L.stepIncrement).optional(),
    step_duration: z.int().min(1).max(L.stepDurationS).optional(),
    step_max_users: z.int().min(1).max(L.stepMaxUsers).optional(),
    step_sustain_duration: z.int().min(1).max(L.stepSustainS).optional(),
  })
  .superRefine((req, ctx) => {
    checkPayloadAgreement(req, ctx);
    if (req.test_data !== '' && req.test_data !== 'default' && !/^[[{]/.test(req.test_data)) {
      ctx.addIssue({ code: 'custom', path: ['test_data'], message: 'inline test data must start with { or [' });
    }
    if (req.load_mode === 'fixed') return;
    const { step_start_users: start, step_increment: inc, step_duration: stepS, step_max_users: max } = req;
    const sustain = req.step_sustain_duration;
    if (start === undefined || inc === undefined || stepS === undefined || max === undefined || sustain === undefined) {
      ctx.addIssue({ code: 'custom', path: ['load_mode'], message: 'stepped load needs all five step fields' });
      return;
    }
    if (start > max) ctx.addIssue({ code: 'custom', path: ['step_start_users'], message: 'must be ≤ step_max_users' });
    const totalS = steppedTotalS({ startUsers: start, increment: inc, durationS: stepS, maxUsers: max, sustainS: sustain });
    if (totalS > L.durationS) {
      ctx.addIssue({ code: 'custom', path: ['step_sustain_duration'], message: `stepped total ${totalS} s exceeds ${L.durationS} s` });
    }
    if (req.concurrent_users !== max || req.spawn_rate !== inc || req.duration !== totalS) {
      ctx.addIssue({
        code: 'custom',
        path: ['load_mode'],
        message: 'stepped load sends concurrent_users = step_max_users, spawn_rate = step_increment, duration = total',
      });
    }
  });
export type CreateTaskRequest = z.infer<typeof createTaskRequestSchema>;

/**
 * The platform's stepped length: ceil((max − start) / increment) steps (at least 1), then the sustain.
 * The input layer uses it too, so a stepped run lasts the same in both modes.
 */

/** The pitfalls of docs/platform.md "What we send" that break every request of a task, checked on the string. */
function checkPayloadAgreement(
  req: { request_payload: string; stream_mode: boolean; api_type: PlatformApiType },
  ctx: z.RefinementCtx,
): void {
  const body = parseObject(req.request_payload);
  if (body === null) return;
  if (body['stream'] !== req.stream_mode) {
    ctx.addIssue({ code: 'custom', path: ['request_payload'], message: `"stream" must equal stream_mode (${req.stream_mode})` });
  }
  const problem = findAdapterByPlatformName(req.api_type)?.platform?.checkBody(body, req.stream_mode) ?? null;
  if (problem !== null) ctx.addIssue({ code: 'custom', path: ['request_payload'], message: problem });
}

function parseObject(text: string): Record<string, unknown> | null {
  const value = tryParseJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** JSON.parse that answers undefined instead of throwing: the platform's bodies are not always JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One line per issue: `field: message`, for errors that name what was wrong. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`).join('; ');
}

// ---- What we read (loose) ----

/** GET /api/auth/profile. */
export const profileSchema = z.looseObject({
  username: z.string().nullish(),
  is_admin: z.boolean().nullish(),
});
export type Profile = z.infer<typeof profileSchema>;

/** The target's answer as the platform relays it inside a /test response. */
export const testTargetResponseSchema = z.looseObject({
  status_code: z.number().int().nullish(),
  headers: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown(),
  is_stream: z.boolean().nullish(),
  warning: z.string().nullish(),
});

/** POST /api/llm-tasks/test: HTTP 200 even when the target failed; the verdict is inside. */
export const testTaskResponseSchema = z.looseObject({
  status: z.string(),
  response: testTargetResponseSchema.nullish(),
  error: z.string().nullish(),
});
export type TestTaskResponse = z.infer<typeof testTaskResponseSchema>;

/** POST /api/llm-tasks. */
export const createTaskResponseSchema = z.looseObject({
  task_id: z.string().min(1),
  status: z.string().nullish(),
  message: z.string().nullish(),
});
export type CreateTaskResponse = z.infer<typeof createTaskResponseSchema>;

/** The lifecycle of docs/platform.md: created → locked → running → one of the four ends (or stopping → stopped). */
export const TERMINAL_STATUSES = ['completed', 'failed_requests', 'failed', 'stopped'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminalStatus(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** GET /api/llm-tasks/{id}/status. */
export const taskStatusSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  status: z.string().min(1),
  error_message: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** One stored result row (TaskResultItem): one per Locust entry, plus `token_metrics`. */
export const resultRowSchema = z.looseObject({
  metric_type: z.string(),
  request_count: z.number().nullish(),
  failure_count: z.number().nullish(),
  avg_response_time: z.number().nullish(),
  min_response_time: z.number().nullish(),
  max_response_time: z.number().nullish(),
  median_response_time: z.number().nullish(),
  percentile_95_response_time: z.number().nullish(),
  rps: z.number().nullish(),
  total_tps: z.number().nullish(),
  completion_tps: z.number().nullish(),
  avg_total_tokens_per_req: z.number().nullish(),
  avg_completion_tokens_per_req: z.number().nullish(),
});
export type ResultRow = z.infer<typeof resultRowSchema>;

/** GET /api/llm-tasks/{id}/results: always 200; `not_found` right after completion is a race. */
export const taskResultsSchema = z.looseObject({
  results: z.array(resultRowSchema).nullish(),
  status: z.string(),
  error: z.string().nullish(),
});
export type TaskResults = z.infer<typeof taskResultsSchema>;

/** POST /api/llm-tasks/stop/{id}: `stopping` only if it was running; errors come back as 200 too. */
export const stopTaskResponseSchema = z.looseObject({
  task_id: z.string().nullish(),
  status: z.string(),
  message: z.string().nullish(),
});
export type StopTaskResponse = z.infer<typeof stopTaskResponseSchema>;

/** The backend's top-level ErrorResponse (not wrapped in `detail`). */
export const errorResponseSchema = z.looseObject({
  error: z.string().nullish(),
  message: z.string().nullish(),
  code: z.string().nullish(),
});

/** FastAPI's 422 (and Starlette's plain `{"detail": "Not Found"}`). */
export const validationErrorSchema = z.looseObject({
  detail: z.union([
    z.array(z.looseObject({ loc: z.array(z.union([z.string(), z.number()])).nullish(), msg: z.string().nullish() })),
    z.string(),
  ]),
});
