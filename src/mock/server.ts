import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
// Seeded, so the mock's jitter is repeatable run to run.
import { createRandom } from '../random.js';
import { AppError, inputError } from '../failures/errors.js';
import { adapters, DEFAULT_API_TYPE, getAdapter, streamContentTypeOf } from '../protocol/registry.js';
import type { MockRequest, MockRequestReader } from '../protocol/mock-types.js';
import { describePrompt } from '../protocol/prompt-stats.js';
import type { ApiType, ProtocolAdapter } from '../protocol/types.js';
import { buildStatusError, isChosenForFault, type ErrorReply, type MockFault } from './faults.js';
import {
  applyHeaderOverrides,
  MAX_CONCURRENT_LIMIT,
  MockHeaderError,
  resolveBehaviour,
  type MockBehaviour,
  type MockServerOptions,
} from './options.js';
import { buildJsonBody, buildModelsBody, buildStreamParts, type ReplyPlan } from './wire.js';
import { METRICS_FAULTS, MockMetrics, type MetricsFault } from './metrics.js';

/**
 * What the mock did with one API request. Times are `performance.now()` values of this process (the same
 * clock as an in-process client) and, for a client in another process, epoch milliseconds with sub-ms
 * precision (`performance.timeOrigin + performance.now()`).
 */
export interface MockRequestRecord {
  /** Also sent as the `x-mock-request-id` response header. */
  id: string;
  api: ApiType;
  stream: boolean;
  model: string | null;
  /** The status written, null when none was (hang, or a drop before the headers). */
  status: number | null;
  fault: MockFault | null;
  /** The request body was fully received. */
  receivedAt: number;
  /**
   * The mock began answering: receivedAt, or later when maxConcurrent made the request wait for a slot
   * (TTFT, slow headers and the rest of the answer count from here).
   */
  startedAt: number | null;
  /** startedAt − receivedAt: the wait in the mock's queue (0 without one; null while still waiting). */
  queuedMs: number | null;
  /** The first generated token (text or reasoning) was written; for JSON, the body was written. */
  firstTokenAt: number | null;
  /** The response ended (or the connection closed); null while in flight or hanging. */
  endAt: number | null;
  receivedAtEpochMs: number;
  startedAtEpochMs: number | null;
  firstTokenAtEpochMs: number | null;
  endAtEpochMs: number | null;
  inputTokens: number | null;
  /** Chat APIs: the first 200 characters of the request's last assistant message (null: none). */
  lastAssistant: string | null;
  /** Content tokens written (reasoning included). */
  outputTokens: number;
  reasoningTokens: number;
  /** The client closed the connection before the response ended. */
  aborted: boolean;
  /** The `x-request-id` header the client sent, null without one. */
  clientRequestId: string | null;
  /** The output length asked: max_tokens (or the API's field), min_tokens, ignore_eos; null when not asked. */
  maxTokens: number | null;
  minTokens: number | null;
  ignoreEos: boolean;
  /** With countPrompt: the prompt's exact tokens by the model's encoding (each text alone), else null. */
  promptTokens: number | null;
  /** Messages in the request: chat APIs always, any API with countPrompt (0 for a plain prompt); else null. */
  messages: number | null;
  /** With countPrompt: the first PROMPT_HEAD_CHARS characters of the non-system prompt text, else null. */
  promptHead: string | null;
  /** With countPrompt: an FNV-1a hash (hex) of the whole system text ('' hashes too), else null. */
  systemHash: string | null;
}

/** Characters of the prompt a record keeps (enough to tell cache-bust tags apart). */
const PROMPT_HEAD_CHARS = 120;

export interface MockStats {
  /** API requests received (chat completions and messages). */
  requests: number;
  inFlight: number;
  /** Normal answers written to the end (not aborted by the client). */
  completed: number;
  /** Requests that got a fault (any kind). */
  faulted: number;
  /** Closed by the client before the end. */
  aborted: number;
  streams: number;
  byApi: Record<ApiType, number>;
  byStatus: Record<string, number>;
  byFault: Partial<Record<MockFault, number>>;
  /** Content tokens written, over all requests. */
  outputTokens: number;
  /** Requests that waited for a slot (maxConcurrent), and those waiting now. */
  queued: number;
  waiting: number;
}

