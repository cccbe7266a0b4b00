import { inputError } from '../failures/errors.js';
import { buildRunPlan, resolveMode } from '../input/plan.js';
import type { RawRunOptions } from '../input/options.js';
import type { LoadOptions, RunPlan, TargetSpec } from '../model/plan.js';
import type { RequestRecord } from '../model/record.js';
import type { ApiType } from '../protocol/types.js';
import { getAdapter } from '../protocol/registry.js';
import { targetSecrets } from '../text/mask.js';

/** What names an endpoint: the same choices as the CLI's target flags (docs/library.md "Endpoint"). */
export interface EndpointOptions {
  /** The URL to send to; or `curl`. */
  url?: string;
  /** A curl command to import instead of `url`. */
  curl?: string;
  /** Extra headers, as `Name: value` lines or an object. */
  headers?: readonly string[] | Readonly<Record<string, string>>;
  /** The request body (JSON text or an object); empty: a minimal body for the API. */
  body?: string | Readonly<Record<string, unknown>>;
  model?: string;
  api?: ApiType;
  stream?: boolean;
  /** Per-request timeout, seconds (default 600). */
  timeoutS?: number;
  insecure?: boolean;
  /** Folder that relative paths (a body `@file`) are resolved against; default the process's. */
  cwd?: string;
}

/** One request's answer to `invoke`: what to send differently this time. */
export interface InvokeOptions {
  /** A prompt in place of the body's messages. */
  prompt?: string;
  /** The answer's cap in tokens (the API's own max_tokens field). */
  maxTokens?: number;
}

/** A target to measure: one request at a time (`invoke`), or a plan for the runner and the experiments. */
export interface Endpoint {
  /** The classified, normalised request (unmasked: mask before printing). */
  readonly target: TargetSpec;
  /** Send one request and measure it: TTFT, tokens, E2E, or why it failed (a record as results.jsonl holds it). */
  invoke(options?: InvokeOptions): Promise<RequestRecord>;
  /** A local run plan for this endpoint: `run`'s defaults, with `load` over them, no terminal output. */
  plan(load?: Partial<LoadOptions>, output?: { outDir?: string | null; skipPrecheck?: boolean }): RunPlan;
}

/**
 * An endpoint from the CLI's target choices, classified and normalised exactly as `run` does (bad input
 * throws AppError with exit code 2). No network until `invoke` or a run.
 */
export async function createEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const cwd = options.cwd ?? '.';
  const raw: RawRunOptions = {
    local: true,
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.curl === undefined ? {} : { curl: options.curl }),
    header: Array.isArray(options.headers) ? [...(options.headers as readonly string[])] : Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${String(value)}`),
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.api === undefined ? {} : { api: options.api }),
    ...(options.stream === undefined ? {} : { stream: options.stream }),
    ...(options.timeoutS === undefined ? {} : { timeout: String(options.timeoutS) }),
    ...(options.insecure === true ? { insecure: true } : {}),
    progress: false,
  };
  const base = await buildRunPlan(raw, { env: {}, cwd, readStdin: () => Promise.reject(new Error('no stdin in the library')) }, resolveMode({ local: true }, {}));
  const plan = (load: Partial<LoadOptions> = {}, output: { outDir?: string | null; skipPrecheck?: boolean } = {}): RunPlan => ({
    ...base,
    load: { ...base.load, ...load },
    output: { ...base.output, outDir: output.outDir ?? null, progress: false },
    skipPrecheck: output.skipPrecheck ?? false,
    warmupIsDefault: load.warmupS === undefined,
  });
  return { target: base.target, plan, invoke: (invokeOptions) => invokeOnce(base, invokeOptions ?? {}) };
}

/** One request through the load engine itself (one user, one measured request), so it is measured as a run's. */
async function invokeOnce(base: RunPlan, options: InvokeOptions): Promise<RequestRecord> {
  const adapter = getAdapter(base.target.apiType);
  let body = base.target.body;
  if (options.prompt !== undefined) body = adapter.applyPrompt(body, { prompt: options.prompt });
  if (options.maxTokens !== undefined) {
    if (adapter.applyOutputLength === undefined) throw inputError('USAGE', `invoke: ${adapter.label} generates no text, so maxTokens does not apply`, 'leave out maxTokens');
    body = adapter.applyOutputLength(body, options.maxTokens, false);
  }
  const target: TargetSpec = { ...base.target, body };
  const { startLoad } = await import('../engine/run-load.js');
  let record: RequestRecord | null = null;
  const handle = startLoad({
    target,
    load: { ...base.load, concurrentUsers: 1, spawnRate: 1, durationS: target.timeoutMs / 1000 + 1, warmupS: 0, loadMode: 'fixed', step: null, rate: null, maxRequests: 1, workers: 1, testData: '', burst: null },
    prompts: null,
    secrets: targetSecrets(target),
    preloadTokenizer: false,
    reconcileUsage: false,
    onRecord: (finished) => {
      record ??= finished;
    },
  });
  await handle.done;
  if (record === null) throw new Error('invoke: the request ended without a record');
  return record;
}
