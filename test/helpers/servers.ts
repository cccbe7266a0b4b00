/**
 * Small real servers on 127.0.0.1 (port 0) for tests of what goes wrong on the wire: a refused port, a reset,
 * a server that never answers, self-signed TLS, any status and body, a slow SSE stream. Each one stops with
 * close(), which also cuts the connections still open, so a test never hangs on them.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Requests (or connections, for the raw TCP servers) seen so far. */
  hits(): number;
  close(): Promise<void>;
}

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; an object as JSON (content-type set unless given). */
  body?: string | object;
}

/** The request a handler sees, body already read. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: SeenRequest, response: http.ServerResponse) => void | Promise<void>;

const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);

/** The test-only self-signed localhost certificate (test/fixtures/tls/README.md). */
export function readTestTls(): { key: Buffer; cert: Buffer } {
  return {
    key: readFileSync(new URL('localhost-key.pem', TLS_DIR)),
    cert: readFileSync(new URL('localhost-cert.pem', TLS_DIR)),
  };
}

/** A port nothing listens on: bound, then released (the kernel does not hand it out again at once). */
export async function findRefusedPort(): Promise<{ url: string; port: number }> {
  const server = net.createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}`, port };
}

/** Accepts, reads the request, then answers with a TCP RST (ECONNRESET on the client). */
export async function startResetServer(): Promise<TestServer> {
  return startTcpServer((socket) => {
    socket.once('data', () => socket.resetAndDestroy());
  });
}

/** Accepts and never answers: headers never come (a hung or overloaded target). */
export async function startHangServer(): Promise<TestServer> {
  return startTcpServer((socket) => {
    socket.on('data', () => undefined);
  });
}

/** An HTTP server calling handler for every request (its body read first). */
export async function startHttpServer(handler: Handler): Promise<TestServer> {
  return startWith(http.createServer(), handler, 'http');
}

/** The same over TLS with the test-only self-signed certificate. */
export async function startTlsServer(handler: Handler): Promise<TestServer> {
  return startWith(https.createServer(readTestTls()), handler, 'https');
}

/** Answers every request with the same status, headers and body. */
export async function startCannedServer(response: CannedResponse): Promise<TestServer> {
  return startHttpServer((_request, res) => writeCanned(res, response));
}

function writeCanned(res: http.ServerResponse, response: CannedResponse): void {
  const headers = { ...response.headers };
  let body = '';
  if (typeof response.body === 'string') body = response.body;
  else if (response.body !== undefined) {
    body = JSON.stringify(response.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
  }
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * An SSE server writing the given raw event texts (each written as is, e.g. `data: {...}\n\n`), gapMs apart,
 * then ending the body. A status and content-type other than 200 text/event-stream can be given.
 */
export async function startSseServer(options: {
  events: string[];
  gapMs?: number;
  status?: number;
  contentType?: string;
  /** Keep the body open after the last event (a stream that stalls). */
  stall?: boolean;
}): Promise<TestServer> {
  const gapMs = options.gapMs ?? 0;
  return startHttpServer(async (_request, res) => {
    res.writeHead(options.status ?? 200, {
      'content-type': options.contentType ?? 'text/event-stream',
      'cache-control': 'no-cache',
    });
    for (const event of options.events) {
      if (res.destroyed) return;
      res.write(event);
      if (gapMs > 0) await sleep(gapMs);
    }
    if (options.stall !== true) res.end();
  });
}

/** SSE events of an OpenAI chat stream that answers `words`, with or without the usage chunk. */
export function openAiStreamEvents(
  words: string[],
  options: { model?: string; usage?: boolean; finishReason?: string } = {},
): string[] {
  const model = options.model ?? 'test-model';
  const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model };
  const events = [
    { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...words.map((word) => ({ ...head, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })),
    { ...head, choices: [{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop' }] },
  ].map((event) => `data: ${JSON.stringify(event)}\n\n`);
  if (options.usage === true) {
    const usage = { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length };
    events.push(`data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`);
  }
  events.push('data: [DONE]\n\n');
  return events;
}

function startTcpServer(onConnection: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let hits = 0;
  const server = net.createServer((socket) => {
    hits += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset or a destroy on close is the point of these servers, not an error of the test.
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  return listen(server).then(() => {
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      hits: () => hits,
      close: () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    };
  });
}

async function startWith(server: http.Server, handler: Handler, scheme: 'http' | 'https'): Promise<TestServer> {
  let hits = 0;
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    hits += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      Promise.resolve(handler(seen, res)).catch(() => res.destroy());
    });
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