export interface MockServer {
  /** `http://127.0.0.1:PORT` (no trailing slash, no /v1). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  stats(): MockStats;
  /** Clear counters, records and the error-rate counter. */
  reset(): void;
  /** The most recent records, oldest first (a copy). */
  readonly records: MockRequestRecord[];
  findRecord(id: string): MockRequestRecord | undefined;
}

const DEFAULT_RECORD_LIMIT = 100_000;
const STATS_RECORDS_DEFAULT = 1000;

/** An API the mock speaks: its adapter and the reader of its request bodies. */
interface SpokenApi {
  adapter: ProtocolAdapter;
  readRequest: MockRequestReader;
}

function createStats(apis: readonly SpokenApi[]): MockStats {
  return {
    requests: 0,
    inFlight: 0,
    completed: 0,
    faulted: 0,
    aborted: 0,
    streams: 0,
    byApi: Object.fromEntries(apis.map((api) => [api.adapter.apiType, 0])),
    byStatus: {},
    byFault: {},
    outputTokens: 0,
    queued: 0,
    waiting: 0,
  };
}

/** The headers of a stream: its adapter's media type (SSE, or Ollama's NDJSON). */
function streamHeaders(api: ApiType): Record<string, string> {
  return { 'content-type': `${streamContentTypeOf(getAdapter(api))}; charset=utf-8`, 'cache-control': 'no-cache' };
}

/** Mutable state shared by the server's exchanges. */
interface ServerState {
  /** The APIs registered when the mock started. */
  apis: readonly SpokenApi[];
  base: MockBehaviour;
  models: readonly string[];
  apiKey: string | null;
  random: () => number;
  stats: MockStats;
  ring: MockRequestRecord[];
  ringLimit: number;
  ringNext: number;
  nextId: number;
  rateCounter: number;
  /** maxConcurrent, or null for no limit. */
  slots: number | null;
  countPrompt: boolean;
  /** Exchanges answering now (holding a slot). */
  active: number;
  /** Exchanges waiting for a slot, oldest first from `queueHead` (a head index: no shift() per release). */
  queue: Exchange[];
  queueHead: number;
  /** What /metrics reports (vLLM's names), and how it misbehaves when asked to. */
  metrics: MockMetrics;
  metricsFault: MetricsFault | null;
  /** MockServerOptions.responseHeaders; null when none (no spread per answer). */
  extraHeaders: Readonly<Record<string, string>> | null;
}

/**
 * One API request from body to end. Methods live on the prototype and `step` is bound once, so a stream
 * costs one closure per request, none per chunk.
 */
class Exchange {
  private timer: NodeJS.Timeout | null = null;
  private finished = false;
  private writes: string[] = [];
  private writeTokens: number[] = [];
  private writeAt: number[] = [];
  private next = 0;
  private ending: 'tail' | 'drop' = 'tail';
  private plannedReasoningTokens = 0;
  private holdsSlot = false;
  /** The finish reason of a normal answer, for /metrics' request_success. */
  finishReason = 'stop';
  /** What the exchange does once it has a slot; null when it has started (or never waited). */
  pendingStart: (() => void) | null = null;
  private readonly boundStep = (): void => this.step();

  constructor(
    private readonly state: ServerState,
    private readonly res: ServerResponse,
    readonly record: MockRequestRecord,
  ) {
    res.on('close', () => this.onClose());
  }

  /**
   * Run `fn` at `atMs` (a performance.now() value), or now when that has passed. Timers run on the event
   * loop's cached millisecond clock and can fire a little early, so an early one waits again.
   */
  at(atMs: number, fn: () => void): void {
    const delayMs = atMs - performance.now();
    if (delayMs <= 0.5) fn();
    else this.timer = setTimeout(() => this.at(atMs, fn), Math.ceil(delayMs));
  }

