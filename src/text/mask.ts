/**
 * Masking of secrets (docs/cli.md "Masking"): every line we print and every file we write passes through
 * here. A value of 12+ characters keeps its scheme word, first 3 and last 4 characters
 * (`Bearer sk-…abcd`); shorter ones and Basic credentials become `***`.
 */

const SECRET_HEADER_NAMES = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie']);
const SECRET_NAME_PARTS = ['key', 'token', 'secret', 'auth', 'password', 'signature'];

/** True when a header (or query parameter) of this name carries a secret. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADER_NAMES.has(lower) || SECRET_NAME_PARTS.some((part) => lower.includes(part));
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

/** Headers for printing: secret values masked, the rest as they are. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretName(name) ? maskSecret(value) : value;
  return out;
}

/** Cookies for printing: every value masked. */
export function maskCookies(cookies: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(cookies)) out[name] = maskSecret(value);
  return out;
}

/** A URL for printing: user:password and secret-looking query values masked. */
export function maskUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const [name, value] of [...parsed.searchParams]) {
    if (isSecretName(name)) parsed.searchParams.set(name, maskSecret(value));
  }
  // URLSearchParams percent-encodes the ellipsis; keep it readable.
  return parsed.toString().replaceAll('%E2%80%A6', '…').replaceAll('***%40', '***@');
}

/** A base URL for printing: masked, without the `/` that URL serialisation adds to a bare origin. */
export function maskBaseUrl(base: string): string {
  return maskUrl(base).replace(/\/$/, '');
}

/**
 * Replace every occurrence of the given secret values in free text (error messages, echoed bodies).
 * Values shorter than 6 characters are left alone: masking them would mangle ordinary words.
 */
export function maskText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    const bare = secret.trim();
    if (bare.length < 6) continue;
    out = out.split(bare).join(maskSecret(bare));
    const space = bare.indexOf(' ');
    if (space > 0) {
      const token = bare.slice(space + 1).trim();
      if (token.length >= 6) out = out.split(token).join(maskSecret(token));
    }
  }
  return out;
}

/** The secret values of a set of headers and cookies, for maskText. */
export function secretValues(
  headers: Readonly<Record<string, string>>,
  cookies: Readonly<Record<string, string>> = {},
): string[] {
  const values = Object.entries(headers)
    .filter(([name]) => isSecretName(name))
    .map(([, value]) => value);
  return [...values, ...Object.values(cookies)];
}
