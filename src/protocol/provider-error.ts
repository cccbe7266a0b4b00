/**
 * Reading what a provider says went wrong (docs/wire-formats.md "Errors"): the error body of a non-2xx answer,
 * an error event inside a 200 stream, and the retry hints in the headers. What those mean in our categories
 * is failures/classify-http.ts's.
 */
import { parseDurationS } from './duration.js';
import { isRecord } from './json-bytes.js';
import { maskAndCut, maskText } from '../text/mask.js';
import type { ProviderError } from './types.js';

const MAX_MESSAGE_CHARS = 200;

/**
 * Masks the secrets in server text (maskText with the run's secrets). Applied to the decoded message (a
 * JSON-escaped key only matches once decoded), before it is cut to 200 characters and again at the cut's
 * edge: a key echoed across the cut would leave a piece that masking the message could not find.
 */
export type MaskFunction = (text: string) => string;
/** Without the run's secrets, key-shaped values are still masked. */
const KEEP: MaskFunction = (text) => maskText(text);

/** Read an error body of any known shape; never throws. Unknown text gives its first 200 characters. */
export function readProviderError(text: string, mask: MaskFunction = KEEP): ProviderError {
  const trimmed = text.trim();
  if (trimmed === '') return { message: null, type: null, code: null };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
    if (parsed !== undefined) return readProviderErrorValue(parsed, mask) ?? plainTextError(trimmed, mask);
  }
  if (/^<(!doctype|html|head|body|\?xml)/i.test(trimmed) || /<\/(html|body|title)>/i.test(trimmed)) {
    return { message: readHtmlMessage(trimmed, mask), type: null, code: null };
  }
  return plainTextError(trimmed, mask);
}

/**
 * Read an already parsed error value (a JSON body, or the data of an in-stream error event). Null when it
 * has no known error shape.
 */
export function readProviderErrorValue(value: unknown, mask: MaskFunction = KEEP): ProviderError | null {
  if (!isRecord(value)) return null;
  const cut = (text: string): string => shorten(text, mask);
  const inner = value['error'];
  if (isRecord(inner)) {
    // OpenAI {error:{message,type,param,code}}, Azure (string code, no type), new vLLM (int code),
    // Anthropic {type:"error", error:{type,message}}.
    return {
      message: readMessage(inner['message'], cut) ?? readMessage(inner['msg'], cut),
      type: readScalar(inner['type']),
      code: readScalar(inner['code']) ?? readScalar(inner['status']),
    };
  }
  if (typeof inner === 'string') {
    return { message: cut(inner), type: readScalar(value['type']), code: readScalar(value['code']) };
  }
  if (value['object'] === 'error') {
    // Older vLLM / FastChat: flat {"object":"error","message","type","code"}.
    return { message: readMessage(value['message'], cut), type: readScalar(value['type']), code: readScalar(value['code']) };
  }
  if ('detail' in value) {
    return { message: readDetail(value['detail'], cut), type: null, code: null };
  }
  if (typeof value['message'] === 'string') {
    return { message: readMessage(value['message'], cut), type: readScalar(value['type']), code: readScalar(value['code']) };
  }
  return null;
}

/** Header values as undici (`IncomingHttpHeaders`, lower-case names) or fetch (`Headers`) give them. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | string[] | undefined>>;

/**
 * Seconds to wait before retrying, from the first header that says: `retry-after-ms`, `retry-after`
 * (seconds or an HTTP date), OpenAI `x-ratelimit-reset-*` durations (`6m0s`), Anthropic
 * `anthropic-ratelimit-*-reset` RFC 3339 times (the latest of several). Null when none does.
 */
export function readRetryAfterS(headers: HeaderSource, nowMs: number = Date.now()): number | null {
  const retryAfterMs = parseNumber(readHeader(headers, 'retry-after-ms'));
  if (retryAfterMs !== null) return roundS(retryAfterMs / 1000);
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter !== null) {
    const seconds = parseNumber(retryAfter);
    if (seconds !== null) return roundS(seconds);
    const dateMs = Date.parse(retryAfter);
    if (!Number.isNaN(dateMs)) return roundS(Math.max(0, (dateMs - nowMs) / 1000));
  }
  const durations = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((name) => readHeader(headers, name))
    .filter((v): v is string => v !== null)
    .map((v) => parseDurationS(v))
    .filter((s): s is number => s !== null);
  if (durations.length > 0) return roundS(Math.max(...durations));
  const resets = [
    'anthropic-ratelimit-requests-reset',
    'anthropic-ratelimit-tokens-reset',
    'anthropic-ratelimit-input-tokens-reset',
    'anthropic-ratelimit-output-tokens-reset',
  ]
    .map((name) => readHeader(headers, name))
    .filter((v): v is string => v !== null)
    .map((v) => Date.parse(v))
    .filter((ms) => !Number.isNaN(ms));
  if (resets.length > 0) return roundS(Math.max(0, (Math.max(...resets) - nowMs) / 1000));
  return null;
}

function readHeader(headers: HeaderSource, name: string): string | null {
  if (typeof headers.get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value === null || value === '' ? null : value;
  }
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  const value = record[name] ?? findHeaderIgnoringCase(record, name);
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

function findHeaderIgnoringCase(
  record: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | string[] | undefined {
  for (const key of Object.keys(record)) if (key.toLowerCase() === name) return record[key];
  return undefined;
}

function parseNumber(text: string | null): number | null {
  if (text === null || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return null;
  return Number(text);
}

function roundS(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function readDetail(detail: unknown, cut: (text: string) => string): string | null {
  if (typeof detail === 'string') return cut(detail);
  if (Array.isArray(detail)) {
    // FastAPI validation errors: [{loc:[...], msg, type}].
    const parts = detail.map((item) => {
      if (!isRecord(item)) return String(item);
      const loc = Array.isArray(item['loc']) ? item['loc'].join('.') : null;
      const msg = typeof item['msg'] === 'string' ? item['msg'] : JSON.stringify(item);
      return loc === null ? msg : `${loc}: ${msg}`;
    });
    return cut(parts.join('; '));
  }
  if (detail === null || detail === undefined) return null;
  return cut(JSON.stringify(detail));
}

function readHtmlMessage(html: string, mask: MaskFunction): string | null {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const text = collapse(decodeEntities((title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '))));
  return text === '' ? null : shorten(text, mask);
}

function plainTextError(text: string, mask: MaskFunction): ProviderError {
  const message = collapse(text);
  return { message: message === '' ? null : shorten(message, mask), type: null, code: null };
}

function readMessage(value: unknown, cut: (text: string) => string): string | null {
  if (typeof value === 'string') return cut(value);
  if (value === null || value === undefined) return null;
  return cut(JSON.stringify(value));
}

function readScalar(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function shorten(text: string, mask: MaskFunction): string {
  return maskAndCut(text, MAX_MESSAGE_CHARS, mask);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}
