import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AppError } from '../failures/errors.js';
import { buildRunPlan } from '../input/plan.js';
import { planTargets, type RunPlan } from '../model/plan.js';
import { runLocal } from '../run/local.js';
import { maskText, maskUrl } from '../text/mask.js';
import { isTargetAllowed, type TargetPattern } from './allow-target.js';
import { createTokenCheck } from './auth.js';
import { MAX_BODY_BYTES, readBody, sendError, sendJson } from './http-io.js';
import { fieldOfInputError, parsePlanRequest, PlanRequestError } from './plan-request.js';
import { sendRunFile, listRunFiles } from './run-files.js';
import { streamRunEvents } from './run-events.js';
import { ServedRun } from './served-run.js';

export interface ServiceOptions {
  host: string;
  port: number;
  /** The bearer token every request must carry (the CLI reads it from LLM_LOADTEST_SERVE_TOKEN). */
  token: string;
  /** Targets a run may hit; an empty list refuses every target. */
  allowTargets: readonly TargetPattern[];
  /** Runs at once (starting, running or stopping); beyond: 429. */
  maxRuns: number;
  /** Where run folders go (one per run, named by its id). */
  runsDir: string;
  /** Interval of the live figures (default 1000 ms). */
  tickMs?: number;
  gracefulStopMs?: number;
  /** Interval of the event streams' keep-alive comments (default 15000 ms). */
  heartbeatMs?: number;
}

export interface Service {
  /** http://host:port */
  readonly url: string;
  readonly runs: ReadonlyMap<string, ServedRun>;
  /**
   * Stop taking requests, stop every active run (`detail` says why in its summary) and wait until each
   * has written all its files. Event streams end.
   */
  close(detail: string): Promise<void>;
}

const RUN_PATH = /^\/runs\/([A-Za-z0-9-]{1,80})(?:\/(summary|events|stop|files)(?:\/([^/]+))?)?$/;

