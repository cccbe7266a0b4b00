import type { FailureCategory } from '../failures/categories.js';
import { maskAndCut, maskText } from '../text/mask.js';
import { categorizeHttpStatus, categorizeStreamError } from '../failures/classify-http.js';
import { FAILURE_HINTS, hintForProviderError } from '../failures/hints.js';
import { readProviderError, readProviderErrorValue, readRetryAfterS } from '../protocol/provider-error.js';
import { isRecord } from '../protocol/json-bytes.js';
import { getAdapter } from '../protocol/registry.js';
import type { ApiType, ProviderError } from '../protocol/types.js';
import { tryParseJson, type TestTaskResponse } from './schema.js';

/**
 * The verdict of a pre-check run by the platform (`POST /api/llm-tasks/test`), per docs/platform.md step 3.
 * The platform answers 200 whatever the target did: the target's status is in `response.status_code`,
 * or a leading `HTTP NNN.` in `error`, or only in the wording of `error`. It never inspects a 200
 * stream, so an error event inside one is found here.
 */

export interface PlatformPrecheck {
  ok: boolean;
  /** Null when ok. */
  category: FailureCategory | null;
  /** The target's HTTP status, when the platform reported one. */
  status: number | null;
  /** Short, human, masked. */
  message: string;
  /** Null when ok. */
  hint: string | null;
  retryAfterS?: number;
  /** The platform's own remark on a success (e.g. "Stream ended early"). */
  warning?: string;
}

export interface VerdictContext {
  apiType: ApiType;
  stream: boolean;
  /** The target's keys: a target that echoes a header must not leak it. */
  secrets: readonly string[];
}

export function readPrecheckVerdict(result: TestTaskResponse, context: VerdictContext): PlatformPrecheck {
  const clean = (text: string): string => maskText(text, context.secrets);
  const target = result.response ?? null;
  const errorText = (result.error ?? '').trim();
  const status = target?.status_code ?? parseLeadingStatus(errorText);

  if (status !== null && status !== 200) {
    const provider = readTargetError(target?.data, errorText);
    const retryAfterS = readRetryAfterS(stringHeaders(target?.headers)) ?? undefined;
    const category = categorizeHttpStatus(status, provider);
    const said = provider.message ?? '';
    return {
      // The status has its own field: the message is the target's own words.
      ...fail(category, status, said === '' ? `HTTP ${status}` : shorten(said, clean), retryAfterS),
      hint: hintForProviderError(category, provider),
    };
  }

  if (result.status !== 'success' || target === null) {
    return fail(categorizeErrorText(errorText), status, shorten(errorText === '' ? `the platform reported "${result.status}"` : errorText, clean));
  }

  const data = target.data;
  const verdict = context.stream ? inspectStream(data, context.apiType) : inspectJson(data, context.apiType);
  if (verdict !== null) return { ...verdict, message: clean(verdict.message) };
  return {
    ok: true,
    category: null,
    status: 200,
    message: context.stream ? `HTTP 200, streamed ${Array.isArray(data) ? data.length : 0} lines` : 'HTTP 200',
    hint: null,
    ...(target.warning ? { warning: clean(target.warning) } : {}),
  };
}

