import type { FailureCategory } from './categories.js';

/** What a transport error (no HTTP answer, or a broken one) means, in the pre-check's words. */
export interface TransportFailure {
  category: FailureCategory;
  /** Short and human: the error's own message with its code, e.g. "connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)". */
  message: string;
  /** The code that decided the category (undici's `UND_ERR_*` or Node's), null when none did. */
  code: string | null;
  /** Our side ran out of sockets or files (EMFILE, EADDRNOTAVAIL): the generator's fault, not the target's. */
  generator: boolean;
  /** A sharper hint than the category's when the code says more (https:// to a plain-HTTP port). */
  hint?: string;
}

const CODE_CATEGORIES: ReadonlyMap<string, FailureCategory> = new Map<string, FailureCategory>([
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['EAI_NONAME', 'dns'],
  ['EAI_NODATA', 'dns'],
  ['EAI_FAIL', 'dns'],
  ['ECONNREFUSED', 'connection_refused'],
  ['ECONNRESET', 'connection_reset'],
  ['EPIPE', 'connection_reset'],
  ['ECONNABORTED', 'connection_reset'],
  ['UND_ERR_SOCKET', 'connection_reset'],
  ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  ['ETIMEDOUT', 'timeout'],
  ['ESOCKETTIMEDOUT', 'timeout'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
  ['UNABLE_TO_GET_ISSUER_CERT', 'tls'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
  ['HOSTNAME_MISMATCH', 'tls'],
  ['UND_ERR_PRX_TLS', 'tls'],
  // Response headers over Node's limit (16 KiB by default): not an HTTP answer we can read.
  ['UND_ERR_HEADERS_OVERFLOW', 'invalid_response'],
  ['HPE_HEADER_OVERFLOW', 'invalid_response'],
]);

const TLS_CODE_PREFIXES = ['CERT_', 'ERR_TLS_', 'ERR_SSL_', 'ERR_OSSL_'];

/** Generator-side exhaustion: counted apart from the server's errors (docs/metrics.md "Generator health"). */
const GENERATOR_CODES = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EADDRINUSE']);

const WRONG_VERSION_HINT =
  'the port speaks plain HTTP, not TLS: use http:// instead of https:// (or the TLS port)';

const HEADERS_OVERFLOW_HINT =
  'the server sends response headers over 16 KiB: no LLM API does; check that --url is the API endpoint (a proxy or web front may add them)';

/** Bound on the errors looked at: cause chains can be cyclic or absurdly deep. */
const MAX_NODES = 32;
const MAX_MESSAGE_CHARS = 300;

/**
 * Transport error → failure category, by error code (undici's and Node's), looking through `cause`
 * chains and AggregateError (happy-eyeballs tries ::1 and 127.0.0.1 and fails with both). Pure and
 * cheap: the engine calls it for every failed request.
 */
export function categorizeTransportError(error: unknown): TransportFailure {
  const chain = flattenErrorChain(error);
  for (const node of chain) {
    const code = readCode(node);
    if (code !== null && GENERATOR_CODES.has(code)) {
      return { category: 'unknown', message: describe(node, code), code, generator: true };
    }
    const category = categoryOfNode(node, code);
    if (category !== null) {
      const failure: TransportFailure = { category, message: describe(node, code), code, generator: false };
      if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') failure.hint = WRONG_VERSION_HINT;
      if (code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'HPE_HEADER_OVERFLOW') {
        failure.message = `the response headers are larger than Node's limit (16 KiB) (${code})`;
        failure.hint = HEADERS_OVERFLOW_HINT;
      }
      return failure;
    }
  }
  return { category: 'unknown', message: describeChain(chain), code: readCode(chain[0]), generator: false };
}

function categoryOfNode(node: unknown, code: string | null): FailureCategory | null {
  if (code !== null) {
    const known = CODE_CATEGORIES.get(code);
    if (known !== undefined) return known;
    if (TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix))) return 'tls';
    // llhttp's parser errors: what came back is not an HTTP response.
    if (code.startsWith('HPE_')) return 'invalid_response';
  }
  const name = readString(node, 'name');
  const message = readString(node, 'message') ?? '';
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError.
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError' && /time(d)?[ -]?out/i.test(message)) return 'timeout';
  if (/other side closed|socket hang up/i.test(message)) return 'connection_reset';
  // Older OpenSSL builds report TLS failures as EPROTO with the SSL routine in the text.
  if (code === 'EPROTO' && /ssl|tls/i.test(message)) return 'tls';
  return null;
}

/** The error, then its causes and aggregated errors, breadth first, each once. */
function flattenErrorChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < MAX_NODES) {
    const node = queue.shift();
    if (node === undefined || node === null || seen.has(node)) continue;
    seen.add(node);
    out.push(node);
    if (typeof node !== 'object') continue;
    const cause = (node as { cause?: unknown }).cause;
    if (cause !== undefined) queue.push(cause);
    const errors = (node as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
    // undici aborts with the signal's reason kept here.
    const reason = (node as { reason?: unknown }).reason;
    if (reason !== undefined && reason !== node) queue.push(reason);
  }
  return out;
}

function readCode(node: unknown): string | null {
  const code = readString(node, 'code');
  return code === null || code === '' ? null : code;
}

function readString(node: unknown, key: string): string | null {
  if (typeof node !== 'object' || node === null) return null;
  const value = (node as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

function describe(node: unknown, code: string | null): string {
  const message = firstLine(readString(node, 'message') ?? (typeof node === 'string' ? node : ''));
  if (code === null) return clip(message === '' ? 'transport error' : message);
  if (message === '') return code;
  return clip(message.includes(code) ? message : `${message} (${code})`);
}

/** For an unrecognised error: every distinct message of the chain ("fetch failed: ..."). */
function describeChain(chain: unknown[]): string {
  const parts: string[] = [];
  for (const node of chain) {
    const text = describe(node, readCode(node));
    if (text !== 'transport error' && !parts.includes(text)) parts.push(text);
  }
  return clip(parts.length === 0 ? 'transport error' : parts.join(': '));
}

/** OpenSSL messages carry a source path after the reason; the first line is what a user needs. */
function firstLine(text: string): string {
  const end = text.indexOf('\n');
  const line = end === -1 ? text : text.slice(0, end);
  if (!line.includes('SSL routines')) return line;
  return /error:[0-9A-F]+:SSL routines:[^:]*:([^:]+)/.exec(line)?.[1] ?? line;
}

function clip(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
