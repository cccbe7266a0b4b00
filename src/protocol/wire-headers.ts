/**
 * The headers a request goes out with, decided in one place for normalisation, the pre-check and the
 * load: the user's headers without the ones the HTTP client owns, the API's defaults the user did not
 * set, Content-Type, and the cookies.
 */

export interface WireHeaderInput {
  /** The user's headers (any case). */
  headers: Readonly<Record<string, string>>;
  cookies: Readonly<Record<string, string>>;
  /** Headers the API needs (e.g. anthropic-version), added when the user did not set them. */
  defaults?: Readonly<Record<string, string>>;
}

export interface WireHeaders {
  headers: Record<string, string>;
  /** User headers left out because the HTTP client manages them, as named by the user. */
  droppedTransport: string[];
  /** A user Host header was left out: undici sets Host from the URL. */
  droppedHost: string | null;
  addedContentType: boolean;
}

/**
 * Headers about the connection and its encoding belong to the HTTP client, not the request: a copied
 * Content-Length is wrong once the body is normalised, Accept-Encoding would make the server compress the
 * stream we time, and undici refuses Transfer-Encoding, Keep-Alive and Upgrade outright.
 */
const TRANSPORT_HEADERS = new Set(['content-length', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'accept-encoding', 'expect']);

export function buildWireHeaders(input: WireHeaderInput): WireHeaders {
  const headers: Record<string, string> = {};
  const droppedTransport: string[] = [];
  let droppedHost: string | null = null;
  const present = new Set<string>();
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (TRANSPORT_HEADERS.has(lower)) droppedTransport.push(name);
    else if (lower === 'host') droppedHost = name;
    else {
      headers[name] = value;
      present.add(lower);
    }
  }
  for (const [name, value] of Object.entries(input.defaults ?? {})) {
    if (present.has(name.toLowerCase())) continue;
    headers[name] = value;
    present.add(name.toLowerCase());
  }
  const addedContentType = !present.has('content-type');
  if (addedContentType) headers['Content-Type'] = 'application/json';
  const cookie = Object.entries(input.cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  if (cookie !== '') {
    const given = Object.keys(headers).find((name) => name.toLowerCase() === 'cookie');
    if (given === undefined) headers['cookie'] = cookie;
    else headers[given] = `${headers[given] as string}; ${cookie}`;
  }
  return { headers, droppedTransport, droppedHost, addedContentType };
}
