import { z } from 'zod';
import { AppError } from '../failures/errors.js';
import { tokenizeCurl } from '../input/curl.js';
import type { RawRunOptions } from '../input/options.js';

/**
 * The body of `POST /runs`: the run flags of the CLI in camelCase (docs/serve.md), so one plan format
 * serves both. Numbers may be JSON numbers or the CLI's strings (`"90s"`); a JSON object is accepted as
 * the request body. Flags about the terminal, the mode or the output folder are the service's to decide
 * and are refused as unknown fields.
 */
const text = z.string();
const numberOrText = z.union([z.number(), z.string()]).transform((value) => String(value));
const lines = z.union([z.string(), z.array(z.string())]).transform((value) => (typeof value === 'string' ? [value] : value));

const PlanRequestSchema = z
  .object({
    url: text,
    curl: text,
    header: lines,
    cookie: lines,
    body: z.union([z.string(), z.record(z.string(), z.unknown())]).transform((value) => (typeof value === 'string' ? value : JSON.stringify(value))),
    model: text,
    stream: z.boolean(),
    api: text,
    name: text,
    testData: text,
    concurrentUsers: numberOrText,
    duration: numberOrText,
    spawnRate: numberOrText,
    warmup: numberOrText,
    loadMode: text,
    stepStartUsers: numberOrText,
    stepIncrement: numberOrText,
    stepDuration: numberOrText,
    stepMaxUsers: numberOrText,
    stepSustain: numberOrText,
    rate: numberOrText,
    arrival: text,
    maxRequests: numberOrText,
    burst: numberOrText,
    rounds: numberOrText,
    pause: numberOrText,
    workers: numberOrText,
    timeout: numberOrText,
    idleTimeout: numberOrText,
    insecure: z.boolean(),
    skipPrecheck: z.boolean(),
    successThreshold: numberOrText,
    slo: text,
    // Workload and conversations (docs/cli.md "Workload", "Scenarios and conversations"): no files.
    inputTokens: numberOrText,
    outputTokens: numberOrText,
    preset: text,
    ignoreEos: z.boolean(),
    cacheBust: z.boolean(),
    sharedPrefixTokens: numberOrText,
    turns: numberOrText,
    thinkTime: text,
    dataOrder: text,
    seed: numberOrText,
    // Several targets: every URL must be on the service's allow-list, as the one target's is.
    target: lines,
    targetHeader: lines,
    targetModel: lines,
    targetApi: lines,
    targetKey: lines,
    baseline: text,
    onTargetFailure: text,
    recordHeader: lines,
    // The server's metrics: scraped from the service's machine, so allow-listed like a target.
    serverMetrics: lines,
    serverMetricsInterval: numberOrText,
  })
  .partial()
  .strict();

/** A plan the service refuses: 400, naming the field. */
export class PlanRequestError extends Error {
  constructor(
    readonly field: string | null,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The posted JSON as the CLI's raw options, or a PlanRequestError naming the first wrong field. The
 * service never reads its own files for a client: `@file` bodies and test-data files are refused.
 */
export function parsePlanRequest(json: unknown): RawRunOptions {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new PlanRequestError(null, 'the request body must be a JSON object of run fields', 'send e.g. {"url": "http://127.0.0.1:8000/v1/chat/completions", "model": "m", "duration": 30}');
  }
  const result = PlanRequestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    if (unknown !== undefined) {
      throw new PlanRequestError(unknown, `field "${unknown}" is not a run field of the service`, 'see docs/serve.md for the fields (the run flags in camelCase, without the output and terminal flags)');
    }
    const field = String(issue?.path[0] ?? '');
    throw new PlanRequestError(field, `field "${field}" is invalid: ${issue?.message ?? 'wrong type'}`, 'see docs/serve.md for each field\'s type');
  }
  const raw: RawRunOptions = { local: true };
  // exactOptionalPropertyTypes: copy only the fields that were given.
  for (const [key, value] of Object.entries(result.data)) if (value !== undefined) Object.assign(raw, { [key]: value });
  refuseFileReads(raw);
  return raw;
}

/** `@file` in the body or a curl data option, or a test-data path: files of the service's machine. */
function refuseFileReads(raw: RawRunOptions): void {
  const hint = 'the service reads no files of its own for a client: send the body inline (a JSON object or text)';
  if (raw.body?.startsWith('@') === true) throw new PlanRequestError('body', 'field "body" names a file (@…)', hint);
  if (raw.testData !== undefined && raw.testData !== '' && raw.testData !== 'default') {
    throw new PlanRequestError('testData', 'field "testData" names a file', 'use "" (the body every time) or "default" (the built-in prompts)');
  }
  if (raw.curl !== undefined) {
    let words: string[];
    try {
      // No environment: a client's $VAR must not read the service's secrets.
      words = tokenizeCurl(raw.curl, {});
    } catch (error) {
      if (error instanceof AppError) throw new PlanRequestError('curl', `field "curl": ${error.message}`, error.hint ?? hint);
      throw error;
    }
    if (words.some((word) => /^@|^-[A-Za-z]+@|^--[A-Za-z-]+=@/.test(word))) throw new PlanRequestError('curl', 'field "curl" reads a file (@…)', hint);
  }
}

/** The field an input error of plan building names (`--concurrent-users` → concurrentUsers), if any. */
export function fieldOfInputError(error: AppError): string | null {
  const flag = /--([a-z][a-z-]*)/.exec(error.message)?.[1];
  if (flag === undefined) return null;
  return flag.replace(/-([a-z])/g, (_all, c: string) => c.toUpperCase());
}
