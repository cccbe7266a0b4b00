import { request } from 'node:http';

export const TOKEN = 'serve-test-token-0123456789abcdef';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

/** One HTTP request to the service (loopback only), with the token unless `auth` says otherwise. */
export function call(base: string, method: string, path: string, options: { body?: unknown; auth?: string | null } = {}): Promise<Answer> {
  const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    // A new connection per call: a reused keep-alive socket can meet the server's idle close (ECONNRESET).
    const req = request(`${base}${path}`, {
      method,
      agent: false,
      headers: { ...(auth === null ? {} : { authorization: auth }), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Poll `GET /runs/<id>` until `until` holds; fails saying what it waited for. */
export async function waitForRun(base: string, id: string, what: string, until: (status: { state: string; live: { finished: number } | null }) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    const answer = await call(base, 'GET', `/runs/${id}`);
    last = answer.json();
    if (until(last as { state: string; live: { finished: number } | null })) return last as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id}: waited ${timeoutMs} ms for ${what}; last status: ${JSON.stringify(last)}`);
}