/** The platform's exception strings (docs/platform.md, Flow step 3), when there was no target status. */
export function categorizeErrorText(text: string): FailureCategory {
  if (/^(Request timeout|Operation timeout)/i.test(text) || /Streaming data processing timeout/i.test(text)) return 'timeout';
  if (/^SSL error/i.test(text)) return 'tls';
  if (/^Connection error/i.test(text)) {
    // httpx reports a failed TLS handshake as a connection error.
    if (/\[SSL|SSL error|CERTIFICATE_VERIFY|certificate verify|WRONG_VERSION_NUMBER/i.test(text)) return 'tls';
    if (/Name or service not known|Errno -2\b|Errno -3\b|getaddrinfo|nodename nor servname|Temporary failure in name resolution/i.test(text)) {
      return 'dns';
    }
    if (/reset by peer|Errno 104\b|Server disconnected/i.test(text)) return 'connection_reset';
    return 'connection_refused';
  }
  const unexpected = /^Unexpected error:\s*(\d{3})\b/i.exec(text);
  if (unexpected?.[1] !== undefined) return categorizeHttpStatus(Number(unexpected[1]));
  if (/No streaming data received/i.test(text)) return 'empty_response';
  return 'unknown';
}

const PLATFORM_TIMEOUT_HINT =
  'the target did not answer the platform in time (it waits up to 120 s for a stream): it may be overloaded or slow; try again, use --skip-precheck if it is just slow, or test it locally with --local --timeout <s>';

function fail(category: FailureCategory, status: number | null, message: string, retryAfterS?: number): PlatformPrecheck {
  return {
    ok: false,
    category,
    status,
    message,
    // --timeout is the local engine's: the platform reads the target with its own deadline.
    hint: category === 'timeout' ? PLATFORM_TIMEOUT_HINT : FAILURE_HINTS[category],
    ...(retryAfterS === undefined ? {} : { retryAfterS }),
  };
}

/** A 200 stream: its lines as the platform relays them (raw `data: ...` lines). */
function inspectStream(data: unknown, apiType: ApiType): PlatformPrecheck | null {
  const lines = Array.isArray(data) ? data.filter((line): line is string => typeof line === 'string') : [];
  const dataLines = lines.map((line) => line.trim()).filter((line) => line.startsWith('data:'));
  if (dataLines.length === 0) {
    const first = typeof data === 'string' ? data : (lines[0] ?? '');
    const looksLikeJson = first.trim().startsWith('{');
    if (looksLikeJson) {
      const embedded = readEmbeddedError(tryParseJson(lines.join('\n')));
      if (embedded !== null) return fail200(categorizeStreamError(embedded), `an error inside a 200 answer: ${shorten(embedded.message ?? 'error')}`);
    }
    return fail200(
      'invalid_response',
      looksLikeJson
        ? 'streaming was asked but the target answered plain JSON, not an SSE stream'
        : 'streaming was asked but the target did not answer with an SSE stream',
    );
  }
  const adapter = getAdapter(apiType);
  let content = 0;
  let terminated = false;
  for (const line of dataLines) {
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') {
      terminated = true;
      continue;
    }
    const event = tryParseJson(payload);
    const embedded = readEmbeddedError(event);
    if (embedded !== null) {
      return fail200(categorizeStreamError(embedded), `an error event inside the 200 stream: ${shorten(embedded.message ?? 'error')}`);
    }
    if (isRecord(event) && event['type'] === 'message_stop') terminated = true;
    if (isRecord(event) && adapter.platform?.eventHasContent(event) === true) content += 1;
  }
  if (content === 0 && terminated) return fail200('empty_response', 'the stream ended without generated content');
  return null;
}

/** A 200 non-streamed body. */
function inspectJson(data: unknown, apiType: ApiType): PlatformPrecheck | null {
  if (!isRecord(data)) {
    return fail200('invalid_response', `the target answered 200 with ${typeof data === 'string' ? 'text (a web page?)' : 'no JSON object'}, not the API's JSON`);
  }
  const embedded = readEmbeddedError(data);
  if (embedded !== null) return fail200(categorizeStreamError(embedded), `an error inside a 200 answer: ${shorten(embedded.message ?? 'error')}`);
  const problem = getAdapter(apiType).platform?.inspectJson(data) ?? null;
  return problem === null ? null : fail200(problem.category, problem.message);
}

/** A failure the target's 200 answer shows (an error inside it, no content, not the API's shape). */
function fail200(category: FailureCategory, message: string): PlatformPrecheck {
  return fail(category, 200, message);
}

/**
 * An error inside a 200 answer, recognised the way the platform's engine recognises one: `error` as an
 * object or a non-empty string, `type: "error"`, `object: "error"`, `event: "error"`.
 */
function readEmbeddedError(body: unknown): ProviderError | null {
  if (!isRecord(body)) return null;
  const error = body['error'];
  const isError =
    isRecord(error) || (typeof error === 'string' && error !== '') || body['type'] === 'error' || body['object'] === 'error' || body['event'] === 'error';
  if (!isError) return null;
  return readProviderErrorValue(body) ?? { message: 'error event', type: null, code: null };
}

/** The target's error body as the platform relays it (parsed JSON, or text), else the `error` text. */
function readTargetError(data: unknown, errorText: string): ProviderError {
  const fromData = typeof data === 'string' ? readProviderError(data) : readProviderErrorValue(data);
  if (fromData !== null && fromData.message !== null) return fromData;
  const fromText = readProviderError(stripStatusPrefix(errorText));
  return fromData === null ? fromText : { ...fromData, message: fromText.message };
}

function parseLeadingStatus(text: string): number | null {
  const match = /^HTTP (\d{3})\b/.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

function stripStatusPrefix(text: string): string {
  return text.replace(/^HTTP \d{3}\.?\s*/, '');
}

function stringHeaders(headers: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

/** One line of at most 200 characters, masked before the cut and again at its edge. */
function shorten(text: string, clean: (text: string) => string = (t) => maskText(t)): string {
  return maskAndCut(text.replace(/\s+/g, ' ').trim(), 200, clean);
}
