/**
 * The pre-check: one real request to the target, with the user's headers and body, before any load. It
 * either proves the target answers like the API it claims to be (and says what it can measure exactly),
 * or names the failure in one stable category with the server's own words and a hint.
 */
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { FailureCategory } from '../failures/categories.js';
import type { TargetSpec } from '../model/plan.js';
import { maskText, maskUrl, targetSecrets } from '../text/mask.js';
import { categorizeHttpStatus } from '../failures/classify-http.js';
import { FAILURE_HINTS, hintForProviderError } from '../failures/hints.js';
import { readProviderError, readProviderErrorValue, readRetryAfterS, type MaskFunction } from '../protocol/provider-error.js';
import { getAdapter, streamContentTypeOf } from '../protocol/registry.js';
import { buildWireHeaders } from '../protocol/wire-headers.js';
import type { ParsedResponse } from '../protocol/types.js';
import { buildCapabilityReport, round2 } from './capability.js';
import { categorizeTransportError, type TransportFailure } from '../failures/classify-transport.js';
import type { PrecheckFailure } from '../failures/precheck-failed.js';
import type { PrecheckResult } from './types.js';

export interface PrecheckOptions {
  /** DNS resolution (tests inject one; nothing else should need to). */
  lookup?: LookupFunction;
  /** Accept a self-signed certificate; defaults to the target's --insecure. */
  insecure?: boolean;
  /** Whole request deadline; defaults to the target's --timeout. */
  timeoutMs?: number;
  /** Monotonic clock in ms; performance.now by default. */
  now?: () => number;
}

/** Kept of an error or JSON body: enough for any real answer, bounded against a server streaming forever. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function runPrecheck(target: TargetSpec, options: PrecheckOptions = {}): Promise<PrecheckResult> {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = positive(options.timeoutMs ?? target.timeoutMs);
  const limits: Limits = {
    totalMs: timeoutMs,
    connectMs: Math.min(positive(target.connectTimeoutMs), timeoutMs),
    idleMs: Math.min(positive(target.idleTimeoutMs), timeoutMs),
  };
  const secrets = targetSecrets(target);
  const mask = (text: string): string => maskText(text, secrets);
  const agent = new Agent({
    connect: {
      rejectUnauthorized: !(options.insecure ?? target.insecure),
      timeout: limits.connectMs,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    },
    headersTimeout: timeoutMs,
    bodyTimeout: limits.idleMs,
    connections: 1,
  });
  // The whole exchange has one deadline; undici's own timeouts only bound the connect, the wait for
  // headers and each gap in the body.
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, timeoutMs);

  const startedAt = now();
  const fail: FailFunction = (category, status, message, extra = {}) => ({
    ok: false,
    failure: {
      apiType: target.apiType,
      category,
      status,
      message: mask(message),
      hint: FAILURE_HINTS[category],
      latencyMs: round2(now() - startedAt),
      ...extra,
    },
  });

  let response: Dispatcher.ResponseData | undefined;
  try {
    response = await request(target.url, {
      dispatcher: agent,
      method: target.method as Dispatcher.HttpMethod,
      headers: buildWireHeaders({ headers: target.headers, cookies: target.cookies }).headers,
      ...(target.method === 'GET' || target.method === 'HEAD' ? {} : { body: JSON.stringify(target.body) }),
      signal: deadline.signal,
    });
    return await readResponse(target, response, { now, startedAt, fail, mask });
  } catch (error) {
    if (timedOut) return fail('timeout', response?.statusCode ?? null, `no complete answer within ${timeoutMs} ms (--timeout)`);
    const transport = categorizeTransportError(error);
    // No code at all: not the network's doing but ours (a bug), which must not pass for a target failure.
    if (transport.category === 'unknown' && transport.code === null) throw error;
    const hint = transport.hint === undefined ? {} : { hint: transport.hint };
    return fail(transport.category, response?.statusCode ?? null, describeTransport(transport, limits), hint);
  } finally {
    clearTimeout(timer);
    // Whatever was not read is dropped with the connection: the agent is this pre-check's alone.
    await agent.destroy().catch(() => undefined);
  }
}

/** Build a failure result; the message is masked here, so every path is. */
type FailFunction = (
  category: FailureCategory,
  status: number | null,
  message: string,
  extra?: Partial<Pick<PrecheckFailure, 'hint' | 'retryAfterS'>>,
) => PrecheckResult;

interface ReadContext {
  now: () => number;
  startedAt: number;
  fail: FailFunction;
  mask: (text: string) => string;
}