  /** The answer's headers with the server's extra ones (`{id}` is this request's id). */
  private withExtra(headers: Record<string, string | number>): Record<string, string | number> {
    const extra = this.state.extraHeaders;
    if (extra === null) return headers;
    for (const [name, value] of Object.entries(extra)) headers[name] = value.replaceAll('{id}', this.record.id);
    return headers;
  }

  replyError(reply: ErrorReply, fault: MockFault | null): void {
    this.record.fault = fault;
    this.record.status = reply.status;
    this.res.writeHead(reply.status, this.withExtra({ ...reply.headers, 'content-length': Buffer.byteLength(reply.body), 'x-mock-request-id': this.record.id }));
    this.res.end(reply.body);
    this.finish();
  }

  replyJson(body: string, outputTokens: number, reasoningTokens: number): void {
    const now = performance.now();
    this.record.status = 200;
    this.record.firstTokenAt = now;
    this.record.firstTokenAtEpochMs = performance.timeOrigin + now;
    this.state.metrics.observeFirstToken(this.record.receivedAt, now);
    this.record.outputTokens = outputTokens;
    this.record.reasoningTokens = reasoningTokens;
    this.res.writeHead(200, this.withExtra({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-mock-request-id': this.record.id }));
    this.res.end(body);
    this.finish();
  }

  /** Destroy the connection without a response (a drop before or instead of the body). */
  drop(): void {
    this.record.fault = 'drop';
    this.res.destroy();
    this.finish();
  }

  /**
   * Start a stream: headers and head now, then each content write at its time. `writes[i]` carries
   * `tokens[i]` content tokens and is written at `atMs[i]`; the last write is followed by the end
   * (or by destroying the connection for a drop).
   */
  startStream(head: string, writes: string[], tokens: number[], atMs: number[], ending: 'tail' | 'drop', reasoningTokens: number): void {
    this.record.status = 200;
    this.plannedReasoningTokens = reasoningTokens;
    this.writes = writes;
    this.writeTokens = tokens;
    this.writeAt = atMs;
    this.ending = ending;
    // Corked: with no delays, headers, head and the whole stream leave in one write.
    this.res.cork();
    this.res.writeHead(200, this.withExtra({ ...streamHeaders(this.record.api), 'x-mock-request-id': this.record.id }));
    if (head === '') this.res.flushHeaders();
    else this.res.write(head);
    this.step();
    this.res.uncork();
  }

  private step(): void {
    this.timer = null;
    if (this.finished) return;
    const now = performance.now();
    const firstIndex = this.next;
    let chunk = '';
    let tokens = 0;
    while (this.next < this.writes.length && (this.writeAt[this.next] as number) <= now + 0.5) {
      chunk += this.writes[this.next] as string;
      tokens += this.writeTokens[this.next] as number;
      this.next += 1;
    }
    if (tokens > 0) {
      if (this.record.firstTokenAt === null) {
        this.record.firstTokenAt = now;
        this.record.firstTokenAtEpochMs = performance.timeOrigin + now;
        this.state.metrics.observeFirstToken(this.record.receivedAt, now);
        this.shiftSchedule(now - (this.writeAt[firstIndex] as number));
      }
      this.record.outputTokens += tokens;
    }
    if (this.next < this.writes.length) {
      if (chunk !== '') this.res.write(chunk);
      this.timer = setTimeout(this.boundStep, Math.ceil((this.writeAt[this.next] as number) - performance.now()));
      return;
    }
    if (this.ending === 'drop') {
      this.record.fault = 'drop';
      if (chunk === '') this.res.destroy();
      else this.res.write(chunk, () => this.res.destroy());
    } else {
      this.res.end(chunk);
    }
    this.finish();
  }

  /**
   * A first token written late (a busy event loop) moves the rest of the stream with it, so the gaps
   * after it keep their length instead of being squeezed to catch up.
   */
  private shiftSchedule(lateMs: number): void {
    if (lateMs <= 0) return;
    for (let i = this.next; i < this.writeAt.length; i += 1) this.writeAt[i] = (this.writeAt[i] as number) + lateMs;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Take a slot at `now` (a performance.now() value): the answer starts here. */
  takeSlot(now: number): void {
    this.holdsSlot = true;
    this.state.active += 1;
    this.record.startedAt = now;
    this.record.startedAtEpochMs = performance.timeOrigin + now;
    this.record.queuedMs = now - this.record.receivedAt;
    this.state.metrics.observeQueue(this.record.queuedMs);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.holdsSlot) {
      this.holdsSlot = false;
      this.state.active -= 1;
      // Not from inside this exchange's own end: a queue of instant answers would otherwise recurse.
      if (this.state.queueHead < this.state.queue.length) queueMicrotask(() => releaseSlots(this.state));
    } else if (this.pendingStart !== null) {
      // Closed by the client while waiting: it leaves the queue without having been answered.
      this.pendingStart = null;
      this.state.stats.waiting -= 1;
    }
    const now = performance.now();
    const record = this.record;
    // Reasoning comes first, so the reasoning written is the planned amount capped by what was written.
    if (record.stream) record.reasoningTokens = Math.min(this.plannedReasoningTokens, record.outputTokens);
    record.endAt = now;
    record.endAtEpochMs = performance.timeOrigin + now;
    const stats = this.state.stats;
    stats.inFlight -= 1;
    stats.outputTokens += record.outputTokens;
    if (record.status !== null) stats.byStatus[record.status] = (stats.byStatus[record.status] ?? 0) + 1;
    if (record.fault === null) {
      if (!record.aborted) stats.completed += 1;
      if (!record.aborted && record.status === 200) {
        this.state.metrics.observeFinished(record.receivedAt, now, record.inputTokens ?? 0, record.outputTokens, this.finishReason);
      }
    } else {
      stats.faulted += 1;
      stats.byFault[record.fault] = (stats.byFault[record.fault] ?? 0) + 1;
    }
  }

  private onClose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.finished) return;
    this.record.aborted = true;
    this.state.stats.aborted += 1;
    // A hang ends here too (client gave up, or close()): it stays a hang, not a normal completion.
    this.finish();
  }
}

/** Start the bundled mock LLM server (OpenAI chat completions + Anthropic messages, JSON and SSE). */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw inputError('MOCK_OPTION_INVALID', `mock option port: ${port} must be a whole number between 0 and 65535`, 'use 0 for a free port');
  }
  const recordLimit = options.recordLimit ?? DEFAULT_RECORD_LIMIT;
  if (!Number.isInteger(recordLimit) || recordLimit < 1) {
    throw inputError('MOCK_OPTION_INVALID', `mock option recordLimit: ${recordLimit} must be a whole number ≥ 1`, 'keep the default of 100000');
  }
  const models = options.models ?? ['mock-model'];
  if (models.length === 0) throw inputError('MOCK_OPTION_INVALID', 'mock option models: the list is empty', 'name at least one model');
  const apis = await Promise.all(adapters.map(async (adapter) => ({ adapter, readRequest: await adapter.mock.loadRequestReader() })));
  const state: ServerState = {
    apis,
    base: resolveBehaviour(options),
    models,
    apiKey: options.apiKey ?? null,
    random: createRandom(options.seed ?? 1),
    stats: createStats(apis),
    ring: [],
    ringLimit: recordLimit,
    ringNext: 0,
    nextId: 1,
    rateCounter: 0,
    slots: checkMaxConcurrent(options.maxConcurrent),
    countPrompt: options.countPrompt === true,
    active: 0,
    queue: [],
    queueHead: 0,
    metrics: new MockMetrics(),
    metricsFault: checkMetricsFault(options.metricsFault),
    extraHeaders: options.responseHeaders === undefined || Object.keys(options.responseHeaders).length === 0 ? null : options.responseHeaders,
  };

  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 0, noDelay: true }, (req, res) =>
    handleRequest(state, req, res),
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new AppError('MOCK_LISTEN_FAILED', `mock server cannot listen on ${host}:${port}: ${error.code ?? error.message}`, {
          category: 'input',
          hint: error.code === 'EADDRINUSE' ? 'the port is taken: pick another, or --port 0 for a free one' : 'check --host and --port',
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging and keep-alive connections would hold close() open forever.
        server.closeAllConnections();
      }),
    stats: () => snapshotStats(state.stats),
    reset: () => {
      resetStats(state);
      state.ring = [];
      state.ringNext = 0;
      state.rateCounter = 0;
    },
    get records() {
      return orderedRecords(state);
    },
    findRecord: (id) => state.ring.find((record) => record.id === id),
  };
}

