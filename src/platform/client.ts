import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import type { FailureCategory } from '../failures/categories.js';
import { categorizeTransportError } from '../failures/classify-transport.js';
import { AppError } from '../failures/errors.js';
import { maskAndCut, maskText, maskUrl } from '../text/mask.js';
import {
  createTaskResponseSchema,
  errorResponseSchema,
  profileSchema,
  stopTaskResponseSchema,
  taskResultsSchema,
  taskStatusSchema,
  testTaskResponseSchema,
  tryParseJson,
  validationErrorSchema,
  type CreateTaskRequest,
  type CreateTaskResponse,
  type Profile,
  type StopTaskResponse,
  type TaskResults,
  type TaskStatus,
  type TestTaskRequest,
  type TestTaskResponse,
} from './schema.js';

/**
 * The LMeterX client, on the global `fetch` so msw can stand in for the platform in tests. Every
 * failure becomes an AppError of a platform category (docs/platform.md step 6); reads are retried on
 * transport errors and 502/503/504, writes never (a second create would be a second task).
 */

export interface PlatformClientOptions {
  /** `LMETERX_BASE_URL` or `--platform`; a trailing `/` is dropped. */
  baseUrl: string;
  /** `LMETERX_AUTH_TOKEN`, sent raw as `X-Authorization`; undefined when unset (LDAP-off platforms need none). */
  token: string | undefined;
  /** Per request; the skill's 60 s. */
  timeoutMs?: number;
  /** Extra attempts for reads. */
  readRetries?: number;
  /** Pause before retry n is n × this. */
  retryDelayMs?: number;
  /** Other secrets (the target's keys) that must not reach a message, should the platform echo them. */
  secrets?: readonly string[];
}

export interface HealthCheck {
  /** The backend's `X-LMeterX-Backend` header came back; without it a web front answered (nginx SPA fallback). */
  backendConfirmed: boolean;
}

/** The profile read: a 403 is normal for service tokens and not a failure. */
export type ProfileCheck = { allowed: true; profile: Profile } | { allowed: false; status: 403 };

export interface PlatformClient {
  readonly baseUrl: string;
  /** A token is sent (LMETERX_AUTH_TOKEN set and not blank). */
  readonly hasToken: boolean;
  /** Every call's deadline (the pre-check's is given to testTarget). */
  readonly timeoutMs: number;
  checkHealth(): Promise<HealthCheck>;
  readProfile(): Promise<ProfileCheck>;
  /** The pre-check through the platform; it may take a whole generation, hence its own timeout. */
  testTarget(payload: TestTaskRequest, timeoutMs?: number): Promise<TestTaskResponse>;
  createTask(payload: CreateTaskRequest): Promise<CreateTaskResponse>;
  readStatus(taskId: string): Promise<TaskStatus>;
  readResults(taskId: string): Promise<TaskResults>;
  stopTask(taskId: string): Promise<StopTaskResponse>;
  /** `{BASE}/results/{task_id}` (the platform redirects it to the LLM results page). */
  reportUrl(taskId: string): string;
}

export const DEFAULT_PLATFORM_TIMEOUT_MS = 60_000;

