import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { inputError, type AppError } from '../failures/errors.js';
import type { RunPlan, TargetSpec } from '../model/plan.js';
import { steppedTotalS } from '../model/stepped.js';
import { PLATFORM_LIMITS as L } from '../model/platform-limits.js';
import { adapters, getAdapter } from '../protocol/registry.js';
import type { ApiType, PlatformSide } from '../protocol/types.js';
import {
  createTaskRequestSchema,
  formatZodIssues,
  testTaskRequestSchema,
  tryParseJson,
  type CreateTaskRequest,
  type KeyValue,
  type PlatformApiType,
  type TestTaskRequest,
} from './schema.js';

/**
 * RunPlan → the platform's /test and create payloads, right by construction
 * (docs/platform.md "What we send"): limits checked with errors that name the flag, then the strict
 * schema as a last line of defence, all before any request.
 */

export function toPlatformApiType(apiType: ApiType): PlatformApiType {
  return platformSideOf(apiType).name;
}

/** How the platform runs this API; an input error naming the API where the platform does not run it. */
function platformSideOf(apiType: ApiType): PlatformSide {
  const adapter = getAdapter(apiType);
  if (adapter.platform !== null) return adapter.platform;
  const supported = adapters.filter((a) => a.platform !== null).map((a) => a.apiType);
  throw inputError(
    'PLATFORM_API_UNSUPPORTED',
    `the platform does not run ${adapter.label} (${apiType}): it runs only ${supported.join(' and ')}`,
    'run this test locally: add --local (it wins over LMETERX_BASE_URL) and leave out --platform',
  );
}

/** `llm_` + 8 hex characters, as the platform's own skill sends. */
export function createTempTaskId(): string {
  return `llm_${randomBytes(4).toString('hex')}`;
}

/** Check every user-controlled value against the platform's limits; the error names flag, value and range. */
export function checkPlatformLimits(plan: RunPlan): void {
  const { load, target } = plan;
  platformSideOf(target.apiType);
  const name = load.name.trim();
  if (name.length < 1 || name.length > L.nameChars) {
    throw limitError('--name', `"${name.slice(0, 20)}${name.length > 20 ? '…' : ''}" (${name.length} characters)`, `1..${L.nameChars} characters`);
  }
  if (load.loadMode === 'stepped') {
    const step = load.step;
    if (step === null) {
      throw inputError(
        'PLATFORM_STEP_MISSING',
        '--load-mode stepped needs all five step flags',
        'give --step-start-users, --step-increment, --step-duration, --step-max-users and --step-sustain',
      );
    }
    checkRange('--step-start-users', step.startUsers, 1, L.stepStartUsers);
    checkRange('--step-increment', step.increment, 1, L.stepIncrement);
    checkRange('--step-duration', step.durationS, 1, L.stepDurationS, ' seconds');
    checkRange('--step-max-users', step.maxUsers, 1, L.stepMaxUsers);
    checkRange('--step-sustain', step.sustainS, 1, L.stepSustainS, ' seconds');
    if (step.startUsers > step.maxUsers) {
      throw inputError(
        'PLATFORM_LIMIT',
        `--step-start-users ${step.startUsers} is above --step-max-users ${step.maxUsers}`,
        'the ramp starts at or below its maximum: lower --step-start-users or raise --step-max-users',
      );
    }
    const totalS = steppedTotalS(step);
    if (totalS > L.durationS) {
      throw inputError(
        'PLATFORM_LIMIT',
        `the stepped load lasts ${totalS} s (steps × --step-duration + --step-sustain); the platform allows at most ${L.durationS} s`,
        'use fewer or shorter steps, or a shorter --step-sustain',
      );
    }
  } else {
    checkRange('--concurrent-users', load.concurrentUsers, 1, L.concurrentUsers);
    checkRange('--spawn-rate', load.spawnRate, 1, L.spawnRate);
    checkRange('--duration', load.durationS, 1, L.durationS, ' seconds');
  }
  if (load.warmupS !== 0 && (!Number.isInteger(load.warmupS) || load.warmupS < L.warmupMinS || load.warmupS > L.warmupMaxS)) {
    throw limitError('--warmup', String(load.warmupS), `0 (off) or ${L.warmupMinS}..${L.warmupMaxS} seconds`);
  }
  const headers = platformHeaders(target);
  if (headers.length > L.headers) throw limitError('-H/--header', `${headers.length} headers`, `at most ${L.headers}`);
  const cookies = Object.keys(target.cookies).length;
  if (cookies > L.cookies) throw limitError('--cookie', `${cookies} cookies`, `at most ${L.cookies}`);
  for (const [flag, items] of [['-H/--header', headers], ['--cookie', platformCookies(target)]] as const) {
    for (const item of items) {
      if (item.key.length > L.headerKeyChars) {
        throw limitError(flag, `a name of ${item.key.length} characters ("${item.key.slice(0, 20)}…")`, `names of 1..${L.headerKeyChars} characters`);
      }
      // The value is likely a secret: name the item, never show the value.
      if (item.value.length > L.headerValueChars) {
        throw limitError(flag, `"${item.key}" with a value of ${item.value.length} characters`, `values of at most ${L.headerValueChars} characters`);
      }
    }
  }
  const payloadChars = JSON.stringify(buildRequestBody(target)).length;
  if (payloadChars > L.payloadChars) throw limitError('--body', `${payloadChars} characters of JSON`, `at most ${L.payloadChars}`);
  if (target.targetHost.replace(/\/+$/, '').length > L.hostChars) {
    throw limitError('--url', `a base of ${target.targetHost.length} characters`, `at most ${L.hostChars} before the API path`);
  }
  resolveModel(target);
}

