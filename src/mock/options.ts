import { inputError } from '../failures/errors.js';
import type { MetricsFault } from './metrics.js';

/**
 * What the mock server does. Every option can also be set per request with a header
 * `x-mock-<option in kebab case>` (`x-mock-ttft-ms: 200`, `x-mock-fail-status: 401`, `x-mock-hang: true`;
 * `off` clears a fault), so one server serves many test cases.
 */
export interface MockBehaviour {
  /** Request body received → first generated token written. */
  ttftMs: number;
  /** Per token: an SSE event of k tokens follows the previous one after k × itlMs (0: all at once). */
  itlMs: number;
  /** Each delay (TTFT and every gap) varies uniformly within ±jitterMs (seeded, never below 0). */
  jitterMs: number;
  /** Answer tokens, or fewer when the request's max_tokens / max_completion_tokens asks fewer. */
  outputTokens: number;
  /** Tokens per SSE content event. */
  chunkTokens: number;
  /** Reasoning tokens before the answer: OpenAI `delta.reasoning_content`, Anthropic a thinking block. */
  reasoningTokens: number;
  /**
   * Prompt tokens reported as read from the prompt cache (at most the prompt's): OpenAI
   * `prompt_tokens_details.cached_tokens`, Responses `input_tokens_details.cached_tokens`, Anthropic
   * `cache_read_input_tokens` (its `input_tokens` then counts only the rest).
   */
  cachedTokens: number;
  /**
   * Report usage. OpenAI: the trailing `choices:[]` usage chunk when the request asked
   * stream_options.include_usage (like the real API), and `usage` in JSON bodies. The real Anthropic
   * API always reports usage and its SDK needs it, so Anthropic responses keep it either way.
   */
  usage: boolean;
  /** OpenAI: send the role-only first chunk (`delta: {role, content: "", refusal: null}`). */
  roleChunk: boolean;
  /** Answer with this status and the provider's real error body (null: no status fault). */
  failStatus: number | null;
  /** With failStatus 429 (or alone): OpenAI `insufficient_quota`; Anthropic 400 "credit balance is too low". */
  quotaExceeded: boolean;
  /** The retry-after of a 429 / 529, in seconds. */
  retryAfterS: number;
  /**
   * Fraction of requests (0..1) that get the configured faults; the others are answered normally. Chosen by
   * a counter (request n fails when ⌊(n+1)·rate⌋ > ⌊n·rate⌋), so 10% is exactly every tenth request. With
   * no fault configured, the failing requests get status 500. Unset (null): every request gets the faults.
   */
  errorRate: number | null;
  /** After this many content tokens, an error event inside the 200 stream, then the end of the body. */
  midStreamErrorAfterTokens: number | null;
  /**
   * The status whose error object that in-stream error carries, as the API words it (401: OpenAI's
   * `invalid_api_key`, as some OpenAI-compatible servers report a bad key when streaming). Null: the
   * API's usual in-stream error (OpenAI server_error, Anthropic overloaded_error).
   */
  midStreamErrorStatus: number | null;
  /**
   * Usage reports this many percent more output tokens than were written (negative: fewer), rounded: a
   * server whose usage cannot be trusted, for usage reconciliation. 0: exact.
   */
  usageMisreportPct: number;
  /** After this many content tokens, destroy the connection. */
  dropAfterTokens: number | null;
  /** Accept the request and never answer (until the client or close() ends the connection). */
  hang: boolean;
  /** Delay before the status line and headers. */
  slowHeadersMs: number;
}