function checkMaxConcurrent(value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CONCURRENT_LIMIT) {
    throw inputError(
      'MOCK_OPTION_INVALID',
      `mock option maxConcurrent: ${value} must be a whole number between 1 and ${MAX_CONCURRENT_LIMIT}`,
      'leave it unset for no limit',
    );
  }
  return value;
}

function checkMetricsFault(value: MetricsFault | undefined): MetricsFault | null {
  if (value === undefined) return null;
  if (!METRICS_FAULTS.includes(value)) {
    throw inputError('MOCK_OPTION_INVALID', `mock option metricsFault: "${String(value)}" must be one of ${METRICS_FAULTS.join(', ')}`, 'leave it unset for a working /metrics');
  }
  return value;
}

/** GET /metrics: vLLM's text, or the fault asked for (a hang holds the connection until the client gives up). */
function answerMetrics(state: ServerState, res: ServerResponse): void {
  if (state.metricsFault === 'hang') return;
  if (state.metricsFault === 'error') {
    sendJson(res, 500, '{"error":"metrics unavailable"}');
    return;
  }
  const body =
    state.metricsFault === 'malformed'
      ? 'vllm:num_requests_running{model_name=unquoted} 1\n'
      : state.metrics.render(state.models[0] ?? 'mock-model', state.active, state.stats.waiting, state.slots);
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Start waiting exchanges, oldest first, while slots are free. */
function releaseSlots(state: ServerState): void {
  const queue = state.queue;
  while (state.slots !== null && state.active < state.slots && state.queueHead < queue.length) {
    const exchange = queue[state.queueHead] as Exchange;
    state.queueHead += 1;
    const start = exchange.pendingStart;
    if (exchange.isFinished || start === null) continue;
    exchange.pendingStart = null;
    state.stats.waiting -= 1;
    exchange.takeSlot(performance.now());
    start();
  }
  if (state.queueHead === queue.length) {
    state.queue = [];
    state.queueHead = 0;
  }
}

/** Fresh counters; the requests waiting now still wait, so `waiting` keeps counting them. */
function resetStats(state: ServerState): void {
  const waiting = state.stats.waiting;
  state.stats = createStats(state.apis);
  state.stats.waiting = waiting;
}

function snapshotStats(stats: MockStats): MockStats {
  return { ...stats, byApi: { ...stats.byApi }, byStatus: { ...stats.byStatus }, byFault: { ...stats.byFault } };
}

function orderedRecords(state: ServerState): MockRequestRecord[] {
  if (state.ring.length < state.ringLimit) return state.ring.slice();
  return [...state.ring.slice(state.ringNext), ...state.ring.slice(0, state.ringNext)];
}

function addRecord(state: ServerState, record: MockRequestRecord): void {
  if (state.ring.length < state.ringLimit) state.ring.push(record);
  else state.ring[state.ringNext] = record;
  state.ringNext = (state.ringNext + 1) % state.ringLimit;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}

function apiOfPath(state: ServerState, path: string): SpokenApi | null {
  return state.apis.find((api) => api.adapter.mock.matchesPath(path)) ?? null;
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function handleRequest(state: ServerState, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req.url);
  const method = req.method ?? 'GET';
  const spoken = apiOfPath(state, path);
  if (spoken !== null) {
    if (method === 'POST') {
      receiveApiRequest(state, spoken, req, res);
      return;
    }
    const message = `Invalid method for URL (${method} ${path})`;
    const body = spoken.adapter.mock.invalidRequestBody(message, 'req_mock');
    sendJson(res, 405, body, { allow: 'POST' });
    return;
  }
  if (path.endsWith('/models') && method === 'GET') {
    sendJson(res, 200, buildModelsBody(state.models, new Set(Object.keys(req.headers))));
    return;
  }
  if (path === '/metrics' && method === 'GET') {
    answerMetrics(state, res);
    return;
  }
  if (path === '/mock/stats' && method === 'GET') {
    const limitText = new URL(req.url ?? '/', 'http://mock').searchParams.get('limit');
    const limit = limitText === null ? STATS_RECORDS_DEFAULT : Math.max(0, Number.parseInt(limitText, 10) || 0);
    const records = limit === 0 ? [] : orderedRecords(state).slice(-limit);
    sendJson(res, 200, JSON.stringify({ ...snapshotStats(state.stats), records }));
    return;
  }
  if (path === '/mock/reset' && method === 'POST') {
    resetStats(state);
    state.ring = [];
    state.ringNext = 0;
    state.rateCounter = 0;
    sendJson(res, 200, '{"ok":true}');
    return;
  }
  sendJson(res, 404, getAdapter(DEFAULT_API_TYPE).mock.invalidRequestBody(`Invalid URL (${method} ${path})`, 'req_mock'));
}

function receiveApiRequest(state: ServerState, api: SpokenApi, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const receivedAt = performance.now();
    // Stamped now, answered a little later: requests that arrived together (a burst) are all stamped
    // before any is answered, so one answer's work never delays another's receipt stamp. Every delay of
    // the answer counts from the stamp, so the deferral shifts nothing.
    setImmediate(() => {
      const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
      answerApiRequest(state, api, req, res, text, receivedAt);
    });
  });
}

