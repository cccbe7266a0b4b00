/**
 * Masking of secrets (docs/cli.md "Masking"): every line we print and every file we write passes through
 * here. What is masked is what is secret, never an ordinary word: values of known auth headers and of
 * names that say "key", "token", "secret"... as a whole word (`x-api-key`, `api_key`, `access_token`,
 * but not `x-portkey-provider`), URL userinfo, and key-shaped values wherever they appear (`sk-…`,
 * `Bearer …`, Google `AIza…`, JWTs, long random tokens). A value of 12+ characters keeps its scheme
 * word, first 3 and last 4 characters (`Bearer sk-…abcd`); shorter ones and Basic credentials become `***`.
 */

/** Header names that carry credentials whatever their words say. */
const SECRET_HEADER_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-authorization']);
/** Words of a name (split at `-`, `_`, `.`, camelCase) that make it a secret's name. */
const SECRET_WORDS = new Set([
  'key', 'apikey', 'token', 'secret', 'password', 'passwd', 'pwd', 'auth', 'authorization', 'signature', 'sig',
  'credential', 'credentials', 'cookie', 'jwt', 'bearer', 'accesskey', 'accesstoken',
]);

/** True when a header, query parameter or body field of this name carries a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  if (SECRET_HEADER_NAMES.has(lower)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}

/** Mask one secret value. */
export function maskSecret(value: string): string {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  if (space > 0) {
    const scheme = trimmed.slice(0, space);
    const rest = trimmed.slice(space + 1).trim();
    if (scheme.toLowerCase() === 'basic') return `${scheme} ***`;
    if (/^[A-Za-z][A-Za-z0-9-]*$/.test(scheme)) return `${scheme} ${maskBare(rest)}`;
  }
  return maskBare(trimmed);
}

function maskBare(value: string): string {
  if (value.length < 12) return '***';
  return `${value.slice(0, 3)}…${value.slice(-4)}`;
}

/** A value that already shows a mask: masking it again would only blur it (`sk-…abcd` → `***`). */
function isMasked(value: string): boolean {
  return value.includes('…') || value.includes('***');
}

/** Headers for printing: secret values masked, the rest as they are. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretName(name) ? maskSecret(value) : maskText(value);
  return out;
}

/** Cookies for printing: every value masked. */
export function maskCookies(cookies: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(cookies)) out[name] = maskSecret(value);
  return out;
}

/** A URL for printing: user:password and secret-named query values masked. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskText(url);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const [name, value] of [...parsed.searchParams]) {
    if (isSecretName(name) && !isMasked(value)) parsed.searchParams.set(name, maskSecret(value));
  }
  // URLSearchParams percent-encodes the ellipsis; keep it readable.
  return maskText(parsed.toString().replaceAll('%E2%80%A6', '…').replaceAll('***%40', '***@').replaceAll('%2A%2A%2A', '***'));
}

/** A base URL for printing: masked, without the `/` that URL serialisation adds to a bare origin. */
export function maskBaseUrl(base: string): string {
  return maskUrl(base).replace(/\/$/, '');
}

/** A parsed JSON value for printing (a request body): strings under secret-named fields masked, deeply. */
export function maskJsonValue(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map((item) => maskJsonValue(item, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    out[name] = typeof field === 'string' && isSecretName(name) && !isMasked(field) ? maskSecret(field) : maskJsonValue(field, depth + 1);
  }
  return out;
}

/**
 * Key-shaped values, found by their shape wherever they are: OpenAI/Anthropic/DeepSeek `sk-…`, Google
 * `AIza…`, GitHub, Slack, Hugging Face and AWS access keys, JWTs.
 */
const KEY_SHAPES =
  /\b(?:sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|hf_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g;
/** A credential after its scheme word: `Bearer abc…`, `Basic dXNl…`. */
const SCHEME_CREDENTIAL = /\b(Bearer|Basic|Token|Digest)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
/**
 * A long random token: 32+ letters and digits without a separator, mixing upper case, lower case and
 * digits (UUIDs, hex digests, words and hyphenated model names are not).
 */
const LONG_TOKEN = /\b[A-Za-z0-9]{32,}\b/g;
/** `name=value` and `"name": "value"` (query strings, form bodies, JSON, headers in text): the value of a secret name. */
const NAMED_VALUE = /(["']?)([A-Za-z][A-Za-z0-9_.-]{0,63})\1([ \t]*[:=][ \t]*)(["']?)([^\s"'&,;}\]<>]+)/g;
/** `scheme://user:pass@host`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*(?::[^\s/@]*)?)@/gi;
const SCHEME_WORDS = new Set(['bearer', 'basic', 'token', 'digest']);

/**
 * Mask secrets in free text (error messages, echoed bodies, URLs in messages): every known secret value
 * (from the run's headers, URL and body; 8+ characters, shorter values are too likely to be words) and
 * every key-shaped value, secret-named value and URL userinfo found by shape.
 */
