import { isSecretName, maskSecret, maskText } from '../text/mask.js';

/**
 * Response headers that explain a gateway (docs/metrics.md "Gateway headers"): recorded per request when
 * a run has several targets or names headers with --record-header. Lower-case, as undici hands them over.
 */
export const GATEWAY_HEADER_NAMES: readonly string[] = [
  'x-litellm-overhead-duration-ms',
  'x-litellm-attempted-retries',
  'x-litellm-cache-key',
  'x-litellm-model-id',
  'server-timing',
  'openai-processing-ms',
  'x-envoy-upstream-service-time',
  'x-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-litellm-call-id',
];

/** Every header with this prefix is recorded (retry count, cache status, the option chosen...). */
export const GATEWAY_HEADER_PREFIXES: readonly string[] = ['x-portkey-'];

/** The server's request id, first found wins. */
export const REQUEST_ID_HEADERS: readonly string[] = ['x-request-id', 'request-id', 'x-amzn-requestid', 'x-litellm-call-id'];

/** Longer server request ids are cut: an id is for joining logs, not a place for a body. */
const MAX_REQUEST_ID_CHARS = 200;

/**
 * The server's own request id of one answer (the first of REQUEST_ID_HEADERS it sends), recorded on every
 * request as `serverRequestId` (docs/cli.md "Request ids"); null when it sends none. A few lookups per answer.
 */
export function readServerRequestId(headers: Readonly<Record<string, string | string[] | undefined>>): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value.length > MAX_REQUEST_ID_CHARS ? value.slice(0, MAX_REQUEST_ID_CHARS) : value;
  }
  return null;
}

/** What a run records: the gateway set plus the user's own names (lower-cased, each once). */
export function recordedHeaderNames(userNames: readonly string[]): string[] {
  return [...new Set([...GATEWAY_HEADER_NAMES, ...userNames.map((name) => name.trim().toLowerCase())])];
}

/**
 * The wanted headers of one answer (and every header with a gateway prefix), values masked when
 * secret-looking (by name or shape); null when none is there. Called once per response, only when headers
 * are recorded: one pass over the answer's headers, a set lookup each.
 */
export function captureHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  wanted: ReadonlySet<string>,
): Record<string, string> | null {
  let out: Record<string, string> | null = null;
  for (const name in headers) {
    if (!wanted.has(name) && !hasGatewayPrefix(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    out ??= {};
    out[name] = maskHeaderValue(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

function hasGatewayPrefix(name: string): boolean {
  for (const prefix of GATEWAY_HEADER_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** Every shape maskText finds is 10 characters or more: shorter values ("3.25", "MISS") skip its regexes. */
const SHORTEST_MASKED = 10;

function maskHeaderValue(name: string, value: string): string {
  if (isSecretName(name)) return maskSecret(value);
  return value.length < SHORTEST_MASKED ? value : maskText(value);
}

/** One `Server-Timing` metric: `name;desc="…";dur=12.5`. */
export interface ServerTimingEntry {
  name: string;
  durMs: number | null;
}

/** `Server-Timing` (RFC-style list): each metric's name and duration; unreadable parts are skipped. */
export function parseServerTiming(value: string): ServerTimingEntry[] {
  const entries: ServerTimingEntry[] = [];
  for (const part of value.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = (rawName ?? '').trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue;
    let durMs: number | null = null;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'dur') continue;
      const number = Number(param.slice(eq + 1).trim().replace(/^"|"$/g, ''));
      if (Number.isFinite(number) && number >= 0) durMs = number;
    }
    entries.push({ name, durMs });
  }
  return entries;
}

/** A header value as milliseconds (`3.25`), or null when it is not a non-negative number. */
export function headerMs(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const number = Number(value.trim());
  return Number.isFinite(number) && number >= 0 ? number : null;
}