/** The key in any API's key header (Authorization: Bearer, x-api-key, api-key). */
function isAuthorized(apiKey: string, req: IncomingMessage): boolean {
  const headers = req.headers;
  return adapters.some((adapter) => adapter.keyHeaders.some((key) => headers[key.name.toLowerCase()] === `${key.prefix}${apiKey}`));
}

function answerApiRequest(state: ServerState, spoken: SpokenApi, req: IncomingMessage, res: ServerResponse, text: string, receivedAt: number): void {
  const api = spoken.adapter.apiType;
  const seq = state.nextId;
  state.nextId += 1;
  const id = `mock-${seq}`;
  const record: MockRequestRecord = {
    id,
    api,
    stream: false,
    model: null,
    status: null,
    fault: null,
    receivedAt,
    startedAt: null,
    queuedMs: null,
    firstTokenAt: null,
    endAt: null,
    receivedAtEpochMs: performance.timeOrigin + receivedAt,
    startedAtEpochMs: null,
    firstTokenAtEpochMs: null,
    endAtEpochMs: null,
    inputTokens: null,
    lastAssistant: null,
    outputTokens: 0,
    reasoningTokens: 0,
    aborted: false,
    clientRequestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : null,
    maxTokens: null,
    minTokens: null,
    ignoreEos: false,
    promptTokens: null,
    messages: null,
    promptHead: null,
    systemHash: null,
  };
  addRecord(state, record);
  const stats = state.stats;
  stats.requests += 1;
  stats.inFlight += 1;
  stats.byApi[api] = (stats.byApi[api] ?? 0) + 1;
  const exchange = new Exchange(state, res, record);
  const start = (): void => startAnswer(state, spoken, req, exchange, text);
  if (state.slots === null || (state.active < state.slots && state.queueHead === state.queue.length)) {
    exchange.takeSlot(receivedAt);
    start();
    return;
  }
  exchange.pendingStart = start;
  state.queue.push(exchange);
  stats.queued += 1;
  stats.waiting += 1;
}

