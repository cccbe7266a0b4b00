/**
 * Hostile servers on 127.0.0.1 (port 0), for tests of what a broken or malicious target does: echoing every
 * secret it was sent, a gigabyte SSE line, a stream that never ends, redirects, control characters and
 * giant headers. Each is a small raw http server; close() cuts open connections, so no test hangs on them.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HostileServer {
  url: string;
  /** Requests seen so far. */
  hits(): number;
  /** The raw requests seen: method, url, headers, body. */
  seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  /** Bytes written to clients so far (giant bodies). */
  bytesSent(): number;
  close(): Promise<void>;
}

type RawHandler = (request: http.IncomingMessage, body: string, response: http.ServerResponse, server: { addSent(n: number): void }) => void | Promise<void>;

export async function startRawServer(handler: RawHandler): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const seen: HostileServer['seen'] = [];
  let sent = 0;
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      void Promise.resolve(handler(request, body, response, { addSent: (n) => (sent += n) })).catch(() => response.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => seen.length,
    seen,
    bytesSent: () => sent,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Answers 401 with an OpenAI-shaped error whose message quotes everything the request carried: every
 * header, the URL with its query, and the body, as JSON (so keys arrive JSON-escaped, `\u0051` style,
 * when `escapeKeys` is set), after `padding` characters so the 200-character cut falls where the test wants.
 */
export async function startEchoServer(options: { padding?: number; escapeKeys?: boolean; status?: number } = {}): Promise<HostileServer> {
  return startRawServer((request, body, response) => {
    const headers = Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join('; ');
    const said = `${'x'.repeat(options.padding ?? 0)} you sent ${request.url ?? ''} with ${headers} and ${body}`;
    let json = JSON.stringify({ error: { message: said, type: 'invalid_request_error', code: 'invalid_api_key' } });
    // JSON-escape every letter Q (and q) of the message: a key then only matches once the JSON is decoded.
    if (options.escapeKeys === true) json = json.replace(/Q/g, '\\u0051').replace(/q/g, '\\u0071');
    response.writeHead(options.status ?? 401, { 'content-type': 'application/json' });
    response.end(json);
  });
}

/**
 * A 200 SSE stream that starts one `data:` line and never ends it: `totalBytes` of 'a' (a gigabyte line),
 * written in 64 KiB pieces as fast as the client reads, stopping when the client goes away.
 */
export async function startGiantLineServer(totalBytes: number): Promise<HostileServer> {
  const piece = Buffer.alloc(64 * 1024, 0x61);
  return startRawServer(async (_request, _body, response, server) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: {"choices":[{"delta":{"content":"');
    let written = 0;
    while (written < totalBytes && !response.destroyed) {
      if (!response.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            response.off('drain', done);
            response.off('close', done);
            resolve();
          };
          response.on('drain', done);
          response.on('close', done);
        });
      }
      written += piece.length;
      server.addSent(piece.length);
    }
    response.end();
  });
}

/** Answers every request with a redirect to `location`. */
export async function startRedirectServer(status: number, location: string): Promise<HostileServer> {
  return startRawServer((_request, _body, response) => {
    response.writeHead(status, { location, 'content-type': 'text/plain' });
    response.end('moved');
  });
}

/** The escape sequences a hostile server puts in its text: OSC title, clear screen, colour, a bell, bidi override. */
export const TERMINAL_ATTACK = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mRED\u001b[0m\u202eevil\u0000\u0008';

/** 500 with an error message full of terminal escapes, or (ok) a 200 stream whose model and text carry them. */
export async function startControlCharServer(mode: 'error' | 'stream'): Promise<HostileServer> {
  return startRawServer((_request, _body, response) => {
    if (mode === 'error') {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `boom ${TERMINAL_ATTACK}`, type: 'server_error' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, extra: object = {}): string =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: `m${TERMINAL_ATTACK}`, choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
    response.write(chunk({ role: 'assistant', content: '' }));
    response.write(chunk({ content: `hi ${TERMINAL_ATTACK}` }));
    response.write(chunk({ content: ' there' }));
    response.write(
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } })}\n\n`,
    );
    response.end('data: [DONE]\n\n');
  });
}

/** 200 with `bytes` of response headers (one long header). */
export async function startHugeHeaderServer(bytes: number): Promise<HostileServer> {
  return startRawServer((_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-filler': 'f'.repeat(bytes) });
    response.end('data: [DONE]\n\n');
  });
}

/** Accepts the request and sends nothing back until closed (a pre-check that hangs). */
export async function startSilentServer(): Promise<HostileServer> {
  return startRawServer(() => undefined);
}