/** The /test payload: the same target, headers and body the task will send. */
export function buildTestPayload(target: TargetSpec): TestTaskRequest {
  return validate(testTaskRequestSchema, buildTargetFields(target));
}

/** The target part of both payloads, so the pre-check tests exactly what the task will send. */
function buildTargetFields(target: TargetSpec): TestTaskRequest {
  return {
    target_host: targetHostOf(target),
    api_path: apiPathOf(target),
    model: resolveModel(target),
    stream_mode: target.stream,
    headers: platformHeaders(target),
    cookies: platformCookies(target),
    request_payload: JSON.stringify(buildRequestBody(target)),
    api_type: toPlatformApiType(target.apiType),
  };
}

/**
 * The create payload. `testData` is what goes in `test_data`: "", "default", or the inline text of a
 * prompts file (read with run/platform.ts readTestDataFile). Stepped load sends what the platform's own form sends:
 * concurrent_users = max, spawn_rate = increment, duration = the computed total.
 */
export function buildCreatePayload(plan: RunPlan, options: { testData: string; tempTaskId: string }): CreateTaskRequest {
  checkPlatformLimits(plan);
  const { load, target } = plan;
  const step = load.loadMode === 'stepped' ? load.step : null;
  const payload = {
    temp_task_id: options.tempTaskId,
    name: load.name.trim(),
    ...buildTargetFields(target),
    duration: step === null ? load.durationS : steppedTotalS(step),
    concurrent_users: step === null ? load.concurrentUsers : step.maxUsers,
    spawn_rate: step === null ? load.spawnRate : step.increment,
    // Selects the built-in set for test_data "default": 0 is the plain-text one.
    chat_type: 0,
    warmup_enabled: load.warmupS > 0,
    ...(load.warmupS > 0 ? { warmup_duration: load.warmupS } : {}),
    test_data: options.testData,
    load_mode: load.loadMode,
    ...(step === null
      ? {}
      : {
          step_start_users: step.startUsers,
          step_increment: step.increment,
          step_duration: step.durationS,
          step_max_users: step.maxUsers,
          step_sustain_duration: step.sustainS,
        }),
  };
  return validate(createTaskRequestSchema, payload);
}