/** A platform 403 on a task path: the token exists but may not read this (service tokens). */
export const PLATFORM_FORBIDDEN = 'PLATFORM_FORBIDDEN';

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs?: number;
  /** Reads only. */
  retry: boolean;
  /** The task a 404 is about, if any. */
  taskId?: string;
}

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const token = options.token === undefined || options.token.trim() === '' ? undefined : options.token.trim();
  const timeoutMs = options.timeoutMs ?? DEFAULT_PLATFORM_TIMEOUT_MS;
  const readRetries = options.readRetries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const secrets = [...(token === undefined ? [] : [token]), ...(options.secrets ?? [])];
  const clean = (text: string): string => maskText(text, secrets);
  const origin = originOf(baseUrl);

  async function sendOnce(spec: CallSpec): Promise<RawResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token !== undefined) headers['x-authorization'] = token;
    const limitMs = spec.timeoutMs ?? timeoutMs;
    const signal = AbortSignal.timeout(limitMs);
    let method: string = spec.method;
    // The backend answers 422 to a POST without a JSON body: send `{}` rather than nothing.
    let body: string | undefined = spec.method === 'POST' ? JSON.stringify(spec.body ?? {}) : undefined;
    let url = `${baseUrl}${spec.path}`;
    // Redirects are followed by hand, within the platform's origin only: the token and the task (which
    // carries the target's keys) must never reach another origin.
    for (let hop = 0; ; hop += 1) {
      let response: Response;
      try {
        // Looked up per call: msw replaces globalThis.fetch after this module is loaded.
        response = await globalThis.fetch(url, { method, headers, signal, redirect: 'manual', ...(body === undefined ? {} : { body }) });
      } catch (error) {
        throw unreachableError(baseUrl, spec, error, limitMs);
      }
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) {
        try {
          return { status: response.status, headers: response.headers, text: await response.text() };
        } catch (error) {
          throw unreachableError(baseUrl, spec, error, limitMs);
        }
      }
      await response.body?.cancel().catch(() => undefined);
      const next = new URL(location, url);
      if (next.origin !== origin || hop >= MAX_REDIRECTS) throw redirectError(baseUrl, spec, next, hop >= MAX_REDIRECTS && next.origin === origin);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next.toString();
    }
  }

  async function send(spec: CallSpec): Promise<RawResponse> {
    const attempts = spec.retry ? readRetries + 1 : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await sendOnce(spec);
        if (attempt < attempts && [502, 503, 504].includes(response.status)) {
          await delay(retryDelayMs * attempt);
          continue;
        }
        return response;
      } catch (error) {
        // A refused redirect is refused again on every try: only transport errors are retried.
        if (attempt >= attempts || (error instanceof AppError && error.code === 'PLATFORM_REDIRECT')) throw error;
        await delay(retryDelayMs * attempt);
      }
    }
  }

  function ensureOk(response: RawResponse, spec: CallSpec): void {
    if (response.status < 200 || response.status > 299) throw statusError(response, spec, token !== undefined, clean);
  }

  /** Send, turn any non-2xx into its AppError, and read the body with the schema. */
  async function call<T>(spec: CallSpec, schema: z.ZodType<T>): Promise<T> {
    const response = await send(spec);
    ensureOk(response, spec);
    return readBody(response, spec, schema, clean);
  }

  return {
    baseUrl,
    hasToken: token !== undefined,
    timeoutMs,
    async checkHealth() {
      const spec: CallSpec = { method: 'GET', path: '/health', retry: true };
      const response = await send(spec);
      ensureOk(response, spec);
      return { backendConfirmed: response.headers.get('x-lmeterx-backend') !== null };
    },
    async readProfile() {
      const spec: CallSpec = { method: 'GET', path: '/api/auth/profile', retry: true };
      const response = await send(spec);
      if (response.status === 403) return { allowed: false, status: 403 };
      ensureOk(response, spec);
      return { allowed: true, profile: readBody(response, spec, profileSchema, clean) };
    },
    testTarget(payload, testTimeoutMs) {
      return call(
        { method: 'POST', path: '/api/llm-tasks/test', body: payload, retry: false, ...(testTimeoutMs === undefined ? {} : { timeoutMs: testTimeoutMs }) },
        testTaskResponseSchema,
      );
    },
    createTask(payload) {
      return call({ method: 'POST', path: '/api/llm-tasks', body: payload, retry: false }, createTaskResponseSchema);
    },
    readStatus(taskId) {
      return call({ method: 'GET', path: `/api/llm-tasks/${encodeURIComponent(taskId)}/status`, retry: true, taskId }, taskStatusSchema);
    },
    readResults(taskId) {
      return call({ method: 'GET', path: `/api/llm-tasks/${encodeURIComponent(taskId)}/results`, retry: true, taskId }, taskResultsSchema);
    },
    stopTask(taskId) {
      return call({ method: 'POST', path: `/api/llm-tasks/stop/${encodeURIComponent(taskId)}`, retry: false, taskId }, stopTaskResponseSchema);
    },
    reportUrl(taskId) {
      return `${baseUrl}/results/${encodeURIComponent(taskId)}`;
    },
  };
}