export interface MockServerOptions extends Partial<MockBehaviour> {
  /** 0 (default): a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Listed by GET /v1/models; requests may name any model (it is echoed). Default ['mock-model']. */
  models?: string[];
  /** When set, requests must carry it (Authorization: Bearer, x-api-key or api-key) or get a 401. */
  apiKey?: string;
  /** Records kept (a ring of the most recent). Default 100 000. */
  recordLimit?: number;
  /** Seed of the jitter generator. Default 1. */
  seed?: number;
  /**
   * Requests answered at once; later ones wait in a FIFO queue for a slot (their TTFT then grows with
   * load, as a real server's does). A slot is held from the start of the answer to its end. Unset: no limit.
   */
  maxConcurrent?: number;
  /**
   * Count each prompt exactly with the model's tokenizer (js-tiktoken), record what it received (tokens,
   * messages, the start of the prompt, a hash of the system prompt) and report that count as the usage's
   * input tokens. Off by default: it costs the mock a tokenizer pass per request.
   */
  countPrompt?: boolean;
  /** GET /metrics misbehaves: `hang` (never answers), `error` (HTTP 500), `malformed` (not Prometheus text). Unset: it answers. */
  metricsFault?: MetricsFault;
  /**
   * Headers added to every API answer (errors too), e.g. a gateway's `x-litellm-overhead-duration-ms: 3`,
   * so a test can check what a run records of them. Names lower-case; `{id}` in a value is the request's id.
   */
  responseHeaders?: Record<string, string>;
}

/**
 * `--gateway-headers`: what a gateway in front of the mock would add (LiteLLM, Portkey, Envoy, Server-Timing),
 * with fixed values a test can check exactly.
 */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'x-litellm-overhead-duration-ms': '3.25',
  'x-litellm-attempted-retries': '0',
  'server-timing': 'gateway;dur=3.25, upstream;desc="mock";dur=12.5',
  'openai-processing-ms': '120',
  'x-envoy-upstream-service-time': '118',
  'x-portkey-retry-attempt-count': '1',
  'x-portkey-cache-status': 'MISS',
  'x-portkey-last-used-option-index': 'config.targets[0]',
  'x-request-id': 'req-{id}',
};

/** The largest --max-concurrent: beyond it the limit means nothing on one machine. */
export const MAX_CONCURRENT_LIMIT = 100_000;

export const DEFAULT_BEHAVIOUR: Readonly<MockBehaviour> = {
  ttftMs: 0,
  itlMs: 0,
  jitterMs: 0,
  outputTokens: 128,
  chunkTokens: 1,
  reasoningTokens: 0,
  cachedTokens: 0,
  usage: true,
  roleChunk: true,
  failStatus: null,
  quotaExceeded: false,
  retryAfterS: 1,
  errorRate: null,
  midStreamErrorAfterTokens: null,
  midStreamErrorStatus: null,
  usageMisreportPct: 0,
  dropAfterTokens: null,
  hang: false,
  slowHeadersMs: 0,
};

type NumberKey = {
  [K in keyof MockBehaviour]: MockBehaviour[K] extends number | null ? K : never;
}[keyof MockBehaviour];
type BooleanKey = {
  [K in keyof MockBehaviour]: MockBehaviour[K] extends boolean ? K : never;
}[keyof MockBehaviour];

export interface NumberRange {
  min: number;
  max: number;
  integer: boolean;
  /** null (no fault) is allowed, written `off` in a header. */
  nullable: boolean;
}

const HOUR_MS = 3_600_000;
const MAX_TOKENS = 1_000_000;

/** The valid values of each numeric option; the CLI validates its flags with the same table. */
export const MOCK_NUMBER_RANGES: Readonly<Record<NumberKey, NumberRange>> = {
  ttftMs: { min: 0, max: HOUR_MS, integer: false, nullable: false },
  itlMs: { min: 0, max: HOUR_MS, integer: false, nullable: false },
  jitterMs: { min: 0, max: HOUR_MS, integer: false, nullable: false },
  outputTokens: { min: 1, max: MAX_TOKENS, integer: true, nullable: false },
  chunkTokens: { min: 1, max: MAX_TOKENS, integer: true, nullable: false },
  reasoningTokens: { min: 0, max: MAX_TOKENS, integer: true, nullable: false },
  cachedTokens: { min: 0, max: MAX_TOKENS, integer: true, nullable: false },
  failStatus: { min: 400, max: 599, integer: true, nullable: true },
  retryAfterS: { min: 0, max: 86_400, integer: true, nullable: false },
  errorRate: { min: 0, max: 1, integer: false, nullable: true },
  midStreamErrorAfterTokens: { min: 0, max: MAX_TOKENS, integer: true, nullable: true },
  midStreamErrorStatus: { min: 400, max: 599, integer: true, nullable: true },
  usageMisreportPct: { min: -100, max: 1000, integer: false, nullable: false },
  dropAfterTokens: { min: 0, max: MAX_TOKENS, integer: true, nullable: true },
  slowHeadersMs: { min: 0, max: HOUR_MS, integer: false, nullable: false },
};

