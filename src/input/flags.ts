import { readBodyArgument } from './body.js';
import { normalizeUrl } from './curl.js';
import { addHeaderLine, parseCookieString } from './headers.js';
import type { NameValue, RequestSpec } from '../model/plan.js';

/** `--url` + `-H` + `--cookie` + `--body`: the flag form of a request, as a RequestSpec. */
export interface RequestFlags {
  url: string;
  headers: readonly string[];
  cookies: readonly string[];
  /** JSON text or `@file`; undefined or '' = none. */
  body: string | undefined;
  insecure: boolean;
}

export async function buildRequestSpecFromFlags(flags: RequestFlags, cwd: string): Promise<RequestSpec> {
  const { headers, cookies } = parseHeaderFlags(flags.headers, flags.cookies);
  const body = flags.body === undefined || flags.body === '' ? undefined : await readBodyArgument(flags.body, cwd, '--body');
  return {
    source: 'flags',
    url: normalizeUrl(flags.url.trim(), '--url'),
    method: 'POST',
    headers,
    cookies,
    body: body === undefined || body.trim() === '' ? undefined : body,
    insecure: flags.insecure,
    warnings: [],
  };
}

/** `-H` and `--cookie` values; a `Cookie:` header joins the cookies (the platform keeps them apart). */
export function parseHeaderFlags(headerLines: readonly string[], cookieLines: readonly string[]): { headers: NameValue[]; cookies: NameValue[] } {
  const request: { headers: NameValue[]; cookies: NameValue[] } = { headers: [], cookies: [] };
  for (const line of headerLines) addHeaderLine(line, '-H/--header', request);
  for (const line of cookieLines) request.cookies.push(...parseCookieString(line, '--cookie'));
  return request;
}