function readBody<T>(response: RawResponse, spec: CallSpec, schema: z.ZodType<T>, clean: (s: string) => string): T {
  const json = tryParseJson(response.text);
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const looksLikeHtml = /^\s*</.test(response.text);
  const what = looksLikeHtml ? 'a web page' : json === undefined ? 'a body that is not JSON' : 'JSON of an unexpected shape';
  throw new AppError('PLATFORM_BAD_RESPONSE', `LMeterX answered ${spec.method} ${spec.path} with ${what}`, {
    category: 'platform_error',
    hint: 'check that LMETERX_BASE_URL is the LMeterX address (the one the web UI uses), not another service',
    details: { path: spec.path, status: response.status, body: maskAndCut(response.text, 200, clean) },
  });
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/** A redirect to another origin (or a loop): refused, nothing is sent there. */
function redirectError(baseUrl: string, spec: CallSpec, next: URL, loop: boolean): AppError {
  const where = `${spec.method} ${spec.path}`;
  const target = maskUrl(next.toString());
  if (loop) {
    return new AppError('PLATFORM_REDIRECT', `LMeterX at ${maskUrl(baseUrl)} redirected ${where} more than ${MAX_REDIRECTS} times (last to ${target})`, {
      category: 'platform_error',
      hint: 'check LMETERX_BASE_URL: it should be the address the web UI uses',
      details: { path: spec.path, location: target },
    });
  }
  return new AppError(
    'PLATFORM_REDIRECT',
    `LMeterX at ${maskUrl(baseUrl)} redirected ${where} to another origin (${maskUrl(next.origin)}): the token and the task were not sent there`,
    {
      category: 'platform_error',
      hint: `if ${maskUrl(next.origin)} is your platform (e.g. https instead of http), set LMETERX_BASE_URL to it`,
      details: { path: spec.path, location: target },
    },
  );
}

/** Platform.md step 6: 401/403 → platform_auth, 422/400 → platform_rejected, 5xx → platform_error. */
function statusError(response: RawResponse, spec: CallSpec, tokenSet: boolean, clean: (s: string) => string): AppError {
  const { status } = response;
  const where = `${spec.method} ${spec.path}`;
  const said = maskAndCut(platformMessage(response.text), 160, clean);
  const saidPart = said === '' ? '' : `: ${said}`;
  if (status === 401) {
    if (!tokenSet) {
      return new AppError('PLATFORM_TOKEN_MISSING', `LMeterX requires a token (401 on ${where}) and LMETERX_AUTH_TOKEN is not set`, {
        category: 'platform_auth',
        hint: 'export LMETERX_AUTH_TOKEN=<your token> (an environment variable, never a flag)',
      });
    }
    return new AppError('PLATFORM_AUTH', `LMeterX token is invalid or expired (401 on ${where}${saidPart})`, {
      category: 'platform_auth',
      hint: 'check LMETERX_AUTH_TOKEN: get a fresh token from the platform',
    });
  }
  if (status === 403) {
    return new AppError(PLATFORM_FORBIDDEN, `LMeterX does not allow this token on ${where} (403${saidPart})`, {
      category: 'platform_auth',
      hint: tokenSet
        ? 'a service token is limited to a few paths: ask the platform admin to allow /api/llm-tasks, or use a user token'
        : 'export LMETERX_AUTH_TOKEN=<your token> (an environment variable, never a flag)',
    });
  }
  if (status === 422 || status === 400) return rejectedError(response, where, said);
  if (status === 404 && spec.taskId !== undefined) {
    return new AppError('PLATFORM_TASK_NOT_FOUND', `LMeterX has no task ${spec.taskId}`, {
      category: 'platform_rejected',
      hint: 'check the task ID (it is printed by `llm-loadtest run` and is the last part of the report URL)',
      details: { taskId: spec.taskId },
    });
  }
  if (status >= 500) {
    return new AppError('PLATFORM_SERVER_ERROR', `LMeterX platform service error (HTTP ${status} on ${where}${saidPart})`, {
      category: 'platform_error',
      hint: 'LMeterX platform service error; try again later',
      details: { status, path: spec.path },
    });
  }
  return new AppError('PLATFORM_HTTP_ERROR', `LMeterX answered HTTP ${status} on ${where}${saidPart}`, {
    category: status >= 400 && status < 500 && status !== 404 ? 'platform_rejected' : 'platform_error',
    hint: 'check that LMETERX_BASE_URL is the LMeterX address and that the platform version supports LLM tasks',
    details: { status, path: spec.path },
  });
}

/** 422 names each field from `detail[].loc`; 400 (header or cookie count) carries the reason in `error`. */
function rejectedError(response: RawResponse, where: string, said: string): AppError {
  const validation = validationErrorSchema.safeParse(tryParseJson(response.text));
  const fields: Array<{ field: string; message: string }> = [];
  if (validation.success && Array.isArray(validation.data.detail)) {
    for (const item of validation.data.detail) {
      const loc = (item.loc ?? []).filter((part) => part !== 'body').join('.');
      fields.push({ field: loc === '' ? '(body)' : loc, message: (item.msg ?? 'invalid').replace(/^Value error, /, '') });
    }
  }
  const flagOf = (field: string): string | undefined => FIELD_FLAGS[field.split('.')[0] ?? field];
  const reason = fields.length > 0 ? fields.map((f) => `${f.field}${flagOf(f.field) === undefined ? '' : ` (${flagOf(f.field)})`}: ${f.message}`).join('; ') : said || 'no reason given';
  const flags = [...new Set(fields.map((f) => flagOf(f.field)).filter((flag): flag is string => flag !== undefined))];
  return new AppError('PLATFORM_REJECTED', `LMeterX rejected ${where} (HTTP ${response.status}): ${reason}`, {
    category: 'platform_rejected',
    hint: flags.length > 0 ? `fix ${flags.join(', ')} and run again` : 'fix the named fields (the flags of the same names: --concurrent-users, --spawn-rate, --duration, -H ...) and run again',
    details: { status: response.status, fields },
  });
}

/** The platform's field names (docs/platform.md "What we send") and the flags that set them. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  name: '--name',
  target_host: '--url',
  api_path: '--url',
  model: '--model',
  duration: '--duration',
  concurrent_users: '--concurrent-users',
  spawn_rate: '--spawn-rate',
  warmup_enabled: '--warmup',
  warmup_duration: '--warmup',
  stream_mode: '--stream / --no-stream',
  headers: '-H',
  cookies: '--cookie',
  request_payload: '--body',
  api_type: '--api',
  test_data: '--test-data',
  load_mode: '--load-mode',
  step_start_users: '--step-start-users',
  step_increment: '--step-increment',
  step_duration: '--step-duration',
  step_max_users: '--step-max-users',
  step_sustain_duration: '--step-sustain',
};

/** The readable part of an error body: ErrorResponse's `error`/`message`, Starlette's string `detail`. */
function platformMessage(text: string): string {
  const json = tryParseJson(text);
  const error = errorResponseSchema.safeParse(json);
  if (error.success) {
    const message = error.data.error ?? error.data.message;
    if (typeof message === 'string' && message !== '') return message;
  }
  const detail = validationErrorSchema.safeParse(json);
  if (detail.success && typeof detail.data.detail === 'string') return detail.data.detail;
  if (json === undefined && !/^\s*</.test(text)) return text.trim();
  return '';
}

/** Connection refused, DNS, timeout, reset, TLS: all mean "the platform cannot be reached" (step 1). */
function unreachableError(baseUrl: string, spec: CallSpec, error: unknown, timeoutMs: number): AppError {
  const reason = describeTransportError(error, timeoutMs);
  return new AppError('PLATFORM_UNREACHABLE', `Cannot connect to the LMeterX service at ${baseUrl} (${reason.text})`, {
    category: 'platform_unreachable',
    hint: 'check LMETERX_BASE_URL (scheme, host and port) and the network; the platform may be down',
    details: { reason: reason.kind, path: spec.path },
    cause: error,
  });
}

/** The platform's words for a transport failure, by the one transport classification (failures/). */
function describeTransportError(error: unknown, timeoutMs: number): { kind: FailureCategory; text: string } {
  const failure = categorizeTransportError(error);
  const seconds = Math.round(timeoutMs / 100) / 10;
  switch (failure.category) {
    case 'timeout':
      return { kind: 'timeout', text: `no answer within ${seconds} s` };
    case 'dns':
      return { kind: 'dns', text: 'the host name does not resolve' };
    case 'connection_refused':
      return { kind: 'connection_refused', text: 'connection refused' };
    case 'connection_reset':
      return { kind: 'connection_reset', text: 'the connection was cut' };
    case 'tls':
      return { kind: 'tls', text: `TLS handshake failed: ${failure.code ?? 'unknown'}` };
    default:
      // fetch refuses the Fetch standard's "bad ports" (e.g. 6000, 6666) before connecting.
      if (/\bbad port\b/.test(failure.message)) {
        return { kind: 'unknown', text: 'fetch refuses this port (a "bad port" of the Fetch standard); serve the platform on another port' };
      }
      return { kind: 'unknown', text: error instanceof Error ? error.message : String(error) };
  }
}