async function readResponse(
  target: TargetSpec,
  response: Dispatcher.ResponseData,
  context: ReadContext,
): Promise<PrecheckResult> {
  const { now, fail } = context;
  const status = response.statusCode;
  const contentType = headerValue(response.headers['content-type'])?.toLowerCase() ?? null;

  if (status >= 300 && status < 400) {
    await response.body.dump();
    const location = headerValue(response.headers['location']);
    const where = location === null ? 'elsewhere' : `to ${context.mask(maskUrl(location))}`;
    return fail('unknown', status, `HTTP ${status}: the target redirects ${where}${location === null ? '' : '; point --url there'}`, {
      hint: 'use the URL the target redirects to (often https:// instead of http://, or a trailing-slash difference)',
    });
  }
  if (status < 200 || status > 299) {
    const providerError = readProviderError(await readBodyText(response.body), context.mask);
    const category = categorizeHttpStatus(status, providerError);
    const retryAfterS = readRetryAfterS(response.headers);
    // A numeric code only repeats the status (vLLM); the type says more then.
    const detail = providerError.code !== null && !/^\d+$/.test(providerError.code) ? providerError.code : providerError.type;
    const said = providerError.message ?? 'empty body';
    const message = `HTTP ${status}: ${said}${detail !== null && !said.includes(detail) ? ` (${detail})` : ''}`;
    // Out of quota, waiting never helps: a retry-after would only contradict the hint.
    const wait = retryAfterS === null || category === 'quota_exceeded' ? {} : { retryAfterS };
    return fail(category, status, message, { hint: hintForProviderError(category, providerError), ...wait });
  }

  const isHtml = contentType?.includes('text/html') === true;
  const adapter = getAdapter(target.apiType);
  const streamType = streamContentTypeOf(adapter);
  // The API's stream type (SSE, or Ollama's application/x-ndjson, which says json too) is never plain JSON.
  const isSse = contentType?.includes(streamType) === true;
  const isJson = contentType?.includes('json') === true && !isSse;
  const parseOptions = { keepText: true, model: target.model, mask: context.mask };
  let parsed: ParsedResponse;

  if (target.stream) {
    if (isHtml || isJson) {
      const text = await readBodyText(response.body);
      const what = isHtml ? 'an HTML page' : 'application/json';
      const said = isHtml ? readProviderError(text, context.mask).message : readJsonErrorMessage(text, context.mask);
      return fail('invalid_response', status, `asked for a stream, got ${what}${said === null ? '' : `: ${said}`}`);
    }
    const parser = adapter.createStreamParser(parseOptions);
    for await (const chunk of response.body) {
      parser.push(chunk as Buffer, now());
      if (parser.finished) break;
    }
    parsed = parser.end(now());
    // A body that never claimed to be SSE and did not parse as one is something else, not an empty answer.
    const notAnswer = parsed.category === 'empty_response' || parsed.category === 'invalid_response';
    if (!parsed.ok && !isSse && parsed.contentChunks === 0 && notAnswer) {
      const said = parsed.message === null ? '' : `: ${parsed.message}`;
      return fail('invalid_response', status, `asked for a stream, got ${contentType ?? 'no content-type'}${said}`);
    }
  } else {
    if (isSse) {
      await response.body.dump();
      return fail('invalid_response', status, `asked for JSON (not streaming), got ${streamType}: use --stream`);
    }
    if (isHtml) {
      const said = readProviderError(await readBodyText(response.body), context.mask).message;
      return fail('invalid_response', status, `got an HTML page, not the API's JSON${said === null ? '' : `: ${said}`}`);
    }
    parsed = adapter.parseJson(await readBodyText(response.body), now(), parseOptions);
  }

  if (!parsed.ok) {
    return fail(parsed.category ?? 'invalid_response', status, parsed.message ?? 'the answer is not the API\'s shape');
  }
  const capability = buildCapabilityReport({
    apiType: target.apiType,
    url: maskUrl(target.url),
    status,
    stream: target.stream,
    contentType,
    modelAsked: target.model,
    maxTokens: adapter.readMaxTokens === undefined ? readMaxTokens(target.body) : adapter.readMaxTokens(target.body),
    startedAt: context.startedAt,
    // Masked before the preview cuts it: a key echoed across the cut would leave a piece nothing finds.
    // The model name is the server's too: an echoing server may put a key in it.
    parsed: { ...parsed, text: context.mask(parsed.text ?? ''), model: parsed.model === null ? null : context.mask(parsed.model) },
  });
  return { ok: true, capability };
}

/** The message of a JSON body that has an error's shape; null for any other JSON (a normal answer). */
function readJsonErrorMessage(text: string, mask: MaskFunction): string | null {
  try {
    return readProviderErrorValue(JSON.parse(text), mask)?.message ?? null;
  } catch {
    return null;
  }
}

/** Read a body as text, keeping at most MAX_BODY_BYTES but always reading it to the end. */
async function readBodyText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (kept >= MAX_BODY_BYTES) continue;
    chunks.push(buffer);
    kept += buffer.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

interface Limits {
  totalMs: number;
  connectMs: number;
  idleMs: number;
}

function describeTransport(transport: TransportFailure, limits: Limits): string {
  const { category, message, code } = transport;
  switch (category) {
    case 'timeout':
      if (code === 'UND_ERR_CONNECT_TIMEOUT') return `could not connect within ${limits.connectMs} ms`;
      if (code === 'UND_ERR_HEADERS_TIMEOUT') return `no response headers within ${limits.totalMs} ms (--timeout)`;
      if (code === 'UND_ERR_BODY_TIMEOUT') return `the response stalled: no data for ${limits.idleMs} ms (--idle-timeout)`;
      return `no answer in time: ${message}`;
    case 'connection_refused':
      return `connection refused: ${message}`;
    case 'connection_reset':
      return `connection cut: ${message}`;
    case 'dns':
      return `host name not found: ${message}`;
    case 'tls':
      return `TLS failed: ${message}`;
    default:
      return message;
  }
}

function readMaxTokens(body: Readonly<Record<string, unknown>>): number | null {
  const value = body['max_tokens'] ?? body['max_completion_tokens'];
  return typeof value === 'number' ? value : null;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function positive(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 1;
}