export function maskText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    const bare = secret.trim();
    if (bare.length < 8 || !out.includes(bare.slice(0, 8))) continue;
    out = out.split(bare).join(maskSecret(bare));
    const space = bare.indexOf(' ');
    if (space > 0) {
      const token = bare.slice(space + 1).trim();
      if (token.length >= 8) out = out.split(token).join(maskSecret(token));
    }
  }
  out = out.replace(USERINFO, (_all, scheme: string) => `${scheme}***@`);
  out = out.replace(SCHEME_CREDENTIAL, (_all, scheme: string, space: string, credential: string) =>
    scheme.toLowerCase() === 'basic' ? `${scheme}${space}***` : `${scheme}${space}${maskBare(credential)}`,
  );
  out = out.replace(KEY_SHAPES, (key) => maskBare(key));
  out = out.replace(LONG_TOKEN, (token) => (/[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token) ? maskBare(token) : token));
  out = out.replace(NAMED_VALUE, (all, quote: string, name: string, separator: string, valueQuote: string, value: string) => {
    // Short values and numbers (`token_count: 5`) are not credentials.
    if (value.length < 8 || /^\d+$/.test(value) || isMasked(value) || SCHEME_WORDS.has(value.toLowerCase()) || !isSecretName(name)) return all;
    return `${quote}${name}${quote}${separator}${valueQuote}${maskBare(value)}`;
  });
  return out;
}

/**
 * Mask, cut to `maxChars`, and mask again at the cut's edge: a token the cut splits is dropped whole
 * (a known key cut in half no longer matches itself, so masking the piece could not find it). A huge
 * text is first cut to 16× the length the same way, so masking stays cheap.
 */
export function maskAndCut(text: string, maxChars: number, mask: (text: string) => string = maskText): string {
  const bounded = text.length > maxChars * 16 ? cutAtToken(text, maxChars * 16) : text;
  const masked = mask(bounded);
  if (masked.length <= maxChars && bounded === text) return masked;
  return `${mask(cutAtToken(masked, maxChars - 1))}…`;
}

/**
 * The first `length` characters, the piece of a token the cut splits masked as a whole (it may be the
 * start of a key that masking cannot recognise any more).
 */
function cutAtToken(text: string, length: number): string {
  const cut = text.slice(0, Math.max(0, length));
  if (!/\S$/.test(cut) || !/^\S/.test(text.slice(cut.length))) return cut;
  return cut.replace(/\S+$/, (piece) => (piece.length < 12 ? '' : maskBare(piece)));
}

/**
 * The secret values of a target, for maskText: secret-named headers, cookies, URL userinfo and
 * secret-named query values, and secret-named string fields of the body (at any depth).
 */
export function secretValues(
  headers: Readonly<Record<string, string>>,
  cookies: Readonly<Record<string, string>> = {},
  more: { url?: string; body?: unknown } = {},
): string[] {
  const values = Object.entries(headers)
    .filter(([name]) => isSecretName(name))
    .map(([, value]) => value);
  values.push(...Object.values(cookies));
  if (more.url !== undefined) values.push(...urlSecrets(more.url));
  if (more.body !== undefined) collectBodySecrets(more.body, values, 0);
  return [...new Set(values)];
}

function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (parsed.password !== '') out.push(parsed.password, decodeURIComponentSafe(parsed.password));
  if (parsed.username !== '') out.push(parsed.username, decodeURIComponentSafe(parsed.username));
  for (const [name, value] of parsed.searchParams) if (isSecretName(name)) out.push(value, encodeURIComponent(value));
  return out;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function collectBodySecrets(value: unknown, out: string[], depth: number): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectBodySecrets(item, out, depth + 1);
    return;
  }
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (typeof field === 'string' && isSecretName(name)) out.push(field);
    else collectBodySecrets(field, out, depth + 1);
  }
}

/** secretValues of a whole target (a TargetSpec or anything shaped like one). */
export function targetSecrets(target: {
  headers: Readonly<Record<string, string>>;
  cookies: Readonly<Record<string, string>>;
  url: string;
  body?: unknown;
}): string[] {
  return secretValues(target.headers, target.cookies, { url: target.url, body: target.body });
}