/** The answer, once the request has a slot: every delay counts from `record.startedAt`. */
function startAnswer(state: ServerState, spoken: SpokenApi, req: IncomingMessage, exchange: Exchange, text: string): void {
  const record = exchange.record;
  const api = spoken.adapter.apiType;
  const stats = state.stats;
  const startedAt = record.startedAt as number;
  const requestId = `req_${record.id}`;

  let behaviour: MockBehaviour;
  try {
    behaviour = applyHeaderOverrides(state.base, req.rawHeaders);
  } catch (error) {
    if (!(error instanceof MockHeaderError)) throw error;
    exchange.replyError(badRequest(api, error.message, requestId), 'bad_request');
    return;
  }
  if (state.apiKey !== null && !isAuthorized(state.apiKey, req)) {
    exchange.replyError(buildStatusError(api, 401, { model: 'unknown', quotaExceeded: false, retryAfterS: 0, requestId }), 'auth');
    return;
  }
  const parsed = spoken.readRequest(text, requestId);
  if (!parsed.ok) {
    exchange.replyError({ status: 400, headers: { 'content-type': 'application/json' }, body: parsed.body }, 'bad_request');
    return;
  }
  const request = parsed.request;
  record.stream = request.stream;
  record.model = request.model;
  record.maxTokens = request.maxTokens;
  record.minTokens = request.minTokens ?? null;
  record.ignoreEos = request.ignoreEos === true;
  if (state.countPrompt) {
    const prompt = describePrompt(JSON.parse(text) as Record<string, unknown>, request.model);
    record.promptTokens = prompt.tokens;
    record.messages = prompt.messages;
    record.promptHead = prompt.user.slice(0, PROMPT_HEAD_CHARS);
    record.systemHash = fnv1a(prompt.system);
    request.inputTokens = prompt.tokens;
  }
  record.inputTokens = request.inputTokens;
  if (record.messages === null) record.messages = request.messages ?? null;
  record.lastAssistant = request.lastAssistant ?? null;
  if (request.stream) stats.streams += 1;

  const faultsConfigured =
    behaviour.failStatus !== null || behaviour.midStreamErrorAfterTokens !== null || behaviour.dropAfterTokens !== null || behaviour.hang;
  let faulty = faultsConfigured;
  if (behaviour.errorRate !== null) {
    faulty = isChosenForFault(state.rateCounter, behaviour.errorRate);
    state.rateCounter += 1;
  }
  if (faulty && behaviour.hang) {
    record.fault = 'hang';
    return;
  }
  const failStatus = faulty ? (behaviour.failStatus ?? (faultsConfigured ? null : 500)) : null;
  const headersAt = startedAt + behaviour.slowHeadersMs;
  if (failStatus !== null) {
    const reply = buildStatusError(api, failStatus, {
      model: request.model,
      quotaExceeded: behaviour.quotaExceeded,
      retryAfterS: behaviour.retryAfterS,
      requestId,
    });
    exchange.at(headersAt, () => exchange.replyError(reply, 'status'));
    return;
  }
  respondNormally(state, exchange, api, request, behaviour, faulty, headersAt);
}

