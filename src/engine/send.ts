import { isIP, type Socket } from 'node:net';
import { Pool, buildConnector } from 'undici';
import type { TargetSpec } from '../model/plan.js';
import type { PromptItem, ProtocolAdapter } from '../protocol/types.js';
import { buildWireHeaders } from '../protocol/wire-headers.js';

/**
 * The request side of the engine: what every request sends (built once, bytes ready), and the one
 * undici Pool per origin it goes through (no pipelining, explicit timeouts, connections opened before
 * measurement starts).
 */

/** Everything constant about the requests of a run, prepared once so the hot path only picks a body. */
export interface PreparedRequest {
  origin: string;
  /** Path with its query. */
  path: string;
  method: string;
  /** Flat [name, value, ...] list: undici takes it without re-validating an object per request. */
  headers: string[];
  /** One body per test-data prompt, or one body; serialised once. */
  bodies: Buffer[];
  stream: boolean;
  model: string;
}

export function prepareRequest(
  target: TargetSpec,
  adapter: ProtocolAdapter,
  prompts: readonly PromptItem[] | null,
  output: { tokens: number; exact: boolean } | null = null,
): PreparedRequest {
  const url = new URL(target.url);
  const headers = Object.entries(buildWireHeaders({ headers: target.headers, cookies: target.cookies }).headers).flat();
  // `--output-tokens` on the given body or prompts: the same length asked every time.
  const sized = (body: Record<string, unknown>): Record<string, unknown> =>
    output === null || adapter.applyOutputLength === undefined ? body : adapter.applyOutputLength(body, output.tokens, output.exact);
  const bodies =
    prompts === null
      ? [Buffer.from(JSON.stringify(sized(target.body)))]
      : prompts.map((prompt) => Buffer.from(JSON.stringify(sized(adapter.applyPrompt(target.body, prompt)))));
  return {
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: target.method,
    headers,
    bodies,
    stream: target.stream,
    model: target.model,
  };
}

export interface ConnectionPoolOptions {
  /** Connections at most: the users this thread runs (one stream each, no pipelining). */
  connections: number;
  insecure: boolean;
  connectTimeoutMs: number;
  /** Until the response headers arrive. */
  headersTimeoutMs: number;
  /** The longest gap between two reads of the body (`--idle-timeout`). */
  idleTimeoutMs: number;
}

export interface ConnectionPool {
  pool: Pool;
  /** Open up to `count` connections now, so no measured request pays for a TCP/TLS handshake. */
  preconnect(count: number, concurrency?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * One Pool per origin with a connector that first hands out sockets opened by `preconnect`: the pool
 * then starts with warm connections without sending any request the user did not ask for.
 */
export function createConnectionPool(origin: string, options: ConnectionPoolOptions): ConnectionPool {
  const url = new URL(origin);
  const baseConnect = buildConnector({
    rejectUnauthorized: !options.insecure,
    timeout: options.connectTimeoutMs,
    keepAlive: true,
    noDelay: true,
  });
  const ready: Socket[] = [];
  const ignoreIdleError = (): void => undefined;
  const connect: buildConnector.connector = (connectOptions, callback) => {
    for (;;) {
      const socket = ready.pop();
      if (socket === undefined) break;
      socket.off('error', ignoreIdleError);
      if (!socket.destroyed && socket.readyState === 'open') {
        // Asynchronously, like a real connect: undici's client does not expect the callback re-entrantly.
        process.nextTick(callback, null, socket);
        return;
      }
      socket.destroy();
    }
    baseConnect(connectOptions, callback);
  };
  const pool = new Pool(origin, {
    connections: Math.max(1, options.connections),
    pipelining: 1,
    connect,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.idleTimeoutMs,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const connectOptions: buildConnector.Options = {
    hostname,
    host: url.host,
    protocol: url.protocol,
    port: url.port || (url.protocol === 'https:' ? '443' : '80'),
    // SNI takes names only, never an IP address.
    ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
    localAddress: null,
  };
  const openOne = (): Promise<boolean> =>
    new Promise((done) => {
      baseConnect(connectOptions, (error, socket) => {
        if (error !== null || socket === null) {
          done(false);
          return;
        }
        socket.on('error', ignoreIdleError);
        ready.push(socket);
        done(true);
      });
    });
  return {
    pool,
    preconnect: async (count, concurrency = 256) => {
      let opened = 0;
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < count) {
          next += 1;
          if (await openOne()) opened += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
      return opened;
    },
    close: async () => {
      for (const socket of ready.splice(0)) socket.destroy();
      await pool.destroy();
    },
  };
}
