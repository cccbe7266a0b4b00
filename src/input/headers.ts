import { inputError } from '../failures/errors.js';
import { escapeControl } from '../text/escape.js';
import { maskSecret } from '../text/mask.js';
import type { NameValue } from '../model/plan.js';

/**
 * Header and cookie lines as curl and our flags take them: parse, look up case-insensitively, merge.
 * Names keep the case the user gave; lookups ignore it, as HTTP does.
 */

/**
 * Parse one `-H` value. `Name: value` sets a header; `Name;` sends it empty (curl's rule); `Name:`
 * with nothing after it removes a default in curl, so it returns null (nothing to send).
 */
export function parseHeaderLine(line: string, source: string): NameValue | null {
  const trimmed = line.trim();
  const colon = trimmed.indexOf(':');
  if (colon < 0) {
    if (trimmed.endsWith(';') && trimmed.length > 1 && !trimmed.slice(0, -1).includes(' ')) {
      return { name: trimmed.slice(0, -1), value: '' };
    }
    throw inputError(
      'HEADER_INVALID',
      `${source} "${truncate(showSafely(trimmed))}" is not a header: expected "Name: value"`,
      'write each header as -H "Name: value", e.g. -H "Authorization: Bearer $OPENAI_API_KEY"',
    );
  }
  const name = trimmed.slice(0, colon).trim();
  const value = trimmed.slice(colon + 1).trim();
  checkHeader(name, value, source);
  if (value === '') return null;
  return { name, value };
}

/** HTTP's token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value holds no control character but tab (CR or LF would split the request) and nothing past U+00FF. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Refuse a header HTTP cannot carry: a name with spaces, separators or control characters, a value with
 * CR, LF, another control character or a character past U+00FF (exit 2, naming the header).
 */
export function checkHeader(name: string, value: string, source: string): void {
  if (!HEADER_NAME.test(name)) {
    throw inputError(
      'HEADER_INVALID',
      `${source} has an invalid header name "${truncate(escapeControl(name))}"`,
      'write each header as -H "Name: value"; a name has no spaces, separators or control characters',
    );
  }
  const bad = BAD_VALUE_CHAR.exec(value);
  if (bad !== null) {
    const code = bad[0].codePointAt(0) ?? 0;
    throw inputError(
      'HEADER_INVALID',
      `${source} header "${truncate(name)}" has ${code < 0x20 || code === 0x7f ? 'a control character' : 'a character HTTP headers cannot carry'} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) in its value`,
      'remove line breaks and control characters from the value (a header is one line); encode other text first',
    );
  }
}

/**
 * One `-H` value into the request's headers, or into its cookies when it is a Cookie header: the
 * platform keeps cookies apart from headers, for curl's -H and our -H alike.
 */
export function addHeaderLine(line: string, source: string, request: { headers: NameValue[]; cookies: NameValue[] }): void {
  const header = parseHeaderLine(line, source);
  if (header === null) return;
  if (header.name.toLowerCase() === 'cookie') request.cookies.push(...parseCookieString(header.value, `${source} Cookie`));
  else request.headers.push(header);
}

/** The Authorization value of `user:password`, as curl's -u and a URL's credentials send it. */
export function toBasicAuthorization(credentials: string): string {
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** Parse a cookie string `a=b; c=d` into pairs (values may contain `=`). */
export function parseCookieString(text: string, source: string): NameValue[] {
  const out: NameValue[] = [];
  for (const part of text.split(';')) {
    const piece = part.trim();
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    if (eq <= 0) {
      throw inputError(
        'COOKIE_INVALID',
        `${source} "${truncate(showSafely(piece))}" is not a cookie: expected "name=value"`,
        'write cookies as --cookie "name=value" (several: "a=1; b=2")',
      );
    }
    out.push({ name: piece.slice(0, eq).trim(), value: piece.slice(eq + 1).trim() });
  }
  return out;
}

/** A cookie goes into the Cookie header: the same characters are refused, and `;` would split it. */
function checkCookie(name: string, value: string): void {
  if (!HEADER_NAME.test(name) || BAD_VALUE_CHAR.test(value) || value.includes(';')) {
    throw inputError(
      'COOKIE_INVALID',
      `the cookie "${truncate(escapeControl(name))}" has a character a Cookie header cannot carry (a control character, a line break or ";")`,
      'write cookies as --cookie "name=value" with printable characters only',
    );
  }
}

/** Lookup in a final header record, ignoring case. */
export function getHeader(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * Turn an ordered list into the record we send: a later header replaces an earlier one of the same name
 * (any case), keeping the later spelling; order of first appearance is kept.
 */
export function toHeaderRecord(headers: readonly NameValue[]): Record<string, string> {
  const byLower = new Map<string, NameValue>();
  for (const header of headers) {
    checkHeader(header.name, header.value, 'the request');
    const lower = header.name.toLowerCase();
    const existing = byLower.get(lower);
    if (existing === undefined) byLower.set(lower, { ...header });
    else {
      existing.name = header.name;
      existing.value = header.value;
    }
  }
  const out: Record<string, string> = {};
  for (const { name, value } of byLower.values()) out[name] = value;
  return out;
}

/** Cookies into a record; a later cookie of the same name wins. */
export function toCookieRecord(cookies: readonly NameValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of cookies) {
    checkCookie(name, value);
    out[name] = value;
  }
  return out;
}

/** A malformed line may still hold a key (a forgotten name): mask anything long enough to be one. */
function showSafely(text: string): string {
  return text.length >= 12 ? maskSecret(text) : text;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