/**
 * A `--test-data` prompts file's text as the platform takes it inline (JSONL or a JSON array as text),
 * checked so a bad file fails before any request; `testData` is the path, for messages.
 */
export function checkTestDataText(testData: string, text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw testDataError(testData, 'is empty');
  if (trimmed.length > L.testDataChars) {
    throw limitError('--test-data', `${testData} (${trimmed.length} characters)`, `at most ${L.testDataChars} characters (the platform's inline limit)`);
  }
  if (trimmed.startsWith('[')) {
    if (tryParseJson(trimmed) === undefined) throw testDataError(testData, 'is not valid JSON');
    return trimmed;
  }
  const lines = trimmed.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const value = tryParseJson(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw testDataError(testData, `line ${index + 1} is not a JSON object`);
    }
  }
  return trimmed;
}

/** Target headers as the platform takes them: `{key, value}`, Content-Type removed (the engine sets it). */
export function platformHeaders(target: TargetSpec): KeyValue[] {
  return Object.entries(target.headers)
    .filter(([key]) => key.toLowerCase() !== 'content-type')
    .map(([key, value]) => ({ key, value }));
}

function platformCookies(target: TargetSpec): KeyValue[] {
  return Object.entries(target.cookies).map(([key, value]) => ({ key, value }));
}

/**
 * The body as sent: `stream` equal to stream_mode, and OpenAI streaming asks for usage (else the
 * platform counts tokens with a guessed tokenizer). Normally the input layer has done both already.
 */
export function buildRequestBody(target: TargetSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { ...target.body, stream: target.stream };
  platformSideOf(target.apiType).prepareBody(body, target.stream);
  return body;
}

/** `target_host` without a trailing `/` (the engine posts to host + path, which would give `//`). */
function targetHostOf(target: TargetSpec): string {
  return target.targetHost.replace(/\/+$/, '');
}

/** The API path, with the URL's query when the input layer left it out (Azure's api-version). */
function apiPathOf(target: TargetSpec): string {
  const path = target.apiPath.startsWith('/') ? target.apiPath : `/${target.apiPath}`;
  if (path.includes('?')) return path;
  let search = '';
  try {
    search = new URL(target.url).search;
  } catch {
    search = '';
  }
  return `${path}${search}`;
}

/** Always a non-empty model: an empty one passes the API and then fails the task on the engine. */
function resolveModel(target: TargetSpec): string {
  const model = target.model.trim();
  if (model !== '') return model;
  // A deployment in the path (Azure) stands in for the model, as it does when the plan is built.
  const deployment = getAdapter(target.apiType).match.deploymentInPath?.(new URL(target.url).pathname.replace(/\/+$/, '')) ?? null;
  if (deployment !== null) return deployment;
  throw inputError(
    'MODEL_MISSING',
    'no model: neither --model nor the body names one, and the platform needs it',
    'add --model <name> (or "model" in the body)',
  );
}

function checkRange(flag: string, value: number, min: number, max: number, unit = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) throw limitError(flag, String(value), `${min}..${max}${unit}`);
}

function limitError(flag: string, value: string, range: string): AppError {
  return inputError('PLATFORM_LIMIT', `${flag} ${value} is out of the platform's range: ${range}`, `change ${flag} to fit ${range}`, {
    flag,
    range,
  });
}

function testDataError(testData: string, what: string): AppError {
  return inputError(
    'TEST_DATA_INVALID',
    `--test-data ${testData} ${what}`,
    'use JSONL (one JSON object per line, e.g. {"prompt": "..."}) or a JSON array of such objects',
  );
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw inputError(
    'PLATFORM_PAYLOAD_INVALID',
    `the platform would refuse this task: ${formatZodIssues(parsed.error)}`,
    'fix the named field (its flag has the same name with dashes) and run again',
  );
}