/**
 * The answer's tokens: the mock's own length, cut at max_tokens; as vLLM does, `ignore_eos` runs to
 * max_tokens and `min_tokens` lengthens a shorter answer (never past max_tokens).
 */
function answerLength(outputTokens: number, request: MockRequest): number {
  const max = request.maxTokens;
  if (request.ignoreEos === true && max !== null) return max;
  const natural = max === null ? outputTokens : Math.min(outputTokens, max);
  const min = request.minTokens ?? 0;
  return max === null ? Math.max(natural, min) : Math.min(max, Math.max(natural, min));
}

/** A short hash of a text (FNV-1a, 32 bits, hex): tells identical system prompts from different ones. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

function badRequest(api: ApiType, message: string, requestId: string): ErrorReply {
  const body = getAdapter(api).mock.invalidRequestBody(message, requestId);
  return { status: 400, headers: { 'content-type': 'application/json' }, body };
}

/** `baseMs` varied within ±jitterMs, never below 0. */
function jittered(state: ServerState, baseMs: number, jitterMs: number): number {
  if (jitterMs <= 0) return baseMs;
  return Math.max(0, baseMs + (state.random() * 2 - 1) * jitterMs);
}

function respondNormally(
  state: ServerState,
  exchange: Exchange,
  api: ApiType,
  request: MockRequest,
  behaviour: MockBehaviour,
  faulty: boolean,
  headersAt: number,
): void {
  const record = exchange.record;
  // An embeddings answer generates nothing: its time is the TTFT alone.
  const generates = request.embedding === undefined;
  const outputTokens = generates ? behaviour.outputTokens : 0;
  const answerTokens = answerLength(outputTokens, request);
  const plan: ReplyPlan = {
    api,
    id: getAdapter(api).mock.replyId(record.id),
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    inputTokens: request.inputTokens,
    reasoningTokens: generates ? behaviour.reasoningTokens : 0,
    answerTokens,
    usageOutputTokens: Math.max(0, Math.round((behaviour.reasoningTokens + answerTokens) * (1 + behaviour.usageMisreportPct / 100))),
    chunkTokens: behaviour.chunkTokens,
    finishReason: answerTokens < outputTokens ? 'length' : 'stop',
    roleChunk: behaviour.roleChunk,
    streamUsage: behaviour.usage && request.includeUsage,
    jsonUsage: behaviour.usage,
    ...(request.embedding === undefined ? {} : { embedding: request.embedding }),
    cachedTokens: Math.min(behaviour.cachedTokens, request.inputTokens),
  };
  const totalTokens = plan.reasoningTokens + plan.answerTokens;
  exchange.finishReason = plan.finishReason;
  state.metrics.observePrompt(plan.inputTokens, plan.cachedTokens ?? 0);
  const errorAfter = faulty ? behaviour.midStreamErrorAfterTokens : null;
  const dropAfter = faulty ? behaviour.dropAfterTokens : null;
  // The earlier of the two in-stream faults wins; one set beyond the answer comes after all of it.
  const cutAt = Math.min(errorAfter ?? Number.POSITIVE_INFINITY, dropAfter ?? Number.POSITIVE_INFINITY);
  const cut: 'error' | 'drop' | null = cutAt === Number.POSITIVE_INFINITY ? null : cutAt === dropAfter ? 'drop' : 'error';
  const firstAt = Math.max(headersAt, (record.startedAt as number) + jittered(state, behaviour.ttftMs, behaviour.jitterMs));

  if (!request.stream) {
    const doneAt = firstAt + Math.max(0, totalTokens - 1) * behaviour.itlMs;
    if (cut === 'drop') {
      exchange.at(doneAt, () => exchange.drop());
      return;
    }
    if (cut === 'error') {
      const status = getAdapter(api).mock.midStreamErrorStatus;
      const reply = buildStatusError(api, status, { model: request.model, quotaExceeded: false, retryAfterS: behaviour.retryAfterS, requestId: `req_${record.id}` });
      exchange.at(doneAt, () => exchange.replyError(reply, 'mid_stream_error'));
      return;
    }
    const body = buildJsonBody(plan);
    exchange.at(doneAt, () => exchange.replyJson(body, totalTokens, plan.reasoningTokens));
    return;
  }

  const parts = buildStreamParts(plan, cut === null ? undefined : cutAt);
  const writes = parts.events;
  const tokens = parts.eventTokens;
  const atMs: number[] = new Array<number>(writes.length);
  let t = firstAt;
  for (let i = 0; i < writes.length; i += 1) {
    if (i > 0) t += jittered(state, (tokens[i] as number) * behaviour.itlMs, behaviour.jitterMs);
    atMs[i] = t;
  }
  // The ending goes out with the last content write (or at TTFT when the cut leaves no content).
  const errorStatus = behaviour.midStreamErrorStatus;
  const errorEvent = (): string =>
    getAdapter(api).mock.streamErrorEvent(errorStatus === null ? undefined : { status: errorStatus, model: request.model });
  const endText = cut === null ? parts.tail : cut === 'error' ? errorEvent() : '';
  if (writes.length === 0) {
    writes.push(endText);
    tokens.push(0);
    atMs.push(firstAt);
  } else {
    writes[writes.length - 1] += endText;
  }
  if (cut === 'error') record.fault = 'mid_stream_error';
  exchange.at(headersAt, () => exchange.startStream(parts.head, writes, tokens, atMs, cut === 'drop' ? 'drop' : 'tail', plan.reasoningTokens));
}