/** The HTTP API of `llm-loadtest serve` (docs/serve.md). Throws SERVE_LISTEN_FAILED when it cannot listen. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const checkToken = createTokenCheck(options.token);
  const runs = new Map<string, ServedRun>();
  const sockets = new Set<Socket>();
  const streams = new Set<ServerResponse>();
  let closing = false;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!checkToken(req.headers.authorization)) {
      // Nothing is read or started for a request without the token.
      sendError(res, 401, { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token', hint: 'send Authorization: Bearer <the token in LLM_LOADTEST_SERVE_TOKEN>' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://service').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path === '/runs') {
      if (method === 'GET') return sendJson(res, 200, { runs: [...runs.values()].map((run) => run.status()) });
      if (method === 'POST') return startRun(req, res);
      return methodNotAllowed(res, 'GET, POST');
    }
    const match = RUN_PATH.exec(path);
    const run = match === null ? undefined : runs.get(match[1] ?? '');
    if (match === null || run === undefined) {
      return sendError(res, 404, { code: match === null ? 'NOT_FOUND' : 'RUN_NOT_FOUND', message: match === null ? `no endpoint ${path}` : `no run ${match[1] ?? ''} in this service`, hint: 'GET /runs lists the runs' });
    }
    const [, , part, file] = match;
    if (part === undefined) {
      if (method === 'GET') return sendJson(res, 200, run.status());
      if (method === 'DELETE') return stopRun(run, res);
      return methodNotAllowed(res, 'GET, DELETE');
    }
    if (part === 'stop') return method === 'POST' ? stopRun(run, res) : methodNotAllowed(res, 'POST');
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    if (part === 'events') return streamRunEvents(run, req, res, streams, options.heartbeatMs ?? 15_000);
    if (part === 'summary') {
      if (run.summary === null) return sendError(res, 409, { code: 'RUN_NOT_FINISHED', message: `run ${run.id} is ${run.state}: no summary`, hint: 'wait for state "finished" (GET /runs/<id>, or its events)' });
      return sendJson(res, 200, run.summary);
    }
    if (run.outDir === null) return sendError(res, 404, { code: 'NO_FILES', message: `run ${run.id} has no files (${run.state})`, hint: 'files appear once the load starts' });
    if (file === undefined) return sendJson(res, 200, { files: await listRunFiles(run.outDir) });
    return sendRunFile(res, run.outDir, file);
  }

  async function startRun(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closing) return sendError(res, 503, { code: 'SHUTTING_DOWN', message: 'the service is stopping', hint: 'start the run on another instance' });
    const text = await readBody(req, MAX_BODY_BYTES);
    if (text === null) return sendError(res, 413, { code: 'BODY_TOO_LARGE', message: `the plan is over ${MAX_BODY_BYTES} bytes`, hint: 'send a smaller body' });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return sendError(res, 400, { code: 'BODY_INVALID_JSON', message: `the request body is not JSON: ${(error as Error).message}`, hint: 'send a JSON object of run fields (docs/serve.md)' });
    }
    let plan: RunPlan;
    let targetField = 'url';
    try {
      const raw = parsePlanRequest(json);
      if (raw.curl !== undefined) targetField = 'curl';
      plan = await buildRunPlan(raw, { env: {}, cwd: options.runsDir, readStdin: () => Promise.reject(new Error('no stdin')) }, {
        mode: 'local',
        reason: 'started through llm-loadtest serve',
        platformBaseUrl: null,
      });
    } catch (error) {
      // The plan's own words may quote what was posted: masked like every line the CLI prints.
      if (error instanceof PlanRequestError) return sendError(res, 400, { code: 'PLAN_INVALID', message: maskText(error.message), hint: error.hint, field: error.field });
      if (error instanceof AppError && error.category === 'input') {
        return sendError(res, 400, { code: error.code, message: maskText(error.message), hint: error.hint === undefined ? null : maskText(error.hint), field: fieldOfInputError(error) });
      }
      throw error;
    }
    // Every URL the run would send to: the targets, and the server-metrics endpoints it would scrape.
    const reached: Array<[string, string]> = [
      ...planTargets(plan).map((target): [string, string] => [target.url, plan.comparison ? 'target' : targetField]),
      ...(plan.serverMetrics?.urls ?? []).map((url): [string, string] => [url, 'serverMetrics']),
    ];
    const refused = reached.find(([url]) => !isTargetAllowed(url, options.allowTargets));
    if (refused !== undefined) {
      return sendError(res, 403, {
        code: 'TARGET_NOT_ALLOWED',
        message: `the ${refused[1] === 'serverMetrics' ? 'server-metrics endpoint' : 'target'} ${maskUrl(refused[0])} is not on this service's allow-list`,
        hint: 'the operator allows targets with --allow-target <host[:port]> (default: loopback only)',
        field: refused[1],
      });
    }
    const active = [...runs.values()].filter((candidate) => candidate.active);
    if (active.length >= options.maxRuns) {
      const retryS = Math.max(1, Math.ceil(Math.min(...active.map((candidate) => candidate.remainingMs())) / 1000));
      return sendError(
        res,
        429,
        { code: 'TOO_MANY_RUNS', message: `${active.length} run${active.length === 1 ? ' is' : 's are'} under way and this service runs at most ${options.maxRuns} at once`, hint: `retry after about ${retryS} s, or stop a run` },
        { 'retry-after': String(retryS) },
      );
    }
    const run = new ServedRun(plan);
    // The folder is named for the run and lies under the service's runs folder: clients never choose a path.
    const planWithOut: RunPlan = { ...plan, output: { ...plan.output, outDir: `${options.runsDir}/${run.id}` } };
    run.follow((onEvent) =>
      runLocal({ plan: planWithOut, cwd: options.runsDir, onEvent, tickMs: options.tickMs ?? 1000, ...(options.gracefulStopMs === undefined ? {} : { gracefulStopMs: options.gracefulStopMs }) }),
    );
    runs.set(run.id, run);
    sendJson(res, 201, run.status(), { location: `/runs/${run.id}` });
  }

  function stopRun(run: ServedRun, res: ServerResponse): void {
    run.stop('stopped through the service API');
    sendJson(res, 202, run.status());
  }

  function methodNotAllowed(res: ServerResponse, allow: string): void {
    sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `use ${allow} here`, hint: 'docs/serve.md lists the endpoints' }, { allow });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new AppError('SERVE_LISTEN_FAILED', `the service cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, {
          category: 'input',
          hint: error.code === 'EADDRINUSE' ? 'choose another --port (0: a free one)' : 'check --host and --port',
        }),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    runs,
    close: async (detail) => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const run of runs.values()) run.stop(detail);
      await Promise.all([...runs.values()].map((run) => run.done));
      for (const stream of streams) stream.end();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
