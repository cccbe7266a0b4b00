import type { IncomingMessage, ServerResponse } from 'node:http';

/** Past this size a posted plan is refused (413): a plan is a few kB; the body is held in memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON answer (`headers` adds e.g. Retry-After). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** The error shape of every refusal: docs/serve.md "Errors". */
export function sendError(
  res: ServerResponse,
  status: number,
  error: { code: string; message: string; hint?: string | null; field?: string | null },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code: error.code, message: error.message, hint: error.hint ?? null, field: error.field ?? null } }, headers);
}

/**
 * The request body as text, or null when it is over `maxBytes`. Past the limit the rest is read and
 * dropped (bounded by the server's request timeout), so the client gets its 413 instead of a reset.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return size > maxBytes ? null : Buffer.concat(chunks).toString('utf8');
}

/** Open a server-sent event stream; the returned function writes one event. */
export function openEventStream(res: ServerResponse): (event: string, data: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': llm-loadtest serve\n\n');
  return (event, data) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}