const BOOLEAN_KEYS: readonly BooleanKey[] = ['usage', 'roleChunk', 'quotaExceeded', 'hang'];
const NUMBER_KEYS = Object.keys(MOCK_NUMBER_RANGES) as NumberKey[];

/** `ttftMs` → `x-mock-ttft-ms`. */
export function headerNameFor(key: keyof MockBehaviour): string {
  return `x-mock-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const HEADER_TO_KEY: ReadonlyMap<string, keyof MockBehaviour> = new Map(
  (Object.keys(DEFAULT_BEHAVIOUR) as Array<keyof MockBehaviour>).map((key) => [headerNameFor(key), key]),
);

/** Why a value is not valid for a numeric option, or null when it is. */
export function describeRangeViolation(value: number | null, range: NumberRange): string | null {
  if (value === null) return range.nullable ? null : 'must be a number';
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (range.integer && !Number.isInteger(value)) return 'must be a whole number';
  if (value < range.min || value > range.max) return `must be between ${range.min} and ${range.max}`;
  return null;
}

/** Defaults filled in and every value checked; bad options are input errors naming the option. */
export function resolveBehaviour(options: Partial<MockBehaviour>): MockBehaviour {
  const behaviour: MockBehaviour = { ...DEFAULT_BEHAVIOUR };
  for (const key of NUMBER_KEYS) {
    const value = options[key];
    if (value === undefined) continue;
    const problem = describeRangeViolation(value, MOCK_NUMBER_RANGES[key]);
    if (problem !== null) {
      throw inputError('MOCK_OPTION_INVALID', `mock option ${key}: ${String(value)} ${problem}`, 'fix the value passed to startMockServer');
    }
    (behaviour as unknown as Record<string, number | null>)[key] = value;
  }
  for (const key of BOOLEAN_KEYS) {
    const value = options[key];
    if (value !== undefined) behaviour[key] = value;
  }
  return behaviour;
}

/** A per-request header value that is not valid: answered with a 400 naming the header. */
export class MockHeaderError extends Error {}

/**
 * The behaviour for one request: the server's, with `x-mock-*` headers applied. Returns `base` itself
 * when the request has no such header (the common, fast case). Throws MockHeaderError on a bad value.
 */
export function applyHeaderOverrides(base: MockBehaviour, rawHeaders: readonly string[]): MockBehaviour {
  let behaviour: MockBehaviour | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length < 8 || !/^x-mock-/i.test(name)) continue;
    const key = HEADER_TO_KEY.get(name.toLowerCase());
    if (key === undefined) continue;
    behaviour ??= { ...base };
    setFromHeader(behaviour, key, (rawHeaders[i + 1] as string).trim(), name.toLowerCase());
  }
  return behaviour ?? base;
}

function setFromHeader(behaviour: MockBehaviour, key: keyof MockBehaviour, raw: string, header: string): void {
  const target = behaviour as unknown as Record<string, number | boolean | null>;
  if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
    const value = parseBooleanText(raw);
    if (value === null) throw new MockHeaderError(`header ${header}: "${raw}" is not true/false`);
    target[key] = value;
    return;
  }
  const range = MOCK_NUMBER_RANGES[key as NumberKey];
  const value = raw.toLowerCase() === 'off' ? null : raw === '' ? Number.NaN : Number(raw);
  const problem = describeRangeViolation(value, range);
  if (problem !== null) throw new MockHeaderError(`header ${header}: "${raw}" ${problem}`);
  target[key] = value;
}

function parseBooleanText(raw: string): boolean | null {
  const text = raw.toLowerCase();
  if (text === 'true' || text === '1' || text === 'yes' || text === 'on') return true;
  if (text === 'false' || text === '0' || text === 'no' || text === 'off') return false;
  return null;
}
